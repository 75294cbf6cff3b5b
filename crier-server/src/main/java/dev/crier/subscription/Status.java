package dev.crier.subscription;

import java.util.Locale;

/** Whether a subscription is sent to. */
public enum Status {
  /** Receives and is sent deliveries. */
  ACTIVE,
  /** Stopped after a delivery exhausted its retries; new deliveries queue until resumed. */
  HALTED,
  /** Turned off (by its owner, or by a 410 Gone); gets no new deliveries until enabled. */
  DISABLED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Status parse(String text) {
    return valueOf(text.toUpperCase(Locale.ROOT));
  }
}
