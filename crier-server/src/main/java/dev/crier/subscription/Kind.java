package dev.crier.subscription;

import java.util.Locale;

/** The presets of a subscription; each has its own API resource and wire format. */
public enum Kind {
  WEBHOOK,
  BROADCAST,
  CHANNEL,
  /** A path pattern: every event whose subject path lies at or below it, in order (seed 003). */
  WATCH;

  /** Whether this kind gets one delivery per event (sent by lanes), rather than coalesced notices. */
  public boolean delivers() {
    return this != BROADCAST;
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Kind parse(String text) {
    return valueOf(text.toUpperCase(Locale.ROOT));
  }
}
