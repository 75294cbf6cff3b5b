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
 * It starts at the real time and moves with it; {@link #advance} jumps ahead and wakes the engine.
 */
public final class ManualClock extends Clock implements AdvancingClock {
  private volatile Duration offset = Duration.ZERO;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  public void advance(Duration by) {
    offset = offset.plus(by);
    listeners.forEach(Runnable::run);
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
