package dev.crier.storage;

import dev.crier.subscription.Status;
import dev.crier.subscription.Transition;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Commits a {@link Transition} inside a caller's transaction: the status change first, guarded by
 * the status it was read in (it takes the subscription row's lock, so a publish commit numbering
 * the subscription's deliveries runs wholly before it, and its rows are seen below, or wholly
 * after it, and sees the new status), then what it does to the open deliveries.
 */
final class Transitions {
  /**
   * The new {@code updated_at} of a changed row: now, or one past the stored value when the clock
   * stands at or before it, so every commit to a row leaves a later version than the one before
   * (the engine's index keeps the newest version it is told of).
   */
  static final String BUMP = "CASE WHEN :now > updated_at THEN :now ELSE updated_at + 1 END";

  /** Thrown inside a transaction to roll it back when a transition must not commit half. */
  static final class Refused extends RuntimeException {
    Refused() {
      super(null, null, false, false);
    }
  }

  private Transitions() {}

  /** Commits {@code t} whole; empty (nothing written) when it may not start from the stored status. */
  static Optional<Transition.Step> apply(Handle h, String id, Transition t, Instant now) {
    Optional<Transition.Step> step = begin(h, id, t, now);
    step.ifPresent(s -> deliveries(h, id, s, now));
    return step;
  }

  /**
   * Moves the status (or deletes the row) as the table says for the status stored; empty when the
   * transition may not start there or the row is gone. A status changed between the read and the
   * guarded write (a halt beside a disable) is read again.
   */
  static Optional<Transition.Step> begin(Handle h, String id, Transition t, Instant now) {
    for (int tries = 0; tries < 5; tries++) {
      Optional<String> stored =
          h.createQuery("SELECT status FROM subscriptions WHERE id = :id").bind("id", id).mapTo(String.class).findOne();
      if (stored.isEmpty()) return Optional.empty();
      Optional<Transition.Step> step = t.from(Status.parse(stored.get()));
      if (step.isEmpty()) return Optional.empty();
      if (move(h, id, step.get(), now)) return step;
    }
    return Optional.empty();
  }

  private static boolean move(Handle h, String id, Transition.Step step, Instant now) {
    String sql =
        step.to() == null
            ? "DELETE FROM subscriptions WHERE id = :id AND status = :from"
            : "UPDATE subscriptions SET status = :to, updated_at = " + BUMP + " WHERE id = :id AND status = :from";
    var update = h.createUpdate(sql).bind("id", id).bind("from", step.from().wire());
    if (step.to() != null) update.bind("to", step.to().wire()).bind("now", now.toEpochMilli());
    return update.execute() == 1;
  }

  /** What the step does to the open deliveries ({@code RECORD_ATTEMPT} is the caller's: it holds the attempt). */
  static void deliveries(Handle h, String id, Transition.Step step, Instant now) {
    switch (step.deliveries()) {
      case KEEP, RECORD_ATTEMPT -> {}
      case REOPEN_FAILED ->
          h.createUpdate(
                  "UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = :now, updated_at = :now"
                      + " WHERE subscription_id = :id AND status = 'failed' AND " + SqlDeliveries.OPEN)
              .bind("id", id)
              .bind("now", now.toEpochMilli())
              .execute();
      case CANCEL_OPEN -> {
        h.createUpdate(
                "UPDATE deliveries SET status = 'cancelled', updated_at = :now"
                    + " WHERE subscription_id = :id AND " + SqlDeliveries.OPEN)
            .bind("id", id)
            .bind("now", now.toEpochMilli())
            .execute();
        h.createUpdate("DELETE FROM broadcast_pending WHERE subscription_id = :id").bind("id", id).execute();
      }
    }
  }
}
