package dev.crier.client;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a webhook should be: to create one, or the fields to change on update (a null component is
 * left as it is; on create, Crier's default). Start with {@link #of} and add what you need.
 *
 * <pre>{@code
 * WebhookSpec spec = WebhookSpec.of("https://example.com/hooks", List.of("invoice.*"))
 *     .withName("Billing")
 *     .withSignature("standard+ed25519")
 *     .withRetrySchedule(List.of("10s", "1m", "5m"));
 * }</pre>
 *
 * <p>Thread-safety: immutable, so thread-safe.
 *
 * @param url the receiver's http(s) URL
 * @param events event type patterns ({@code invoice.paid}, {@code invoice.*}, {@code *})
 * @param name a name for people (default: the URL)
 * @param filter {@code key=value&key2=value2} matched against the event's data
 * @param secret a {@code whsec_} secret of your own (default: generated, shown once)
 * @param signature {@code standard} (default), {@code standard-ed25519}, {@code standard+ed25519}, …
 * @param ordered one delivery at a time, in order (default true)
 * @param maxInFlight parallel deliveries when not ordered (1 to 64)
 * @param retrySchedule delays before each retry, such as {@code 10s}, {@code 5m}; empty halts at the first failure
 * @param timeoutSeconds how long a receiver may take to answer (0.1 to 60)
 */
public record WebhookSpec(
    String url,
    List<String> events,
    String name,
    String filter,
    String secret,
    String signature,
    Boolean ordered,
    Integer maxInFlight,
    List<String> retrySchedule,
    Double timeoutSeconds) {

  /** The body fields a spec may send, as {@code openapi.json} names them. */
  static final List<String> FIELDS = List.of(
      "name", "url", "events", "filter", "secret", "signature", "ordered", "max_in_flight", "retry_schedule", "timeout_seconds");

  /**
   * Copies the lists.
   *
   * @param url see the record
   * @param events see the record
   * @param name see the record
   * @param filter see the record
   * @param secret see the record
   * @param signature see the record
   * @param ordered see the record
   * @param maxInFlight see the record
   * @param retrySchedule see the record
   * @param timeoutSeconds see the record
   * @throws NullPointerException if a list holds null
   */
  public WebhookSpec {
    events = events == null ? null : List.copyOf(events);
    retrySchedule = retrySchedule == null ? null : List.copyOf(retrySchedule);
  }

  /**
   * A webhook to {@code url} for these event type patterns, with Crier's defaults otherwise.
   *
   * <pre>{@code
   * WebhookSpec spec = WebhookSpec.of("https://example.com/hooks", List.of("*"));
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @param url the receiver's URL
   * @param events the patterns
   * @return the spec
   */
  public static WebhookSpec of(String url, List<String> events) {
    return new WebhookSpec(Objects.requireNonNull(url, "url"), Objects.requireNonNull(events, "events"), null, null, null, null, null, null, null, null);
  }

  /**
   * An update that changes nothing yet: add the fields to change.
   *
   * <pre>{@code
   * crier.updateWebhook(id, WebhookSpec.change().withEvents(List.of("invoice.paid")));
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @return an empty spec
   */
  public static WebhookSpec change() {
    return new WebhookSpec(null, null, null, null, null, null, null, null, null, null);
  }

  /**
   * This spec with another URL.
   *
   * @param url the receiver's URL
   * @return a new spec
   */
  public WebhookSpec withUrl(String url) {
    return new WebhookSpec(url, events, name, filter, secret, signature, ordered, maxInFlight, retrySchedule, timeoutSeconds);
  }

  /**
   * This spec with other event type patterns.
   *
   * @param events the patterns
   * @return a new spec
   */
  public WebhookSpec withEvents(List<String> events) {
    return new WebhookSpec(url, events, name, filter, secret, signature, ordered, maxInFlight, retrySchedule, timeoutSeconds);
  }

  /**
   * This spec with a name.
   *
   * @param name the name
   * @return a new spec
   */
  public WebhookSpec withName(String name) {
    return new WebhookSpec(url, events, name, filter, secret, signature, ordered, maxInFlight, retrySchedule, timeoutSeconds);
  }

  /**
   * This spec with a data filter.
   *
   * @param filter such as {@code status=paid}
   * @return a new spec
   */
  public WebhookSpec withFilter(String filter) {
    return new WebhookSpec(url, events, name, filter, secret, signature, ordered, maxInFlight, retrySchedule, timeoutSeconds);
  }

  /**
   * This spec with a secret of your own.
   *
   * @param secret a {@code whsec_} secret
   * @return a new spec
   */
  public WebhookSpec withSecret(String secret) {
    return new WebhookSpec(url, events, name, filter, secret, signature, ordered, maxInFlight, retrySchedule, timeoutSeconds);
  }

  /**
   * This spec with a signature scheme.
   *
   * @param signature such as {@code standard-ed25519}
   * @return a new spec
   */
  public WebhookSpec withSignature(String signature) {
    return new WebhookSpec(url, events, name, filter, secret, signature, ordered, maxInFlight, retrySchedule, timeoutSeconds);
  }

  /**
   * This spec delivering in order, or in parallel with at most {@code maxInFlight} at once.
   *
   * @param ordered true for one at a time, in order
   * @param maxInFlight when not ordered, 1 to 64 (null for the default)
   * @return a new spec
   */
  public WebhookSpec withOrdering(boolean ordered, Integer maxInFlight) {
    return new WebhookSpec(url, events, name, filter, secret, signature, ordered, maxInFlight, retrySchedule, timeoutSeconds);
  }

  /**
   * This spec with a retry schedule.
   *
   * @param retrySchedule delays such as {@code 10s}, {@code 5m}, {@code 2h}; empty to halt at the first failure
   * @return a new spec
   */
  public WebhookSpec withRetrySchedule(List<String> retrySchedule) {
    return new WebhookSpec(url, events, name, filter, secret, signature, ordered, maxInFlight, retrySchedule, timeoutSeconds);
  }

  /**
   * This spec with a receiver timeout.
   *
   * @param timeoutSeconds 0.1 to 60
   * @return a new spec
   */
  public WebhookSpec withTimeoutSeconds(double timeoutSeconds) {
    return new WebhookSpec(url, events, name, filter, secret, signature, ordered, maxInFlight, retrySchedule, timeoutSeconds);
  }

  String toJson() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    body.put("url", url);
    body.put("events", events);
    body.put("filter", filter);
    body.put("secret", secret);
    body.put("signature", signature);
    body.put("ordered", ordered);
    body.put("max_in_flight", maxInFlight);
    body.put("retry_schedule", retrySchedule);
    body.put("timeout_seconds", timeoutSeconds);
    body.values().removeIf(Objects::isNull);
    return Json.write(body);
  }
}
