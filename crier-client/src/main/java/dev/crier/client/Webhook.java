package dev.crier.client;

import java.time.Instant;
import java.util.List;

/**
 * A webhook as Crier holds it.
 *
 * <pre>{@code
 * Webhook hook = crier.createWebhook(WebhookSpec.of(url, List.of("invoice.*")));
 * store(hook.id(), hook.secret()); // the secret is shown only now (and on rotate-secret)
 * }</pre>
 *
 * <p>Thread-safety: immutable, so thread-safe.
 *
 * @param id its id ({@code wh_…})
 * @param name its name
 * @param url where it delivers
 * @param events the event type patterns it hears
 * @param filter its data filter, or null
 * @param signature its signature scheme
 * @param ordered whether it delivers one at a time, in order
 * @param maxInFlight parallel deliveries when not ordered
 * @param retrySchedule the delays before each retry
 * @param timeoutSeconds how long a receiver may take
 * @param status {@code active}, {@code halted} or {@code disabled}
 * @param secret the secret, only in the answers to create and rotate-secret; otherwise null
 * @param createdAt when it was made
 * @param updatedAt when it last changed
 */
public record Webhook(
    String id,
    String name,
    String url,
    List<String> events,
    String filter,
    String signature,
    boolean ordered,
    int maxInFlight,
    List<String> retrySchedule,
    double timeoutSeconds,
    String status,
    String secret,
    Instant createdAt,
    Instant updatedAt) {

  static Webhook from(JsonObject o) {
    Double timeout = o.optionalNumber("timeout_seconds");
    Double inFlight = o.optionalNumber("max_in_flight");
    return new Webhook(
        o.string("id"),
        o.optionalString("name"),
        o.string("url"),
        o.strings("events"),
        o.optionalString("filter"),
        o.optionalString("signature"),
        o.bool("ordered"),
        inFlight == null ? 0 : inFlight.intValue(),
        o.strings("retry_schedule"),
        timeout == null ? 0 : timeout,
        o.string("status"),
        o.optionalString("secret"),
        o.instant("created_at"),
        o.instant("updated_at"));
  }
}
