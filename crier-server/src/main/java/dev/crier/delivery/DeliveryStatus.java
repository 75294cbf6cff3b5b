package dev.crier.delivery;

import java.util.Locale;

/** Where a delivery stands. */
public enum DeliveryStatus {
  PENDING,
  DELIVERED,
  FAILED,
  FILTERED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static DeliveryStatus parse(String text) {
    return valueOf(text.toUpperCase(Locale.ROOT));
  }
}
