package dev.crier.api;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down guessing keys: a remote address that failed authentication {@code maxFailures}
 * times ({@code CRIER_AUTH_FAILURES_PER_MINUTE}, 0 for no limit) within a minute is answered 429, with Retry-After, on every authenticated route until
 * that minute is over, whatever key it then presents (answering a right guess differently would
 * tell the guesser). Addresses are the TCP peer's: behind a proxy, all its clients share one.
 */
final class AuthFailureLimit {
  static final Duration WINDOW = Duration.ofMinutes(1);
  private static final int MAX_TRACKED = 10_000;

  /** One address's failures in the window that began at {@code start} (epoch ms). */
  private record Window(long start, int failures) {}

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
        maxFailures + " requests from this address failed authentication within a minute; retry after " + retryAfter + " s",
        List.of(),
        Map.of("Retry-After", Long.toString(retryAfter)));
  }

  /** Counts one failed authentication from {@code address}. */
  void failed(String address) {
    if (maxFailures == 0) return;
    long now = clock.millis();
    if (windows.size() >= MAX_TRACKED) windows.values().removeIf(w -> now >= w.start() + WINDOW.toMillis());
    if (windows.size() >= MAX_TRACKED) return; // a flood of addresses: none is tracked rather than memory grown
    windows.compute(address, (k, w) ->
        w == null || now >= w.start() + WINDOW.toMillis() ? new Window(now, 1) : new Window(w.start(), w.failures() + 1));
  }
}
