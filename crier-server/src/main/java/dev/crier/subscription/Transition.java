package dev.crier.subscription;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every change of a subscription's status, as one table: the status each transition may start
 * from, the status it leaves, and what it does to the subscription's open (pending and failed)
 * deliveries. A store commits a transition, its status guard and its delivery rows in one
 * transaction, so an ordered subscription always continues at its oldest undelivered delivery:
 * no sequence of them leaves a delivery failed behind an active subscription, or pending behind a
 * deleted one.
 */
public enum Transition {
  /** An ordered delivery exhausted its schedule. */
  HALT,
  /** The endpoint answered 410 Gone. */
  GONE,
  DISABLE,
  ENABLE,
  RESUME,
  /** Fields or secrets changed (PATCH, rotate-secret); the status stays. */
  CHANGE,
  DELETE;

  /** What a transition does to the subscription's open deliveries. */
  public enum Deliveries {
    KEEP,
    /** The attempt that caused it is written in the same commit: failed (halt) or still pending (gone). */
    RECORD_ATTEMPT,
    /** Failed deliveries become pending again with a fresh schedule, the oldest first in line. */
    REOPEN_FAILED,
    /** Pending and failed deliveries end as cancelled (the subscription row goes). */
    CANCEL_OPEN
  }

  /** One row of the table; {@code to} is null for a subscription deleted. */
  public record Step(Status from, Status to, Deliveries deliveries) {}

  private static final Map<Transition, Map<Status, Step>> TABLE = new EnumMap<>(Transition.class);

  static {
    //  transition  from             to               open deliveries
    row(HALT,       Status.ACTIVE,   Status.HALTED,   Deliveries.RECORD_ATTEMPT);
    row(GONE,       Status.ACTIVE,   Status.DISABLED, Deliveries.RECORD_ATTEMPT);
    row(DISABLE,    Status.ACTIVE,   Status.DISABLED, Deliveries.KEEP);
    // the failed delivery is back in line, so a later enable continues exactly there, as resume does
    row(DISABLE,    Status.HALTED,   Status.DISABLED, Deliveries.REOPEN_FAILED);
    row(DISABLE,    Status.DISABLED, Status.DISABLED, Deliveries.KEEP);
    row(ENABLE,     Status.DISABLED, Status.ACTIVE,   Deliveries.KEEP);
    row(ENABLE,     Status.ACTIVE,   Status.ACTIVE,   Deliveries.KEEP);
    // (ENABLE from HALTED is refused: resume is the one way on, with its own event)
    row(RESUME,     Status.HALTED,   Status.ACTIVE,   Deliveries.REOPEN_FAILED);
    for (Status s : Status.values()) {
      row(CHANGE,   s,               s,               Deliveries.KEEP);
      row(DELETE,   s,               null,            Deliveries.CANCEL_OPEN);
    }
  }

  private static void row(Transition t, Status from, Status to, Deliveries deliveries) {
    TABLE.computeIfAbsent(t, k -> new EnumMap<>(Status.class)).put(from, new Step(from, to, deliveries));
  }

  /** What this transition does from {@code status}; empty when it may not start there. */
  public Optional<Step> from(Status status) {
    return Optional.ofNullable(TABLE.getOrDefault(this, Map.of()).get(status));
  }
}
