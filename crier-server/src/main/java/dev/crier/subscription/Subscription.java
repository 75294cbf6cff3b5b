package dev.crier.subscription;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Who wants what, and how. Webhooks are the first preset; broadcasts, watches and channel
 * subscriptions reuse this record with their own defaults.
 *
 * @param filter a data filter, or null
 * @param maxInFlight how many deliveries may be in flight at once when not ordered
 * @param owner the app token that made it, or null for the admin
 * @param subjects for coalesced kinds (broadcast receivers): the subject types heard
 * @param interval for coalesced kinds: how often the changed subjects are sent
 * @param pattern for watches: the subject path heard, with everything below it; else null
 */
public record Subscription(
    String id,
    Kind kind,
    String name,
    String url,
    List<EventPattern> events,
    DataFilter filter,
    SignatureScheme signature,
    boolean ordered,
    int maxInFlight,
    RetrySchedule retrySchedule,
    Duration timeout,
    Status status,
    Secrets secrets,
    Owner owner,
    List<String> subjects,
    Duration interval,
    String pattern,
    Instant createdAt,
    Instant updatedAt) {

  public Subscription {
    events = List.copyOf(events);
    subjects = List.copyOf(subjects);
  }

  /** Whether this subscription hears events of {@code type} (its filter aside). */
  public boolean hears(String type) {
    for (EventPattern pattern : events) if (pattern.matches(type)) return true;
    return false;
  }

  public Subscription withStatus(Status newStatus, Instant now) {
    return new Subscription(id, kind, name, url, events, filter, signature, ordered, maxInFlight,
        retrySchedule, timeout, newStatus, secrets, owner, subjects, interval, pattern, createdAt, now);
  }

  public Subscription withSecrets(Secrets newSecrets, Instant now) {
    return new Subscription(id, kind, name, url, events, filter, signature, ordered, maxInFlight,
        retrySchedule, timeout, status, newSecrets, owner, subjects, interval, pattern, createdAt, now);
  }

  @Override
  public String toString() {
    return "Subscription[" + id + " " + kind.wire() + " " + name + " -> " + url + " " + status.wire() + "]";
  }
}
