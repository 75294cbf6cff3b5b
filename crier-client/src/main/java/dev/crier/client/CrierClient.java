package dev.crier.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Crier from a provider's backend, with the JDK's {@link HttpClient}: publishes events ({@code
 * POST /v1/events}), manages webhooks, event types, apps and their tokens, and pages through the
 * event log and the delivery log.
 *
 * <p>Publishing is safe to retry because every {@link Event} carries its id: Crier stores an id
 * once and answers a repeat with the same receipt. So a 503 or 429 is retried after its {@code
 * Retry-After} (seconds or an HTTP date; held to {@link Builder#maxRetryWait}, one second when
 * absent, doubling), up to {@link Builder#maxAttempts} attempts in all, for every call; a request
 * that got no answer at all (connection refused or reset, timeout) is retried too, except for the
 * calls that would make something twice (create a webhook or an app, issue a token, rotate a
 * secret, resume). Anything else Crier refuses is thrown at once as a {@link CrierException}.
 *
 * <p>Receivers verify deliveries with {@code crier-verify} (also without dependencies), not with
 * this client.
 *
 * <pre>{@code
 * CrierClient crier = CrierClient.builder(URI.create("https://crier.example.com"), adminKey).build();
 * crier.putEventType("invoice.paid", "An invoice was paid in full.");
 * Webhook hook = crier.createWebhook(WebhookSpec.of("https://example.com/hooks", List.of("invoice.*")));
 * Receipt one = crier.publish(Event.of("invoice.paid", "{\"invoice\": \"INV-42\"}"));
 * crier.deliveries(DeliveryQuery.all().webhook(hook.id()).status("failed")).forEach(System.out::println);
 * }</pre>
 *
 * <p>Thread-safety: thread-safe; share one instance. A call blocks its thread for the request
 * and any retry waits (virtual threads are welcome); a paging stream is for one thread.
 */
public final class CrierClient {
  private final Http http;

  private CrierClient(Builder b) {
    HttpClient client = b.http != null ? b.http : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    this.http = new Http(b.base, b.key, client, b.maxAttempts, b.maxRetryWait, b.timeout);
  }

  /**
   * A builder for a client of the Crier at {@code base}, calling with this key.
   *
   * <pre>{@code
   * CrierClient crier = CrierClient.builder(URI.create("http://localhost:8080"), key).maxAttempts(3).build();
   * }</pre>
   *
   * <p>Thread-safety: the builder is not thread-safe; the client is.
   *
   * @param base Crier's URL, such as {@code https://crier.example.com}
   * @param key the admin key (or an app token allowed to publish)
   * @return a builder with the defaults: 5 attempts, retry waits of at most 30 s, 30 s timeout
   */
  public static Builder builder(URI base, String key) {
    return new Builder(base, key);
  }

  /**
   * Publishes one event.
   *
   * <pre>{@code
   * Receipt r = crier.publish(new Event("invoice-42-paid", "invoice.paid", "{\"total\": 12.5}"));
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @param event the event
   * @return Crier's receipt; {@link Receipt#replayed()} if Crier had stored the id already
   * @throws CrierException if Crier refuses it, or is unavailable after every retry
   */
  public Receipt publish(Event event) {
    Objects.requireNonNull(event, "event");
    Http.Answer answer = http.call(Operation.PUBLISH, List.of(), Map.of(), event.toJson());
    return receipt(answer.json(), answer.replayed());
  }

  /**
   * Publishes events in one request: Crier stores all of them or none.
   *
   * <pre>{@code
   * List<Receipt> receipts = crier.publishBatch(events); // in the order given
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @param events one or more events (Crier takes at most 1000 per request)
   * @return a receipt per event, in order
   * @throws CrierException if Crier refuses the batch, or is unavailable after every retry
   * @throws IllegalArgumentException if there is no event
   */
  public List<Receipt> publishBatch(List<Event> events) {
    Objects.requireNonNull(events, "events");
    if (events.isEmpty()) {
      throw new IllegalArgumentException("a batch needs at least one event");
    }
    StringBuilder body = new StringBuilder("[");
    for (int i = 0; i < events.size(); i++) {
      body.append(i == 0 ? "" : ",").append(events.get(i).toJson());
    }
    Http.Answer answer = http.call(Operation.PUBLISH, List.of(), Map.of(), body.append(']').toString());
    List<Receipt> receipts = new ArrayList<>();
    if (answer.json() instanceof Map<?, ?> out && out.get("items") instanceof List<?> items) {
      for (Object item : items) {
        receipts.add(receipt(item, answer.replayed()));
      }
    }
    return List.copyOf(receipts);
  }

  /**
   * The event log, page by page as the stream is read ({@code GET /v1/events}).
   *
   * <pre>{@code
   * try (Stream<PublishedEvent> events = crier.events(EventQuery.all().oldestFirst())) {
   *   events.limit(10_000).forEach(this::reindex);
   * }
   * }</pre>
   *
   * <p>Thread-safety: the client is thread-safe; read the stream on one thread.
   *
   * @param query which events, in which order, how many per request
   * @return a lazy stream; reading it may throw {@link CrierException}
   */
  public Stream<PublishedEvent> events(EventQuery query) {
    Objects.requireNonNull(query, "query");
    return Pages.stream(after -> {
      Map<String, String> q = new LinkedHashMap<>();
      q.put("type", query.type());
      q.put("order", query.ascending() ? "asc" : "desc");
      q.put("limit", Integer.toString(query.pageSize()));
      q.put("after", after);
      return http.call(Operation.LIST_EVENTS, List.of(), q, null);
    }, PublishedEvent::from);
  }

  /**
   * The delivery log, newest first, page by page as the stream is read ({@code GET /v1/deliveries}).
   *
   * <pre>{@code
   * long failed = crier.deliveries(DeliveryQuery.all().status("failed")).count();
   * }</pre>
   *
   * <p>Thread-safety: the client is thread-safe; read the stream on one thread.
   *
   * @param query which deliveries, how many per request
   * @return a lazy stream; reading it may throw {@link CrierException}
   */
  public Stream<Delivery> deliveries(DeliveryQuery query) {
    Objects.requireNonNull(query, "query");
    return Pages.stream(after -> {
      Map<String, String> q = new LinkedHashMap<>();
      q.put("subscription", query.subscription());
      q.put("status", query.status());
      q.put("event_type", query.eventType());
      q.put("limit", Integer.toString(query.pageSize()));
      q.put("after", after);
      return http.call(Operation.LIST_DELIVERIES, List.of(), q, null);
    }, Delivery::from);
  }

  /**
   * Declares an event type, or changes its description ({@code PUT}: safe to repeat).
   *
   * <pre>{@code
   * crier.putEventType("invoice.paid", "An invoice was paid in full.");
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @param name such as {@code invoice.paid}
   * @param description what it means
   * @return the event type
   * @throws CrierException if Crier refuses it
   */
  public EventType putEventType(String name, String description) {
    Objects.requireNonNull(description, "description");
    String body = Json.write(Map.of("description", description));
    return EventType.from(JsonObject.of(http.call(Operation.PUT_EVENT_TYPE, List.of(name), Map.of(), body).json()));
  }

  /**
   * Every declared event type.
   *
   * @return the event types
   * @throws CrierException if Crier refuses
   */
  public List<EventType> eventTypes() {
    return list(Operation.LIST_EVENT_TYPES, List.of()).stream().map(EventType::from).toList();
  }

  /**
   * Creates a webhook; the answer is the only one that shows its secret.
   *
   * <pre>{@code
   * Webhook hook = crier.createWebhook(WebhookSpec.of(url, List.of("invoice.*")).withSignature("standard-ed25519"));
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @param spec the webhook; url and events are needed
   * @return the webhook, with its secret
   * @throws CrierException if Crier refuses it ({@code errors()} names each field)
   */
  public Webhook createWebhook(WebhookSpec spec) {
    return webhook(Operation.CREATE_WEBHOOK, Objects.requireNonNull(spec, "spec").toJson(), List.of());
  }

  /**
   * One webhook.
   *
   * @param id its id
   * @return the webhook (without its secret)
   * @throws CrierException NOT_FOUND if there is none
   */
  public Webhook webhook(String id) {
    return webhook(Operation.GET_WEBHOOK, null, List.of(id));
  }

  /**
   * Every webhook (Crier answers them in one list).
   *
   * @return the webhooks
   * @throws CrierException if Crier refuses
   */
  public List<Webhook> webhooks() {
    return list(Operation.LIST_WEBHOOKS, List.of()).stream().map(Webhook::from).toList();
  }

  /**
   * Changes the fields the spec sets, keeping the others.
   *
   * <pre>{@code
   * crier.updateWebhook(id, WebhookSpec.change().withEvents(List.of("invoice.paid")));
   * }</pre>
   *
   * @param id its id
   * @param change the fields to change
   * @return the webhook as it is now
   * @throws CrierException if Crier refuses it
   */
  public Webhook updateWebhook(String id, WebhookSpec change) {
    return webhook(Operation.UPDATE_WEBHOOK, Objects.requireNonNull(change, "change").toJson(), List.of(id));
  }

  /**
   * Deletes a webhook; its pending deliveries go with it.
   *
   * @param id its id
   * @throws CrierException NOT_FOUND if there is none
   */
  public void deleteWebhook(String id) {
    http.call(Operation.DELETE_WEBHOOK, List.of(id), Map.of(), null);
  }

  /**
   * Starts delivering to a disabled webhook again.
   *
   * @param id its id
   * @return the webhook as it is now
   * @throws CrierException CONFLICT if it is halted (resume it instead)
   */
  public Webhook enableWebhook(String id) {
    return webhook(Operation.ENABLE_WEBHOOK, null, List.of(id));
  }

  /**
   * Stops delivering to a webhook; events keep being queued for it.
   *
   * @param id its id
   * @return the webhook as it is now
   * @throws CrierException CONFLICT if it is halted
   */
  public Webhook disableWebhook(String id) {
    return webhook(Operation.DISABLE_WEBHOOK, null, List.of(id));
  }

  /**
   * Restarts a halted webhook from the delivery it halted on, in order.
   *
   * @param id its id
   * @return the webhook as it is now
   * @throws CrierException CONFLICT if it is not halted
   */
  public Webhook resumeWebhook(String id) {
    return webhook(Operation.RESUME_WEBHOOK, null, List.of(id));
  }

  /**
   * Gives a webhook a new generated secret; the old one keeps signing beside it for {@code
   * overlap} so receivers can switch.
   *
   * <pre>{@code
   * String secret = crier.rotateWebhookSecret(id, Duration.ofHours(24)).secret();
   * }</pre>
   *
   * @param id its id
   * @param overlap how long the old secret also signs (0 to 7 days)
   * @return the webhook with its new secret
   * @throws CrierException if Crier refuses it
   */
  public Webhook rotateWebhookSecret(String id, Duration overlap) {
    String body = Json.write(Map.of("overlap_seconds", overlap.toMillis() / 1000.0));
    return webhook(Operation.ROTATE_WEBHOOK_SECRET, body, List.of(id));
  }

  /**
   * Registers an OAuth app; the answer is the only one that shows its secret.
   *
   * @param name its name
   * @param url its home page
   * @return the app, with its secret
   * @throws CrierException if Crier refuses it
   */
  public App createApp(String name, String url) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    body.put("url", url);
    body.values().removeIf(Objects::isNull);
    return App.from(JsonObject.of(http.call(Operation.CREATE_APP, List.of(), Map.of(), Json.write(body)).json()));
  }

  /**
   * One app.
   *
   * @param id its id
   * @return the app (without its secret)
   * @throws CrierException NOT_FOUND if there is none
   */
  public App app(String id) {
    return App.from(JsonObject.of(http.call(Operation.GET_APP, List.of(id), Map.of(), null).json()));
  }

  /**
   * Every app.
   *
   * @return the apps
   * @throws CrierException if Crier refuses
   */
  public List<App> apps() {
    return list(Operation.LIST_APPS, List.of()).stream().map(App::from).toList();
  }

  /**
   * Deletes an app, its tokens and their subscriptions.
   *
   * @param id its id
   * @throws CrierException NOT_FOUND if there is none
   */
  public void deleteApp(String id) {
    http.call(Operation.DELETE_APP, List.of(id), Map.of(), null);
  }

  /**
   * Issues an access token of the app for one user of one account; the answer is the only one
   * that shows it.
   *
   * <pre>{@code
   * String bearer = crier.issueToken(app.id(), TokenRequest.of("acme", "invoices")).accessToken();
   * }</pre>
   *
   * @param appId the app's id
   * @param request account, scope and the rest
   * @return the token, with its access token
   * @throws CrierException if Crier refuses it
   */
  public Token issueToken(String appId, TokenRequest request) {
    String body = Objects.requireNonNull(request, "request").toJson();
    return Token.from(JsonObject.of(http.call(Operation.ISSUE_TOKEN, List.of(appId), Map.of(), body).json()));
  }

  /**
   * An app's tokens.
   *
   * @param appId the app's id
   * @return its tokens (without their access tokens)
   * @throws CrierException NOT_FOUND if there is no such app
   */
  public List<Token> tokens(String appId) {
    return list(Operation.LIST_TOKENS, List.of(appId)).stream().map(Token::from).toList();
  }

  /**
   * Revokes a token: it no longer authenticates.
   *
   * @param tokenId the token's id
   * @throws CrierException NOT_FOUND if there is none
   */
  public void revokeToken(String tokenId) {
    http.call(Operation.REVOKE_TOKEN, List.of(tokenId), Map.of(), null);
  }

  private Webhook webhook(Operation op, String body, List<String> args) {
    return Webhook.from(JsonObject.of(http.call(op, args, Map.of(), body).json()));
  }

  private List<JsonObject> list(Operation op, List<String> args) {
    return JsonObject.items(http.call(op, args, Map.of(), null).json());
  }

  private static Receipt receipt(Object json, boolean replayed) {
    JsonObject r = JsonObject.of(json);
    return new Receipt(r.string("id"), r.number("seq"), Instant.parse(r.string("received_at")), replayed);
  }

  /**
   * Settings for a {@link CrierClient}.
   *
   * <pre>{@code
   * CrierClient crier = CrierClient.builder(uri, key)
   *     .maxAttempts(8)
   *     .maxRetryWait(Duration.ofMinutes(1))
   *     .build();
   * }</pre>
   *
   * <p>Thread-safety: not thread-safe; build on one thread, then share the client.
   */
  public static final class Builder {
    private final URI base;
    private final String key;
    private HttpClient http;
    private int maxAttempts = 5;
    private Duration maxRetryWait = Duration.ofSeconds(30);
    private Duration timeout = Duration.ofSeconds(30);

    private Builder(URI base, String key) {
      this.base = Objects.requireNonNull(base, "base");
      this.key = Objects.requireNonNull(key, "key");
      if (key.isBlank() || key.chars().anyMatch(c -> c < ' ')) {
        throw new IllegalArgumentException("the key must be non-blank, without control characters");
      }
    }

    /**
     * How many attempts a call makes at most, the first included.
     *
     * <pre>{@code
     * builder.maxAttempts(1); // never retry
     * }</pre>
     *
     * <p>Thread-safety: not thread-safe.
     *
     * @param attempts 1 to 100
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1 || attempts > 100) {
        throw new IllegalArgumentException("maxAttempts must be from 1 to 100");
      }
      this.maxAttempts = attempts;
      return this;
    }

    /**
     * The longest wait before a retry, whatever Retry-After asks for.
     *
     * <pre>{@code
     * builder.maxRetryWait(Duration.ofSeconds(10));
     * }</pre>
     *
     * <p>Thread-safety: not thread-safe.
     *
     * @param wait zero or more
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder maxRetryWait(Duration wait) {
      Objects.requireNonNull(wait, "wait");
      if (wait.isNegative()) {
        throw new IllegalArgumentException("maxRetryWait must not be negative");
      }
      this.maxRetryWait = wait;
      return this;
    }

    /**
     * How long one attempt may take before it counts as unanswered (and is retried).
     *
     * <pre>{@code
     * builder.timeout(Duration.ofSeconds(5));
     * }</pre>
     *
     * <p>Thread-safety: not thread-safe.
     *
     * @param timeout more than zero
     * @return this builder
     * @throws IllegalArgumentException if zero or negative
     */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isZero() || timeout.isNegative()) {
        throw new IllegalArgumentException("timeout must be positive");
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * The client to send with, for a proxy or TLS settings of your own.
     *
     * <pre>{@code
     * builder.httpClient(HttpClient.newBuilder().proxy(ProxySelector.of(proxy)).build());
     * }</pre>
     *
     * <p>Thread-safety: not thread-safe.
     *
     * @param client the client (HttpClient is thread-safe)
     * @return this builder
     */
    public Builder httpClient(HttpClient client) {
      this.http = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * The client.
     *
     * <pre>{@code
     * CrierClient crier = builder.build();
     * }</pre>
     *
     * <p>Thread-safety: not thread-safe; the result is.
     *
     * @return a new client
     */
    public CrierClient build() {
      return new CrierClient(this);
    }
  }
}
