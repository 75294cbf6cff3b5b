package dev.crier.delivery;

import dev.crier.event.Event;
import java.time.Instant;

/**
 * A delivery waiting to be sent, as a lane holds it.
 *
 * @param attempts how many attempts were made so far
 * @param sentBody the exact body of the last failed attempt (so a retry after a restart sends the
 *     same bytes), or null when none was made
 */
public record PendingDelivery(
    String subscriptionId, long subSeq, Event event, int attempts, Instant nextAttemptAt, byte[] sentBody) {

  /** The id the API shows: {@code <subscription id>-<sub seq>}. */
  public String id() {
    return DeliveryId.format(subscriptionId, subSeq);
  }
}
