package dev.crier.delivery;

import java.time.Instant;
import java.util.Optional;

/**
 * A page of the delivery log across subscriptions, newest first.
 *
 * @param status only deliveries in this state, or null
 * @param eventType only deliveries of events of this type, or null
 * @param since only deliveries created at or after this time, or null
 * @param until only deliveries created before this time, or null
 * @param after the cursor of the previous page's last delivery, or null for the first page
 */
public record DeliveryQuery(
    DeliveryScope scope,
    DeliveryStatus status,
    String eventType,
    Instant since,
    Instant until,
    Cursor after,
    int limit) {

  /** A place in the log: deliveries are ordered by their event's seq, then by subscription id. */
  public record Cursor(long eventSeq, String subscriptionId) {
    public String format() {
      return eventSeq + ":" + subscriptionId;
    }

    public static Optional<Cursor> parse(String text) {
      int colon = text.indexOf(':');
      if (colon <= 0 || colon == text.length() - 1) return Optional.empty();
      try {
        return Optional.of(new Cursor(Long.parseLong(text.substring(0, colon)), text.substring(colon + 1)));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
  }
}
