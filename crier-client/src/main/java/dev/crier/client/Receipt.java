package dev.crier.client;

import java.time.Instant;

/**
 * Crier's acknowledgement of one event: it is stored and will be delivered.
 *
 * <pre>{@code
 * Receipt r = client.publish(Event.of("invoice.paid", "{}"));
 * log.info("event {} stored as #{}{}", r.id(), r.seq(), r.replayed() ? " (already stored)" : "");
 * }</pre>
 *
 * <p>Thread-safety: immutable, so thread-safe.
 *
 * @param id the event's id
 * @param seq its position in Crier's event log
 * @param receivedAt when Crier first stored it
 * @param replayed true when the request repeated events Crier had already stored (a retry)
 */
public record Receipt(String id, long seq, Instant receivedAt, boolean replayed) {}
