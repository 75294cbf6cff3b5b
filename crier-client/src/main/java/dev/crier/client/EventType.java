package dev.crier.client;

/**
 * A declared event type: events are published, and webhooks subscribe, by its name.
 *
 * <pre>{@code
 * crier.putEventType("invoice.paid", "An invoice was paid in full.");
 * }</pre>
 *
 * <p>Thread-safety: immutable, so thread-safe.
 *
 * @param name such as {@code invoice.paid}
 * @param description what it means, for the people who subscribe
 */
public record EventType(String name, String description) {
  static EventType from(JsonObject o) {
    return new EventType(o.string("name"), o.optionalString("description"));
  }
}
