package dev.crier.subscription;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long to wait before each retry of a failed delivery. After the last one fails, an ordered
 * webhook halts (an unordered one marks that delivery failed). An empty schedule halts at the
 * first failure.
 */
public record RetrySchedule(List<Duration> delays) {
  public static final RetrySchedule DEFAULT =
      of(
          Duration.ofSeconds(10),
          Duration.ofMinutes(1),
          Duration.ofMinutes(5),
          Duration.ofMinutes(30),
          Duration.ofHours(2),
          Duration.ofHours(6));
  public static final int MAX_STEPS = 20;
  public static final Duration MAX_DELAY = Duration.ofDays(7);
  private static final Pattern TEXT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)");

  public RetrySchedule {
    delays = List.copyOf(delays);
  }

  public static RetrySchedule of(Duration... delays) {
    return new RetrySchedule(List.of(delays));
  }

  /** Parses one step: a number of seconds, or text such as {@code "10s"}, {@code "5m"}, {@code "2h"}. */
  public static Duration parseStep(String text) {
    Matcher m = TEXT.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "must be a number of seconds or a duration such as \"10s\", \"5m\", \"2h\", got '" + text + "'");
    }
    double amount = Double.parseDouble(m.group(1));
    double millis =
        switch (m.group(2)) {
          case "ms" -> amount;
          case "s" -> amount * 1_000;
          case "m" -> amount * 60_000;
          case "h" -> amount * 3_600_000;
          default -> amount * 86_400_000;
        };
    return checked(Duration.ofMillis(Math.round(millis)));
  }

  public static Duration seconds(double seconds) {
    return checked(Duration.ofMillis(Math.round(seconds * 1000)));
  }

  private static Duration checked(Duration delay) {
    if (delay.isNegative() || delay.compareTo(MAX_DELAY) > 0) {
      throw new IllegalArgumentException("must be between 0 and 7 days");
    }
    return delay;
  }

  /** True when a delivery that has failed {@code failures} times gets no further retry. */
  public boolean exhaustedAfter(int failures) {
    return failures > delays.size();
  }

  /**
   * The wait before retry number {@code failures} (1 = the first retry), with ±10% jitter so
   * that many webhooks failing together do not retry in lockstep.
   */
  public Duration delayAfter(int failures) {
    Duration base = delays.get(failures - 1);
    double jitter = 0.9 + ThreadLocalRandom.current().nextDouble() * 0.2;
    return Duration.ofMillis(Math.round(base.toMillis() * jitter));
  }

  /** The step's base delay without jitter (for capping a Retry-After). */
  public Duration step(int failures) {
    return delays.get(failures - 1);
  }

  /** Each step as text: {@code "10s"}, {@code "1m"}, {@code "2h"}. */
  public List<String> describe() {
    return delays.stream().map(RetrySchedule::format).toList();
  }

  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 86_400_000 == 0 && ms > 0) return ms / 86_400_000 + "d";
    if (ms % 3_600_000 == 0 && ms > 0) return ms / 3_600_000 + "h";
    if (ms % 60_000 == 0 && ms > 0) return ms / 60_000 + "m";
    if (ms % 1_000 == 0) return ms / 1_000 + "s";
    return ms + "ms";
  }
}
