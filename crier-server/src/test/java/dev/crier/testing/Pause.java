package dev.crier.testing;

/**
 * Waits a while, for tests that must show that something does NOT happen (no retry, no second
 * request) — the only place tests sleep; everything else awaits a condition.
 */
public final class Pause {
  private Pause() {}

  public static void millis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
