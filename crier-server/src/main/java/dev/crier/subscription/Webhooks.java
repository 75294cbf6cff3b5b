package dev.crier.subscription;

import dev.crier.event.EventCatalog;
import dev.crier.event.EventIds;
import dev.crier.event.EventType;
import dev.crier.verify.StandardWebhooks;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Creating, changing and removing webhooks, with every rule a webhook must satisfy. */
public final class Webhooks {
  public static final int DEFAULT_MAX_IN_FLIGHT = 8;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration ROTATION_OVERLAP = Duration.ofHours(24);

  private final SubscriptionStore store;
  private final EventCatalog catalog;
  private final SubscriptionListener listener;
  private final EventIds ids;
  private final Clock clock;

  public Webhooks(SubscriptionStore store, EventCatalog catalog, SubscriptionListener listener, Clock clock) {
    this.store = store;
    this.catalog = catalog;
    this.listener = listener;
    this.ids = new EventIds(clock);
    this.clock = clock;
  }

  public synchronized Subscription create(WebhookSpec spec, Owner owner) {
    List<InvalidSubscriptionException.Problem> problems = new ArrayList<>();
    relayTaken(spec.url(), owner, null).ifPresent(reason -> problems.add(problem("url", reason)));
    if (spec.url() == null) problems.add(problem("url", "is required"));
    if (spec.events() == null) problems.add(problem("events", "is required (or resource and event)"));
    SignatureScheme signature = spec.signature() != null ? spec.signature() : SignatureScheme.STANDARD;
    String secret = spec.secret() != null ? spec.secret() : StandardWebhooks.generateSecret();
    check(spec, signature, problems);
    if (!problems.isEmpty()) throw new InvalidSubscriptionException(problems);
    Instant now = now();
    Subscription s =
        new Subscription(
            ids.next("wh_"),
            Kind.WEBHOOK,
            spec.name() != null ? spec.name() : spec.url(),
            spec.url(),
            spec.events().stream().map(EventPattern::new).toList(),
            DataFilter.parse(spec.filter()).orElse(null),
            signature,
            spec.ordered() == null || spec.ordered(),
            spec.maxInFlight() != null ? spec.maxInFlight() : DEFAULT_MAX_IN_FLIGHT,
            spec.retrySchedule() != null ? spec.retrySchedule() : RetrySchedule.DEFAULT,
            spec.timeout() != null ? spec.timeout() : DEFAULT_TIMEOUT,
            Status.ACTIVE,
            Secrets.of(secret),
            owner,
            List.of(),
            null,
            null,
            now,
            now);
    store.create(s);
    listener.created(s);
    return s;
  }

  /**
   * Applies {@code spec} to the webhook as it is stored when the change commits (not to a copy
   * read earlier), so a concurrent rotation or status change is kept.
   */
  public synchronized Subscription update(Subscription current, WebhookSpec spec) {
    List<InvalidSubscriptionException.Problem> problems = new ArrayList<>();
    relayTaken(spec.url(), current.owner(), current.id()).ifPresent(reason -> problems.add(problem("url", reason)));
    if (spec.secret() != null) problems.add(problem("secret", "cannot be changed here; use rotate-secret"));
    check(spec, spec.signature() != null ? spec.signature() : current.signature(), problems);
    if (!problems.isEmpty()) throw new InvalidSubscriptionException(problems);
    Instant now = now();
    Subscription updated =
        store.change(current.id(), now, stored -> changed(stored, spec, now))
            .orElseThrow(() -> new IllegalStateException("webhook " + current.id() + " vanished"));
    listener.changed(updated);
    return updated;
  }

