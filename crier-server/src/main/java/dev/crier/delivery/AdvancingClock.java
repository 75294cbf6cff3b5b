package dev.crier.delivery;

/**
 * A clock that can jump ahead (a test's manual clock). The engine registers to hear of jumps so
 * that retries due at the new time are sent at once instead of at the next periodic check.
 */
public interface AdvancingClock {
  void onAdvance(Runnable listener);

  /**
   * The monotonic time lanes wait on, in nanoseconds (as {@link System#nanoTime}): it moves when
   * time passes, never when only the wall clock is stepped.
   */
  long nanoTime();
}
