package dev.crier.delivery;

import java.time.Instant;

/**
 * What a delivery became after an attempt: delivered, still pending with its next try, or failed.
 */
public record Outcome(
    String subscriptionId,
    long subSeq,
    DeliveryStatus status,
    int attempts,
    Instant nextAttemptAt,
    Attempt attempt) {

  /** What a lane does next with a delivery it attempted. */
  sealed interface Next {
    /** Finished with it (delivered, or failed for good in an unordered lane). */
    record Done() implements Next {}

    /** Try it again: the same delivery with its attempt count and next time. */
    record Retry(PendingDelivery delivery) implements Next {}

    /** The subscription stopped (halted or gone); the lane stops. */
    record Stop() implements Next {}

    Done DONE = new Done();
    Stop STOP = new Stop();
  }
}
