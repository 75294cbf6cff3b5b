package dev.crier.delivery;

import java.util.Locale;

/** Where a delivery stands. */
public enum DeliveryStatus {
  PENDING,
  DELIVERED,
  FAILED,
  FILTERED,
  /** Still open when its subscription was deleted: ended, never sent again. */
  CANCELLED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static DeliveryStatus parse(String text) {
    return valueOf(text.toUpperCase(Locale.ROOT));
  }
}
