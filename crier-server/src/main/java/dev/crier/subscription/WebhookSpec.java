package dev.crier.subscription;

import java.time.Duration;
import java.util.List;

/**
 * What a client asks a webhook to be; on an update, null fields stay as they are.
 *
 * @param events event type patterns
 */
public record WebhookSpec(
    String name,
    String url,
    List<String> events,
    String filter,
    String secret,
    SignatureScheme signature,
    Boolean ordered,
    Integer maxInFlight,
    RetrySchedule retrySchedule,
    Duration timeout) {}
