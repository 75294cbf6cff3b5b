package dev.crier.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Delivery outcomes counted over time, for the charts: each delivery counts once, at its last
 * attempt, by where it stands (delivered, failed, still retrying, filtered); each broadcast
 * attempt counts as delivered or failed. Latency is the receivers' answer time.
 */
public interface DeliveryStats {

  /**
   * The outcomes in {@code [from, from + buckets × bucket)}, in consecutive buckets, with the
   * latency percentiles of each bucket and of the whole window.
   */
  Stats over(DeliveryScope scope, Instant from, Duration bucket, int buckets);

  /** How many outcomes of each kind; {@code cancelled}: still open when their subscription was deleted. */
  record Counts(long delivered, long failed, long retrying, long filtered, long cancelled) {
    public static final Counts NONE = new Counts(0, 0, 0, 0, 0);

    public Counts plus(Counts other) {
      return new Counts(
          delivered + other.delivered, failed + other.failed, retrying + other.retrying, filtered + other.filtered,
          cancelled + other.cancelled);
    }
  }

  /** Nearest-rank latency percentiles in milliseconds; null when nothing was answered. */
  record Latency(Integer p50Ms, Integer p95Ms) {
    public static final Latency NONE = new Latency(null, null);
  }

  /** One bucket of the window. */
  record Bucket(Instant start, Counts counts, Latency latency) {}

  /**
   * @param bySubscription the window's counts per subscription that had any outcome in it
   */
  record Stats(Counts totals, Latency latency, List<Bucket> buckets, Map<String, Counts> bySubscription) {}
}
