package dev.crier.event;

import java.time.Instant;

/** What a publisher is told for each accepted event; a retry with the same id gets the same. */
public record Receipt(String id, long seq, Instant receivedAt) {}
