package dev.crier.delivery;

/**
 * A clock that can jump ahead (a test's manual clock). The engine registers to hear of jumps so
 * that retries due at the new time are sent at once instead of at the next periodic check.
 */
public interface AdvancingClock {
  void onAdvance(Runnable listener);
}
