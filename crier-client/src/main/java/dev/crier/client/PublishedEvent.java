package dev.crier.client;

import java.time.Instant;

/**
 * An event as Crier stored it, from {@link CrierClient#events}.
 *
 * <pre>{@code
 * crier.events(EventQuery.all().type("invoice.paid")).forEach(e -> System.out.println(e.seq() + " " + e.data()));
 * }</pre>
 *
 * <p>Thread-safety: immutable, so thread-safe.
 *
 * @param id its id
 * @param seq its position in Crier's event log
 * @param type its event type
 * @param account the account it belongs to, or null
 * @param data its data as JSON text, or null
 * @param occurredAt when it happened
 * @param receivedAt when Crier stored it
 */
public record PublishedEvent(String id, long seq, String type, String account, String data, Instant occurredAt, Instant receivedAt) {
  static PublishedEvent from(JsonObject o) {
    return new PublishedEvent(
        o.string("id"), o.number("seq"), o.string("type"), o.optionalString("account"), o.json("data"),
        o.instant("occurred_at"), o.instant("received_at"));
  }
}
