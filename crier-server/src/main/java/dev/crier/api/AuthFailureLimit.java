package dev.crier.api;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down guessing keys: a remote address that failed authentication with {@code maxFailures}
 * different credentials ({@code CRIER_AUTH_FAILURES_PER_MINUTE}, 0 for no limit) within a minute is answered 429, with Retry-After, on every authenticated route until
 * that minute is over, whatever key it then presents (answering a right guess differently would
 * tell the guesser). Only different credentials count: a guesser tries new ones, while a client
 * repeating one stale token (a tab left open, a retrying job) must not lock out its neighbours.
 * Addresses are the TCP peer's: behind a proxy, all its clients share one.
 */
final class AuthFailureLimit {
  static final Duration WINDOW = Duration.ofMinutes(1);
  private static final int MAX_TRACKED = 10_000;

  /** One address's failed credentials (their hashes) in the window that began at {@code start} (epoch ms). */
  private record Window(long start, java.util.Set<Integer> failed) {
    int failures() {
      return failed.size();
    }
  }

  private final Map<String, Window> windows = new ConcurrentHashMap<>();
  private final int maxFailures;
  private final Clock clock;

  AuthFailureLimit(int maxFailures, Clock clock) {
    this.maxFailures = maxFailures;
    this.clock = clock;
  }

  /** Refuses with 429 when {@code address} is over its limit. */
  void check(String address) {
    if (maxFailures == 0) return;
    Window w = windows.get(address);
    long now = clock.millis();
    if (w == null || w.failures() < maxFailures || now >= w.start() + WINDOW.toMillis()) return;
    long retryAfter = Math.max(1, (w.start() + WINDOW.toMillis() - now + 999) / 1000);
    throw new ProblemException(
        429,
        "too-many-failed-authentications",
        "Too Many Requests",
        maxFailures + " different keys or tokens from this address failed authentication within a minute; retry after " + retryAfter + " s",
        List.of(),
        Map.of("Retry-After", Long.toString(retryAfter)));
  }

  /** Counts a failed authentication from {@code address} with this Authorization header (or null). */
  void failed(String address, String credential) {
    if (maxFailures == 0) return;
    long now = clock.millis();
    if (windows.size() >= MAX_TRACKED) windows.values().removeIf(w -> now >= w.start() + WINDOW.toMillis());
    if (windows.size() >= MAX_TRACKED) return; // a flood of addresses: none is tracked rather than memory grown
    int hash = credential == null ? 0 : credential.hashCode();
    windows.compute(address, (k, w) -> {
      Window current = w == null || now >= w.start() + WINDOW.toMillis() ? new Window(now, ConcurrentHashMap.newKeySet()) : w;
      if (current.failures() < maxFailures) current.failed().add(hash);
      return current;
    });
  }
}
