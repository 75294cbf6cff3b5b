package dev.crier.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The two ways the bench publishes. <b>Closed loop</b>: a few publishers send as fast as Crier
 * answers, but hold back while more than a set number of deliveries are still on their way, so
 * the measured rate is what Crier sustains end to end, not how fast a backlog can be piled up.
 * <b>Open loop</b>: a fixed rate on a clock, whatever Crier does; a send that would exceed the
 * allowed number of requests in flight is skipped and counted, so falling behind shows.
 */
final class Publishers {
  private Publishers() {}

  /**
   * When the warm-up and the run end ({@link System#nanoTime()}). A scenario may extend the
   * warm-up while it runs (until the backlog of a cold start has drained); publishers read both
   * for every call.
   */
  static final class Phases {
    private volatile long warmEnd;
    private volatile long end;
    /** The publisher reached its full rate (a ramp, if any, is over). */
    private volatile boolean fullRate;

    Phases(long warmEnd, long end) {
      this.warmEnd = warmEnd;
      this.end = end;
    }

    long warmEnd() {
      return warmEnd;
    }

    long end() {
      return end;
    }

    boolean fullRate() {
      return fullRate;
    }

    void reachedFullRate() {
      fullRate = true;
    }

    /** Ends the warm-up now; the measured window of {@code duration} starts. */
    void measureFrom(long now, long durationNanos) {
      end = now + durationNanos;
      warmEnd = now;
    }
  }

  /** Makes the body of one publish call: {@code count} events from {@code firstSeq}. */
  @FunctionalInterface
  interface Bodies {
    byte[] body(char phase, long sentNanos, long firstSeq, int count);
  }

  /** What the publishers did: events accepted in the measured phase, refusals, skips. */
  static final class Counts {
    final LongAdder measuredEvents = new LongAdder();
    final LongAdder allEvents = new LongAdder();
    final LongAdder errors = new LongAdder();
    /** Sends skipped in the measured window (the server behind); those of the warm-up apart. */
    final LongAdder skipped = new LongAdder();
    final LongAdder skippedWarmingUp = new LongAdder();
    final AtomicLong seq = new AtomicLong();
    /** From each measured publish call to its answer: the share of the latency that is the commit. */
    final LatencyHistogram answered = new LatencyHistogram();
  }

  /**
   * Publishes batches from {@code workers} threads until {@code end} ({@link System#nanoTime()}),
   * events before {@code warmEnd} marked warm-up.
   */
  static Counts closedLoop(Run run, Deliveries d, Bodies bodies, int workers, int batch, long maxOutstanding,
      Phases phases) {
    Counts counts = new Counts();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      threads.add(Thread.ofVirtual().name("bench-publisher-" + w).start(() -> {
        while (true) {
          while (d.outstanding() > maxOutstanding && System.nanoTime() < phases.end()) LockSupport.parkNanos(200_000);
          long t = System.nanoTime();
          if (t >= phases.end()) return;
          char phase = t < phases.warmEnd() ? 'w' : 'm';
          byte[] body = bodies.body(phase, t - Deliveries.EPOCH, counts.seq.getAndAdd(batch), batch);
          d.expect(batch);
          int status = run.api.publish(body);
          if (status >= 200 && status < 300) {
            counts.allEvents.add(batch);
            if (phase == 'm') counts.measuredEvents.add(batch);
          } else {
            d.refused(batch);
            counts.errors.increment();
            LockSupport.parkNanos(10_000_000); // a 503 asks us to back off
          }
        }
      }));
    }
    join(threads);
    return counts;
  }

  /**
   * Publishes {@code batch} events every tick so that {@code eventsPerSecond} go out, until
   * {@code end}; at most {@code maxInFlight} calls wait for an answer at once.
   */
  static Counts openLoop(Run run, Deliveries d, Bodies bodies, double eventsPerSecond, int batch, int maxInFlight,
      Phases phases) {
    return openLoop(run, d, bodies, eventsPerSecond, batch, maxInFlight, 0, 0, phases);
  }

  /**
   * As above, but during the warm-up the rate ramps up from a tenth over {@code rampNanos}, and
   * the ramp holds while more than {@code holdAbove} deliveries are outstanding (0: never) until
   * half of them arrived: a cold JIT makes a delivery several times dearer than a warm one, and
   * the queue it would leave behind takes a server with little to spare far longer to drain than
   * any warm-up. The measured window always runs at the full rate, on the clock.
   */
  static Counts openLoop(Run run, Deliveries d, Bodies bodies, double eventsPerSecond, int batch, int maxInFlight,
      long rampNanos, long holdAbove, Phases phases) {
    Counts counts = new Counts();
    Semaphore inFlight = new Semaphore(maxInFlight);
    long period = (long) (1e9 * batch / eventsPerSecond);
    long started = System.nanoTime();
    long next = started;
    while (next < phases.end()) {
      long wait = next - System.nanoTime();
      if (wait > 0) LockSupport.parkNanos(wait);
      boolean warming = System.nanoTime() < phases.warmEnd();
      if (warming && holdAbove > 0 && d != null && d.outstanding() > holdAbove) {
        long heldFrom = System.nanoTime();
        while (d.outstanding() > holdAbove / 2 && System.nanoTime() < phases.warmEnd()) Run.sleep(10);
        long held = System.nanoTime() - heldFrom;
        started += held; // the ramp resumes where it stood
        next += held;
        continue;
      }
      double progress = rampNanos <= 0 ? 1 : (next - started) / (double) rampNanos;
      if (progress >= 1 || !warming) phases.reachedFullRate();
      double pace = progress >= 1 || !warming ? 1 : 0.1 + 0.9 * progress;
      next += (long) (period / pace);
      if (!inFlight.tryAcquire()) {
        (System.nanoTime() < phases.warmEnd() ? counts.skippedWarmingUp : counts.skipped).add(batch);
        continue;
      }
      long t = System.nanoTime();
      char phase = t < phases.warmEnd() ? 'w' : 'm';
      byte[] body = bodies.body(phase, t - Deliveries.EPOCH, counts.seq.getAndAdd(batch), batch);
      if (d != null) d.expect(batch);
      run.api.publishAsync(body, status -> {
        if (status >= 200 && status < 300) {
          counts.allEvents.add(batch);
          if (phase == 'm') {
            counts.measuredEvents.add(batch);
            counts.answered.recordNanos(System.nanoTime() - t);
          }
        } else {
          if (d != null) d.refused(batch);
          counts.errors.increment();
        }
        inFlight.release();
      });
    }
    try {
      inFlight.tryAcquire(maxInFlight, 60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return counts;
  }

  /** Waits until every expected delivery arrived, or none arrived for {@code quietMillis}. */
  static void drain(Deliveries d, long quietMillis, long maxMillis) {
    long deadline = System.nanoTime() + maxMillis * 1_000_000;
    long last = d.received();
    long lastChange = System.nanoTime();
    while (d.outstanding() > 0 && System.nanoTime() < deadline) {
      Run.sleep(50);
      long now = d.received();
      if (now != last) {
        last = now;
        lastChange = System.nanoTime();
      } else if (System.nanoTime() - lastChange > quietMillis * 1_000_000) {
        return;
      }
    }
  }

  private static void join(List<Thread> threads) {
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