  /** {@code stored} with the fields {@code spec} gives; the rules that read the stored secret are checked here. */
  private static Subscription changed(Subscription stored, WebhookSpec spec, Instant now) {
    SignatureScheme signature = spec.signature() != null ? spec.signature() : stored.signature();
    if (spec.signature() != null && spec.signature().standardWebhooks() && !stored.signature().standardWebhooks()) {
      secretProblem(stored.secrets().current(), SignatureScheme.STANDARD).ifPresent(reason -> {
        throw new InvalidSubscriptionException(List.of(problem("signature",
            "the current secret cannot sign Standard Webhooks (" + reason + "); rotate it first")));
      });
    }
    return new Subscription(
        stored.id(),
        stored.kind(),
        or(spec.name(), stored.name()),
        or(spec.url(), stored.url()),
        spec.events() != null ? spec.events().stream().map(EventPattern::new).toList() : stored.events(),
        spec.filter() != null ? DataFilter.parse(spec.filter()).orElse(null) : stored.filter(),
        signature,
        or(spec.ordered(), stored.ordered()),
        or(spec.maxInFlight(), stored.maxInFlight()),
        or(spec.retrySchedule(), stored.retrySchedule()),
        or(spec.timeout(), stored.timeout()),
        stored.status(),
        stored.secrets(),
        stored.owner(),
        stored.subjects(),
        stored.interval(),
        stored.pattern(),
        stored.createdAt(),
        now);
  }

  /** Now, to the millisecond the database keeps, so an answer equals what a later read shows. */
  private Instant now() {
    return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
  }

  private static <T> T or(T given, T current) {
    return given != null ? given : current;
  }

  public Optional<Subscription> find(String id) {
    return store.find(id).filter(s -> s.kind() == Kind.WEBHOOK);
  }

  public List<Subscription> list() {
    return store.list(Kind.WEBHOOK);
  }

  /** Deletes it; its open deliveries end as cancelled in the same commit. */
  public boolean delete(String id) {
    boolean deleted = store.delete(id, now());
    if (deleted) listener.removed(id);
    return deleted;
  }

  /**
   * Enables or disables the webhook as {@link Transition} says: disabling a halted one puts its
   * failed delivery back in line, so enabling it later continues there; empty when the stored
   * status does not allow it (enabling a halted webhook: resume it instead).
   */
  public Optional<Subscription> setEnabled(Subscription s, boolean enabled) {
    Optional<Subscription> changed = store.transition(s.id(), enabled ? Transition.ENABLE : Transition.DISABLE, now());
    changed.ifPresent(listener::changed);
    return changed;
  }

  /**
   * Gives the webhook a new secret; the old one keeps signing beside it (Standard Webhooks sends
   * both signatures) until the overlap ends.
   */
  public Subscription rotateSecret(Subscription s, String newSecret, Duration overlap) {
    String secret = newSecret != null ? newSecret : StandardWebhooks.generateSecret();
    secretProblem(secret, s.signature()).ifPresent(reason -> {
      throw new InvalidSubscriptionException(List.of(problem("secret", reason)));
    });
    Instant now = now();
    // the secret it replaces is the one stored when the rotation commits, not the one read before
    Subscription changed =
        store.change(s.id(), now, stored -> stored.withSecrets(new Secrets(secret, stored.secrets().current(), now.plus(overlap)), now))
            .orElseThrow(() -> new IllegalStateException("webhook " + s.id() + " vanished"));
    listener.changed(changed);
    return changed;
  }

