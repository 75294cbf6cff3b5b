package dev.crier.event;

import java.time.Instant;
import java.util.List;

/**
 * A stored event.
 *
 * @param seq its position in the global order of events, ascending
 * @param data the object's state as JSON text, or null
 * @param changes field → [old, new] as JSON text, or null
 */
public record Event(
    long seq,
    String id,
    String type,
    String account,
    Subject subject,
    String data,
    String changes,
    List<String> requiredPermissions,
    Instant occurredAt,
    Instant receivedAt) {}
