package dev.crier.delivery;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where deliveries and their attempts are kept. */
public interface DeliveryStore {

  /** Pending deliveries of one subscription after {@code afterSubSeq}, in order, with their events. */
  List<PendingDelivery> pending(String subscriptionId, long afterSubSeq, int limit);

  /** Active subscriptions that have pending deliveries. */
  List<String> subscriptionsWithPendingWork();

  /**
   * Records outcomes in one transaction; an outcome for a delivery no longer pending (or, in a
   * cluster, whose lease this node lost) is ignored.
   */
  void record(List<Outcome> outcomes);

  /**
   * Records the failure that exhausted the schedule and halts the subscription, in one
   * transaction; false when the delivery is no longer this node's to record (nothing written) or
   * the subscription is no longer active (the attempt is logged, the delivery stays pending).
   */
  boolean halt(Outcome failed, Instant now);

  /**
   * Records the attempt that got 410 Gone (the delivery stays pending) and disables the
   * subscription; false when the delivery is no longer this node's to record (nothing written) or
   * the subscription is no longer active (only the attempt is logged).
   */
  boolean disableGone(Outcome gone, Instant now);

  /**
   * Sets a halted subscription active and its failed deliveries pending with a fresh schedule, in
   * one transaction; false when it was not halted.
   */
  boolean resume(String subscriptionId, Instant now);

  /** Logs a redelivery attempt; a successful one marks a failed delivery delivered. */
  void recordRedelivery(Outcome outcome);

  Optional<DeliveryView> find(String subscriptionId, long subSeq);

  /** The delivery log of a subscription, newest first, after the cursor {@code beforeSubSeq}. */
  List<DeliveryView> page(String subscriptionId, DeliveryStatus status, Long beforeSubSeq, int limit);

  /** The delivery log across the subscriptions in the query's scope, newest first. */
  List<DeliveryView> search(DeliveryQuery query);

  /**
   * Deletes delivered and cancelled deliveries, their attempts, and events nothing refers to,
   * older than {@code before}, in bounded batches until none is left.
   */
  Pruned prune(Instant before);
}
