package dev.crier.client;

import java.time.Instant;

/**
 * One event's delivery to one webhook (or subscription), from {@link CrierClient#deliveries}.
 *
 * <pre>{@code
 * crier.deliveries(DeliveryQuery.all().status("failed")).forEach(d -> log.warn("{}: {}", d.eventId(), d.lastError()));
 * }</pre>
 *
 * <p>Thread-safety: immutable, so thread-safe.
 *
 * @param id its id
 * @param subscriptionId the webhook's or subscription's id
 * @param eventId the event's id
 * @param eventType the event's type
 * @param status {@code pending}, {@code delivered}, {@code failed} or {@code filtered}
 * @param attemptCount how many attempts were made
 * @param lastResponseStatus the receiver's last HTTP status, or null
 * @param lastError the last attempt's error, or null
 * @param createdAt when it was made
 */
public record Delivery(
    String id,
    String subscriptionId,
    String eventId,
    String eventType,
    String status,
    long attemptCount,
    Integer lastResponseStatus,
    String lastError,
    Instant createdAt) {
  static Delivery from(JsonObject o) {
    Double last = o.optionalNumber("last_response_status");
    return new Delivery(
        o.string("id"), o.string("subscription_id"), o.string("event_id"), o.optionalString("event_type"), o.string("status"),
        o.number("attempt_count"), last == null ? null : last.intValue(), o.optionalString("last_error"), o.instant("created_at"));
  }
}
