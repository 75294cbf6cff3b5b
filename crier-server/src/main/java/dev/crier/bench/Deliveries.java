package dev.crier.bench;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one scenario expects and what its receiver got. Event ids carry the phase they were
 * published in ({@code w} warm-up, {@code m} measured) and the {@link System#nanoTime()} of the
 * publish call, relative to {@link #EPOCH}, so the receiver reads the latency from the payload's
 * {@code "id"} without a lookup: {@code m<nanos>-<seq>}.
 *
 * <p>Thread-safe.
 */
final class Deliveries implements Receiver.Sink {
  static final long EPOCH = System.nanoTime();
  private static final byte[] ID_KEY = "\"id\":\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  final LatencyHistogram latency = new LatencyHistogram();
  private final LongAdder received = new LongAdder();
  private final LongAdder unparsed = new LongAdder();
  private final AtomicLong expected = new AtomicLong();
  private final AtomicLong lastReceipt = new AtomicLong();
  private final AtomicLong recentWorst = new AtomicLong();
  private final int fanout;
  private volatile int status = 204;

  /** @param fanout deliveries each published event should cause */
  Deliveries(int fanout) {
    this.fanout = fanout;
  }

  static long now() {
    return System.nanoTime() - EPOCH;
  }

  /** The id of event {@code seq} published now in phase {@code phase}. */
  static String id(char phase, long sentNanos, long seq) {
    return phase + Long.toString(sentNanos) + "-" + seq;
  }

  /** Counts {@code events} about to be published as expected deliveries (before the call). */
  void expect(int events) {
    expected.addAndGet((long) events * fanout);
  }

  /** Takes back what {@link #expect} counted for events that were refused. */
  void refused(int events) {
    expected.addAndGet(-(long) events * fanout);
  }

  /** Makes the receiver answer this status from now on (500 to build a backlog). */
  void answer(int status) {
    this.status = status;
  }

  long expected() {
    return expected.get();
  }

  long received() {
    return received.sum();
  }

  long outstanding() {
    return expected.get() - received.sum();
  }

  long unparsed() {
    return unparsed.sum();
  }

  /** The longest latency, in milliseconds, since the last call (either phase): for progress lines. */
  double takeRecentWorstMillis() {
    return recentWorst.getAndSet(0) / 1e6;
  }

  /** {@link #now()} of the latest receipt. */
  long lastReceiptNanos() {
    return lastReceipt.get();
  }

  @Override
  public int receive(int hook, byte[] head, int length, String subject, long nanos) {
    received.increment();
    long at = nanos - EPOCH;
    lastReceipt.accumulateAndGet(at, Math::max);
    int i = indexOf(head, length, ID_KEY);
    if (i < 0 || i >= length) {
      unparsed.increment();
      return status;
    }
    byte phase = head[i];
    long sent = 0;
    for (int j = i + 1; j < length && head[j] >= '0' && head[j] <= '9'; j++) sent = sent * 10 + (head[j] - '0');
    if (phase == 'm') latency.recordNanos(at - sent);
    recentWorst.accumulateAndGet(at - sent, Math::max);
    return status;
  }

  /** The index just after {@code key} in {@code bytes}, or -1. */
  static int indexOf(byte[] bytes, int length, byte[] key) {
    outer:
    for (int i = 0; i + key.length <= length; i++) {
      for (int k = 0; k < key.length; k++) if (bytes[i + k] != key[k]) continue outer;
      return i + key.length;
    }
    return -1;
  }
}
