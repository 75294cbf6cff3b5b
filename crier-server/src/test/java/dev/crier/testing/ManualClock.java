package dev.crier.testing;

import dev.crier.delivery.AdvancingClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A clock that tests move forward, so retry schedules of minutes and hours run in milliseconds.
 * It starts at the real time and moves with it; {@link #advance} jumps ahead (time passes: the
 * wall and the monotonic clock move) and wakes the engine; {@link #step} sets only the wall clock
 * back or forward, as NTP stepping the system clock does.
 */
public final class ManualClock extends Clock implements AdvancingClock {
  private volatile Duration offset = Duration.ZERO;
  private volatile long passedNanos;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  public void advance(Duration by) {
    offset = offset.plus(by);
    passedNanos += by.toNanos();
    listeners.forEach(Runnable::run);
  }

  /** Steps the wall clock by {@code by} (negative: back) without any time passing. */
  public void step(Duration by) {
    offset = offset.plus(by);
    listeners.forEach(Runnable::run);
  }

  /** The monotonic clock: real elapsed time plus what {@link #advance} added, never {@link #step}. */
  @Override
  public long nanoTime() {
    return System.nanoTime() + passedNanos;
  }

  @Override
  public void onAdvance(Runnable listener) {
    listeners.add(listener);
  }

  @Override
  public Instant instant() {
    return Instant.now().plus(offset);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a test clock stays in UTC");
  }
}
