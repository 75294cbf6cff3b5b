package dev.crier.delivery;

import dev.crier.event.Event;
import java.time.Duration;
import java.time.Instant;

/**
 * A delivery waiting to be sent, as a lane holds it.
 *
 * @param attempts how many attempts were made so far
 * @param nextAttemptAt when it is due on the wall clock, as stored
 * @param sentBody the exact body of the last failed attempt (so a retry after a restart sends the
 *     same bytes), or null when none was made
 * @param dueNanos when it is due on the engine's monotonic clock, which a lane waits on; {@link
 *     #UNPLACED} until the lane that takes it in places it there
 */
public record PendingDelivery(
    String subscriptionId, long subSeq, Event event, int attempts, Instant nextAttemptAt, byte[] sentBody, long dueNanos) {

  /** Not yet placed on the monotonic clock. */
  public static final long UNPLACED = Long.MIN_VALUE;

  /** A delivery as stored, not yet placed on the monotonic clock. */
  public PendingDelivery(String subscriptionId, long subSeq, Event event, int attempts, Instant nextAttemptAt, byte[] sentBody) {
    this(subscriptionId, subSeq, event, attempts, nextAttemptAt, sentBody, UNPLACED);
  }

  /** The id the API shows: {@code <subscription id>-<sub seq>}. */
  public String id() {
    return DeliveryId.format(subscriptionId, subSeq);
  }

  /**
   * This delivery placed on the monotonic clock: due when its stored wall time comes, as seen
   * from {@code wallNow}, but never later than {@code longestWait} from now. The wall clock may
   * have been stepped back since the time was stored; waiting on it would stall the retry.
   */
  PendingDelivery placed(long nanosNow, Instant wallNow, Duration longestWait) {
    if (dueNanos != UNPLACED) return this;
    Duration wait = Duration.between(wallNow, nextAttemptAt);
    if (wait.isNegative()) wait = Duration.ZERO;
    if (wait.compareTo(longestWait) > 0) wait = longestWait;
    return new PendingDelivery(subscriptionId, subSeq, event, attempts, nextAttemptAt, sentBody, nanosNow + wait.toNanos());
  }
}
