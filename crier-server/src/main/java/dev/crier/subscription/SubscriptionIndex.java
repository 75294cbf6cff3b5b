package dev.crier.subscription;

import dev.crier.event.FanOut;
import dev.crier.event.NewEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The subscriptions that hear events (active and halted; halted ones queue), in memory, so that
 * publishing finds an event's targets without a query: a map from exact event type to
 * subscriptions plus a short list of wildcard ones, and a map from path pattern to watches that
 * an event's subject path probes once per segment. Changes rebuild the lookup lazily, on the
 * next publish, so creating ten thousand webhooks costs one rebuild, not ten thousand.
 */
public final class SubscriptionIndex implements FanOut {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** An immutable lookup, and the change count of the map it was built from. */
  private record Lookup(
      long version,
      Map<String, List<Subscription>> exact,
      List<Subscription> wildcard,
      Map<String, List<Subscription>> bySubjectType,
      Map<String, List<Subscription>> byPattern,
      Map<Kind, List<Subscription>> byKind) {}

  /**
   * Every subscription told of, disabled ones too (they hear nothing, but their version keeps an
   * older change told late from bringing them back).
   */
  private final Map<String, Subscription> byId = new ConcurrentHashMap<>();
  /** Deleted subscriptions (ids are never reused): a change told after the delete is ignored. */
  private final Set<String> deleted = ConcurrentHashMap.newKeySet();
  /** Bumped after every change to {@link #byId}; a lookup built from an older count is stale. */
  private final AtomicLong changes = new AtomicLong();
  private volatile Lookup lookup = new Lookup(-1, Map.of(), List.of(), Map.of(), Map.of(), Map.of());

  public SubscriptionIndex(List<Subscription> enabled) {
    for (Subscription s : enabled) byId.put(s.id(), s);
    changes.incrementAndGet();
  }

  /**
   * Adds or replaces a subscription, unless a later version of it is held (two changes committed
   * at once may be told in the other order; every commit to a row leaves a later
   * {@code updated_at}) or it was deleted.
   *
   * @return the version held now; empty when it was deleted
   */
  public Optional<Subscription> put(Subscription s) {
    Subscription held =
        byId.compute(
            s.id(),
            (id, old) -> {
              if (deleted.contains(id)) return null;
              return old != null && old.updatedAt().isAfter(s.updatedAt()) ? old : s;
            });
    changes.incrementAndGet();
    return Optional.ofNullable(held);
  }

  public void remove(String id) {
    byId.compute(
        id,
        (k, old) -> {
          deleted.add(k);
          return null;
        });
    changes.incrementAndGet();
  }

  /**
   * Every subscription of a kind held now (active and halted), from the lookup: the broadcast
   * flusher asks ten times a second, and walking every subscription each time was 5% of the
   * server's samples with 10,000 webhooks and no receiver at all.
   */
  public List<Subscription> all(Kind kind) {
    return current().byKind().getOrDefault(kind, List.of());
  }

  /** Every subscription held, by id, with the time it last changed (to compare with the database). */
  public Map<String, java.time.Instant> versions() {
    Map<String, java.time.Instant> versions = new HashMap<>();
    for (Subscription s : byId.values()) if (s.status() != Status.DISABLED) versions.put(s.id(), s.updatedAt());
    return versions;
  }

  /** The subscription if it hears events now (active or halted). */
  public Optional<Subscription> get(String id) {
    return Optional.ofNullable(byId.get(id)).filter(s -> s.status() != Status.DISABLED);
  }

  @Override
  public Targets targets(NewEvent event) {
    Lookup current = current();
    return new Targets(deliveries(current, event), coalesced(current, event));
  }

