package dev.crier.broadcast;

import dev.crier.event.EventCatalog;
import dev.crier.event.EventType;
import dev.crier.subscription.EndpointUrl;
import dev.crier.subscription.InvalidSubscriptionException;
import dev.crier.subscription.InvalidSubscriptionException.Problem;
import dev.crier.subscription.Kind;
import dev.crier.subscription.Owner;
import dev.crier.subscription.RetrySchedule;
import dev.crier.subscription.Secrets;
import dev.crier.subscription.SignatureScheme;
import dev.crier.subscription.Status;
import dev.crier.subscription.Subscription;
import dev.crier.subscription.SubscriptionListener;
import dev.crier.subscription.SubscriptionStore;
import dev.crier.subscription.Transition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Creating and changing broadcast receivers, with the rules the Noko seeds give them. */
public final class BroadcastReceivers {
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
  public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
  public static final Duration MAX_INTERVAL = Duration.ofDays(1);

  private final SubscriptionStore store;
  private final EventCatalog catalog;
  private final SubscriptionListener listener;
  private final Clock clock;

  public BroadcastReceivers(SubscriptionStore store, EventCatalog catalog, SubscriptionListener listener, Clock clock) {
    this.store = store;
    this.catalog = catalog;
    this.listener = listener;
    this.clock = clock;
  }

  public Subscription create(BroadcastSpec spec, Owner owner) {
    List<Problem> problems = new ArrayList<>();
    if (spec.name() == null) problems.add(new Problem("name", "is required"));
    if (spec.url() == null) problems.add(new Problem("url", "is required"));
    if (spec.subjects() == null) problems.add(new Problem("subjects", "is required"));
    check(spec, problems);
    if (!problems.isEmpty()) throw new InvalidSubscriptionException(problems);
    Instant now = now();
    Subscription s =
        new Subscription(
            Long.toString(store.nextNumber(Kind.BROADCAST)),
            Kind.BROADCAST,
            spec.name(),
            spec.url(),
            List.of(),
            null,
            SignatureScheme.HMAC_SHA256,
            false,
            1,
            RetrySchedule.of(),
            Duration.ofSeconds(10),
            Status.ACTIVE,
            Secrets.of(Secrets.randomHex()),
            owner,
            List.copyOf(new LinkedHashSet<>(spec.subjects())),
            spec.interval() != null ? spec.interval() : DEFAULT_INTERVAL,
            null,
            now,
            now);
    store.create(s);
    listener.created(s);
    return s;
  }

  public Subscription update(Subscription current, BroadcastSpec spec) {
    List<Problem> problems = new ArrayList<>();
    check(spec, problems);
    if (!problems.isEmpty()) throw new InvalidSubscriptionException(problems);
    return save(
        current,
        spec.name() != null ? spec.name() : current.name(),
        spec.url() != null ? spec.url() : current.url(),
        spec.subjects() != null ? List.copyOf(new LinkedHashSet<>(spec.subjects())) : current.subjects(),
        spec.interval() != null ? spec.interval() : current.interval());
  }

  /** Adds subject types (those already there stay once). */
  public Subscription addSubjects(Subscription current, List<String> subjects) {
    List<Problem> problems = new ArrayList<>();
    checkSubjects(subjects, problems);
    if (!problems.isEmpty()) throw new InvalidSubscriptionException(problems);
    Set<String> all = new LinkedHashSet<>(current.subjects());
    all.addAll(subjects);
    return save(current, current.name(), current.url(), List.copyOf(all), current.interval());
  }

  /** Removes subject types; a receiver keeps at least one. */
  public Subscription removeSubjects(Subscription current, List<String> subjects) {
    Set<String> left = new LinkedHashSet<>(current.subjects());
    subjects.forEach(left::remove);
    if (left.isEmpty()) {
      throw new InvalidSubscriptionException(List.of(new Problem("subjects", "a receiver must keep at least one subject")));
    }
    return save(current, current.name(), current.url(), List.copyOf(left), current.interval());
  }

  private Subscription save(Subscription c, String name, String url, List<String> subjects, Duration interval) {
    Instant now = now();
    // onto the row as stored (its secret, its status), so a concurrent reroll or disable is kept
    Subscription updated =
        store.change(c.id(), now, s -> new Subscription(s.id(), s.kind(), name, url, s.events(), s.filter(), s.signature(),
                s.ordered(), s.maxInFlight(), s.retrySchedule(), s.timeout(), s.status(), s.secrets(), s.owner(), subjects,
                interval, s.pattern(), s.createdAt(), now))
            .orElseThrow(() -> new IllegalStateException("broadcast receiver " + c.id() + " vanished"));
    listener.changed(updated);
    return updated;
  }

  public Optional<Subscription> find(String id) {
    return store.find(id).filter(s -> s.kind() == Kind.BROADCAST);
  }

  public List<Subscription> list() {
    return store.list(Kind.BROADCAST);
  }

  public boolean delete(String id) {
    boolean deleted = store.delete(id, now());
    if (deleted) listener.removed(id);
    return deleted;
  }

  public Subscription setEnabled(Subscription s, boolean enabled) {
    Optional<Subscription> changed = store.transition(s.id(), enabled ? Transition.ENABLE : Transition.DISABLE, now());
    changed.ifPresent(listener::changed);
    return changed.orElse(s);
  }

  /** A new secret that signs every broadcast from now on (no overlap: broadcasts are not retried). */
  public Subscription reroll(Subscription s) {
    Instant now = now();
    Secrets fresh = Secrets.of(Secrets.randomHex());
    Subscription changed =
        store.change(s.id(), now, stored -> stored.withSecrets(fresh, now))
            .orElseThrow(() -> new IllegalStateException("broadcast receiver " + s.id() + " vanished"));
    listener.changed(changed);
    return changed;
  }

  private void check(BroadcastSpec spec, List<Problem> problems) {
    if (spec.name() != null && (spec.name().isBlank() || spec.name().length() > 200)) {
      problems.add(new Problem("name", "must be 1 to 200 characters"));
    }
    if (spec.url() != null) EndpointUrl.problem(spec.url()).ifPresent(r -> problems.add(new Problem("url", r)));
    if (spec.subjects() != null) checkSubjects(spec.subjects(), problems);
    if (spec.interval() != null && (spec.interval().compareTo(MIN_INTERVAL) < 0 || spec.interval().compareTo(MAX_INTERVAL) > 0)) {
      problems.add(new Problem("interval_seconds", "must be from 1 to 86400 seconds"));
    }
  }

  private void checkSubjects(List<String> subjects, List<Problem> problems) {
    if (subjects.isEmpty()) {
      problems.add(new Problem("subjects", "must name at least one subject type"));
      return;
    }
    Set<String> known = new LinkedHashSet<>();
    for (EventType type : catalog.list()) known.add(type.resource());
    for (int i = 0; i < subjects.size(); i++) {
      if (!known.contains(subjects.get(i))) {
        problems.add(new Problem("subjects[" + i + "]", "'" + subjects.get(i) + "' is not the subject type of any declared event type"
            + (known.isEmpty() ? "" : " (known: " + String.join(", ", known) + ")")));
      }
    }
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
