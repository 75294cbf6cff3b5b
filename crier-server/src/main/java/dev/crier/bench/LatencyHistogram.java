package dev.crier.bench;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Latencies in microseconds, recorded from many threads without locks: log-linear buckets (64 per
 * power of two, so a percentile is within 1.6% of the true value), exact below 128 µs.
 *
 * <p>Thread-safe: {@link #record} may race with {@link #percentile}, which then sees a slightly
 * stale but consistent-enough picture, as a benchmark needs.
 */
final class LatencyHistogram {
  private static final int LINEAR = 128;
  private static final int SUB = 64;
  private static final int BUCKETS = LINEAR + 40 * SUB;

  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
  private final AtomicLong total = new AtomicLong();
  private final AtomicLong max = new AtomicLong();

  void recordNanos(long nanos) {
    record(Math.max(0, nanos / 1_000));
  }

  void record(long micros) {
    counts.incrementAndGet(index(micros));
    total.incrementAndGet();
    max.accumulateAndGet(micros, Math::max);
  }

  long count() {
    return total.get();
  }

  long maxMicros() {
    return max.get();
  }

  /** The value at {@code fraction} (0.5 for the median) in microseconds; -1 when empty. */
  long percentile(double fraction) {
    long n = total.get();
    if (n == 0) return -1;
    if (fraction >= 1.0) return max.get();
    long rank = Math.max(1, (long) Math.ceil(fraction * n));
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts.get(i);
      if (seen >= rank) return Math.min(middle(i), max.get());
    }
    return max.get();
  }

  static int index(long micros) {
    if (micros < LINEAR) return (int) micros;
    int msb = 63 - Long.numberOfLeadingZeros(micros);
    int shift = msb - 6;
    int top = (int) (micros >>> shift);
    return Math.min(BUCKETS - 1, LINEAR + (shift - 1) * SUB + (top - SUB));
  }

  /** A value inside bucket {@code i}: itself below 128, else the middle of its range. */
  static long middle(int i) {
    if (i < LINEAR) return i;
    int k = i - LINEAR;
    int shift = k / SUB + 1;
    long top = k % SUB + SUB;
    return (top << shift) + (1L << shift) / 2;
  }
}