  private static List<String> deliveries(Lookup current, NewEvent event) {
    List<Subscription> exact = current.exact.getOrDefault(event.type(), List.of());
    String path = event.subject() == null ? null : event.subject().path();
    boolean watched = !current.byPattern.isEmpty() && path != null && path.startsWith("/");
    if (exact.isEmpty() && current.wildcard.isEmpty() && !watched) return List.of();
    Set<String> ids = new LinkedHashSet<>();
    JsonNode[] data = new JsonNode[1];
    for (Subscription s : exact) if (passes(s, event, data)) ids.add(s.id());
    for (Subscription s : current.wildcard) {
      if (s.hears(event.type()) && passes(s, event, data)) ids.add(s.id());
    }
    if (watched) {
      for (String pattern : PathPattern.candidates(path)) {
        for (Subscription s : current.byPattern.getOrDefault(pattern, List.of())) {
          if (sameAccount(s, event)) ids.add(s.id());
        }
      }
    }
    return List.copyOf(ids);
  }

  /** Broadcast receivers hearing the event's subject type; the subject must be identifiable. */
  private static List<String> coalesced(Lookup current, NewEvent event) {
    if (current.bySubjectType.isEmpty() || event.subject() == null || event.subject().type() == null) return List.of();
    if (event.subject().url() == null && event.subject().id() == null) return List.of();
    List<Subscription> receivers = current.bySubjectType.getOrDefault(event.subject().type(), List.of());
    List<String> ids = new ArrayList<>(receivers.size());
    for (Subscription s : receivers) if (s.status() == Status.ACTIVE && sameAccount(s, event)) ids.add(s.id());
    return ids;
  }

  private static boolean sameAccount(Subscription s, NewEvent event) {
    return s.owner() == null || s.owner().account().equals(event.account());
  }

  /**
   * Whether the event reaches this subscription beyond its type: a subscription made with an app
   * token hears only its account's events; a data filter must hold.
   */
  private static boolean passes(Subscription s, NewEvent event, JsonNode[] data) {
    if (!sameAccount(s, event)) return false;
    if (s.filter() == null) return true;
    if (data[0] == null && event.data() != null) data[0] = JSON.readTree(event.data());
    return s.filter().matches(data[0]);
  }

  /**
   * The lookup for the map as it is now. A change made before this call (a put that returned) is
   * always in the answer: the count is read first and a lookup built from an older count is
   * rebuilt, so a publisher never routes by a lookup that misses a subscription already created.
   */
  private Lookup current() {
    long now = changes.get();
    Lookup current = lookup;
    if (current.version() >= now) return current;
    synchronized (this) {
      now = changes.get();
      if (lookup.version() < now) {
        Map<String, List<Subscription>> exact = new HashMap<>();
        List<Subscription> wildcard = new ArrayList<>();
        Map<String, List<Subscription>> bySubjectType = new HashMap<>();
        Map<String, List<Subscription>> byPattern = new HashMap<>();
        Map<Kind, List<Subscription>> byKind = new java.util.EnumMap<>(Kind.class);
        for (Subscription s : byId.values()) {
          if (s.status() == Status.DISABLED) continue;
          byKind.computeIfAbsent(s.kind(), k -> new ArrayList<>()).add(s);
          if (s.kind() == Kind.BROADCAST) {
            for (String type : s.subjects()) bySubjectType.computeIfAbsent(type, k -> new ArrayList<>()).add(s);
            continue;
          }
          if (s.kind() == Kind.WATCH) {
            byPattern.computeIfAbsent(s.pattern(), k -> new ArrayList<>()).add(s);
            continue;
          }
          boolean anyWildcard = s.events().stream().anyMatch(p -> !p.exact());
          if (anyWildcard) {
            wildcard.add(s);
            continue;
          }
          for (EventPattern p : s.events()) exact.computeIfAbsent(p.text(), k -> new ArrayList<>()).add(s);
        }
        byKind.replaceAll((k, list) -> List.copyOf(list));
        lookup = new Lookup(now, exact, wildcard, bySubjectType, byPattern, byKind);
      }
      return lookup;
    }
  }
}