  private void check(WebhookSpec spec, SignatureScheme signature, List<InvalidSubscriptionException.Problem> problems) {
    if (spec.name() != null && (spec.name().isBlank() || spec.name().length() > 200)) {
      problems.add(problem("name", "must be 1 to 200 characters"));
    }
    if (spec.url() != null) targetProblem(spec.url()).ifPresent(reason -> problems.add(problem("url", reason)));
    if (spec.events() != null) checkPatterns(spec.events(), problems);
    if (spec.filter() != null) {
      try {
        DataFilter.parse(spec.filter());
      } catch (IllegalArgumentException e) {
        problems.add(problem("filter", e.getMessage()));
      }
    }
    if (spec.secret() != null) secretProblem(spec.secret(), signature).ifPresent(r -> problems.add(problem("secret", r)));
    if (spec.maxInFlight() != null && (spec.maxInFlight() < 1 || spec.maxInFlight() > 64)) {
      problems.add(problem("max_in_flight", "must be from 1 to 64"));
    }
    if (spec.timeout() != null && (spec.timeout().toMillis() < 100 || spec.timeout().toSeconds() > 60)) {
      problems.add(problem("timeout_seconds", "must be from 0.1 to 60 seconds"));
    }
    if (spec.retrySchedule() != null && spec.retrySchedule().delays().size() > RetrySchedule.MAX_STEPS) {
      problems.add(problem("retry_schedule", "must have at most " + RetrySchedule.MAX_STEPS + " steps"));
    }
  }

  private void checkPatterns(List<String> patterns, List<InvalidSubscriptionException.Problem> problems) {
    if (patterns.isEmpty()) {
      problems.add(problem("events", "must name at least one event type pattern"));
      return;
    }
    List<EventType> declared = catalog.list();
    for (int i = 0; i < patterns.size(); i++) {
      String field = "events[" + i + "]";
      Optional<String> syntax = EventPattern.problem(patterns.get(i));
      if (syntax.isPresent()) {
        problems.add(problem(field, syntax.get()));
        continue;
      }
      EventPattern pattern = new EventPattern(patterns.get(i));
      if (declared.stream().noneMatch(t -> pattern.matches(t.name()))) {
        problems.add(problem(field, "'" + pattern.text() + "' matches no declared event type"));
      }
    }
  }

  /**
   * A relay name belongs to one account for good (the first to use it; the admin's own count as
   * one account), and within it to one caller at a time (the admin, or one app token): deliveries
   * go to whoever listens on the name, so a second caller's webhook on it would let them hear the
   * first's. Create and update are synchronized so two callers cannot claim a free name at once;
   * the store claims it again in the webhook's own transaction for other nodes.
   */
  private Optional<String> relayTaken(String url, Owner owner, String self) {
    if (url == null || !url.startsWith("relay:")) return Optional.empty();
    String name = url.substring(6);
    String account = owner == null ? "" : owner.account();
    if (store.relayAccount(name).filter(holder -> !holder.equals(account)).isPresent()) {
      return Optional.of("the relay name '" + name + "' belongs to another account; choose another");
    }
    String caller = owner == null ? null : owner.token();
    boolean taken =
        store.list(Kind.WEBHOOK).stream()
            .anyMatch(s -> url.equals(s.url()) && !s.id().equals(self)
                && !java.util.Objects.equals(caller, s.owner() == null ? null : s.owner().token()));
    return taken ? Optional.of("the relay name '" + name + "' is used by another integration; choose another") : Optional.empty();
  }

  /** A webhook may also target {@code relay:<name>}: deliveries go to connected {@code crier listen} clients. */
  private static Optional<String> targetProblem(String url) {
    if (url.startsWith("relay:")) {
      return url.substring(6).matches("[A-Za-z0-9._-]{1,100}")
          ? Optional.empty()
          : Optional.of("a relay target is relay:<name>, the name of letters, digits, '.', '_' or '-'");
    }
    return EndpointUrl.problem(url);
  }

  static Optional<String> secretProblem(String secret, SignatureScheme signature) {
    if (signature.standardWebhooks()) {
      try {
        StandardWebhooks.of(secret);
      } catch (IllegalArgumentException e) {
        return Optional.of("must be whsec_ followed by base64 for the standard signature (" + e.getMessage() + ")");
      }
      return Optional.empty();
    }
    if (secret.length() < 8 || secret.length() > 256) return Optional.of("must be 8 to 256 characters");
    return Optional.empty();
  }

  private static InvalidSubscriptionException.Problem problem(String field, String message) {
    return new InvalidSubscriptionException.Problem(field, message);
  }
}
