package dev.crier.client;

/**
 * Which deliveries {@link CrierClient#deliveries} pages through, newest first.
 *
 * <pre>{@code
 * crier.deliveries(DeliveryQuery.all().webhook(hook.id()).status("failed"))
 * }</pre>
 *
 * <p>Thread-safety: immutable, so thread-safe.
 *
 * @param subscription only this webhook's (or subscription's) deliveries, or null
 * @param status only {@code pending}, {@code delivered}, {@code failed} or {@code filtered}, or null
 * @param eventType only deliveries of events of this type, or null
 * @param pageSize deliveries per request, 1 to 500
 */
public record DeliveryQuery(String subscription, String status, String eventType, int pageSize) {
  /**
   * Checks the page size.
   *
   * @param subscription see the record
   * @param status see the record
   * @param eventType see the record
   * @param pageSize see the record
   * @throws IllegalArgumentException if pageSize is not 1 to 500
   */
  public DeliveryQuery {
    if (pageSize < 1 || pageSize > 500) {
      throw new IllegalArgumentException("pageSize must be from 1 to 500");
    }
  }

  /**
   * Every delivery, 50 a page.
   *
   * @return the query
   */
  public static DeliveryQuery all() {
    return new DeliveryQuery(null, null, null, 50);
  }

  /**
   * Only this webhook's deliveries.
   *
   * @param id the webhook's id
   * @return a new query
   */
  public DeliveryQuery webhook(String id) {
    return new DeliveryQuery(id, status, eventType, pageSize);
  }

  /**
   * Only deliveries in this status.
   *
   * @param status {@code pending}, {@code delivered}, {@code failed} or {@code filtered}
   * @return a new query
   */
  public DeliveryQuery status(String status) {
    return new DeliveryQuery(subscription, status, eventType, pageSize);
  }

  /**
   * Only deliveries of events of this type.
   *
   * @param eventType the event type
   * @return a new query
   */
  public DeliveryQuery eventType(String eventType) {
    return new DeliveryQuery(subscription, status, eventType, pageSize);
  }

  /**
   * Deliveries per request.
   *
   * @param pageSize 1 to 500
   * @return a new query
   */
  public DeliveryQuery pageSize(int pageSize) {
    return new DeliveryQuery(subscription, status, eventType, pageSize);
  }
}
