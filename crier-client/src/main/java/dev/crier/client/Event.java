package dev.crier.client;

import java.util.Objects;
import java.util.UUID;

/**
 * One event to publish: its id, its type and its data as JSON text. The id makes publishing
 * idempotent: Crier stores an id once, so a retried request (this client retries on its own)
 * never publishes an event twice. {@link #of} makes a new random id, once, when the event is
 * made; keep the instance (or your own id) to retry it later.
 *
 * <pre>{@code
 * Event paid = Event.of("invoice.paid", "{\"invoice\": \"INV-42\", \"total\": 12.5}");
 * Event mine = new Event("invoice-42-paid", "invoice.paid", "{\"invoice\": \"INV-42\"}");
 * }</pre>
 *
 * <p>Thread-safety: immutable, so thread-safe.
 *
 * @param id the idempotency key: unique per event, the same on every retry (1 to 200 characters)
 * @param type a declared event type, such as {@code invoice.paid}
 * @param data the event's data as a JSON object (Crier refuses other JSON values), or null for none
 */
public record Event(String id, String type, String data) {

  /**
   * Checks the fields: id and type present, data (if any) valid JSON.
   *
   * @param id see the record
   * @param type see the record
   * @param data see the record
   * @throws IllegalArgumentException naming the field that is wrong
   */
  public Event {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    if (id.isEmpty() || id.length() > 200) {
      throw new IllegalArgumentException("id must be 1 to 200 characters");
    }
    if (type.isEmpty()) {
      throw new IllegalArgumentException("type must not be empty");
    }
    if (data != null) {
      try {
        Json.parse(data);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("data is not JSON: " + e.getMessage(), e);
      }
    }
  }

  /**
   * An event with a new random id ({@code evt_} and a UUID).
   *
   * <pre>{@code
   * Event e = Event.of("invoice.paid", "{\"invoice\": \"INV-42\"}");
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @param type a declared event type
   * @param data JSON text, or null
   * @return the event
   */
  public static Event of(String type, String data) {
    return new Event("evt_" + UUID.randomUUID(), type, data);
  }

  String toJson() {
    return "{\"id\":\""
        + Json.escape(id)
        + "\",\"type\":\""
        + Json.escape(type)
        + "\""
        + (data == null ? "" : ",\"data\":" + data)
        + "}";
  }
}
