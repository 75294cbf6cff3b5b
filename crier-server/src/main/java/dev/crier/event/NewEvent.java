package dev.crier.event;

import java.time.Instant;
import java.util.List;

/**
 * An event as the publisher sent it, validated, before it is stored.
 *
 * @param id the publisher's idempotency key (generated when it gave none)
 * @param data the object's state as JSON text, or null
 * @param changes field → [old, new] as JSON text, or null
 * @param contentHash a hash of what the publisher sent, to tell a retry from a different event
 *     reusing an id
 */
public record NewEvent(
    String id,
    String type,
    String account,
    Subject subject,
    String data,
    String changes,
    List<String> requiredPermissions,
    Instant occurredAt,
    String contentHash) {}
