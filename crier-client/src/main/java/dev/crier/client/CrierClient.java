package dev.crier.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Publishes events to Crier ({@code POST /v1/events}) with the JDK's {@link HttpClient}.
 *
 * <p>Retries are safe because every {@link Event} carries its id: Crier stores an id once and
 * answers a repeat with the same receipt. So a 503 or 429 is retried after its {@code
 * Retry-After} (seconds or an HTTP date; held to {@link Builder#maxRetryWait}, one second when
 * absent, doubling), and so is a request that got no answer at all (connection refused or
 * reset, timeout), up to {@link Builder#maxAttempts} attempts in all. Anything else Crier refuses
 * is thrown at once as a {@link CrierException}.
 *
 * <pre>{@code
 * CrierClient crier = CrierClient.builder(URI.create("https://crier.example.com"), adminKey).build();
 * Receipt one = crier.publish(Event.of("invoice.paid", "{\"invoice\": \"INV-42\"}"));
 * List<Receipt> many = crier.publishBatch(List.of(Event.of("a.b", null), Event.of("a.c", null)));
 * }</pre>
 *
 * <p>Thread-safety: thread-safe; share one instance. A call blocks its thread for the request
 * and any retry waits (virtual threads are welcome).
 */
public final class CrierClient {
  private final URI events;
  private final String authorization;
  private final HttpClient http;
  private final int maxAttempts;
  private final Duration maxRetryWait;
  private final Duration timeout;

  private CrierClient(Builder b) {
    this.events = b.base.resolve("/v1/events");
    this.authorization = "Bearer " + b.key;
    this.http = b.http != null ? b.http : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    this.maxAttempts = b.maxAttempts;
    this.maxRetryWait = b.maxRetryWait;
    this.timeout = b.timeout;
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
    Answer answer = send(event.toJson());
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
    Answer answer = send(body.append(']').toString());
    List<Receipt> receipts = new ArrayList<>();
    if (answer.json() instanceof Map<?, ?> out && out.get("items") instanceof List<?> items) {
      for (Object item : items) {
        receipts.add(receipt(item, answer.replayed()));
      }
    }
    return List.copyOf(receipts);
  }

  private record Answer(Object json, boolean replayed) {}

  private Answer send(String body) {
    Duration backoff = Duration.ofSeconds(1);
    for (int attempt = 1; ; attempt++) {
      HttpResponse<String> response;
      try {
        response = http.send(request(body), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      } catch (IOException e) {
        if (attempt >= maxAttempts) {
          throw new CrierException(
              CrierException.Kind.UNAVAILABLE,
              new Problem(0, "about:blank", "No answer", e.toString(), List.of()),
              e);
        }
        sleep(backoff);
        backoff = next(backoff);
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CrierException(
            CrierException.Kind.UNAVAILABLE,
            new Problem(0, "about:blank", "Interrupted", "interrupted while publishing", List.of()),
            e);
      }
      int status = response.statusCode();
      if (status / 100 == 2) {
        boolean replayed = response.headers().firstValue("Idempotent-Replayed").map("true"::equalsIgnoreCase).orElse(false);
        return new Answer(Json.parse(response.body()), replayed);
      }
      if ((status == 503 || status == 429) && attempt < maxAttempts) {
        sleep(retryAfter(response).orElse(backoff));
        backoff = next(backoff);
        continue;
      }
      throw new CrierException(CrierException.kindOf(status), problem(response), null);
    }
  }

  private HttpRequest request(String body) {
    return HttpRequest.newBuilder(events)
        .timeout(timeout)
        .header("Authorization", authorization)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, application/problem+json")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .build();
  }

  private Duration next(Duration backoff) {
    Duration doubled = backoff.multipliedBy(2);
    return doubled.compareTo(maxRetryWait) > 0 ? maxRetryWait : doubled;
  }

  /** Retry-After as seconds or an HTTP date, held to [0, maxRetryWait]; empty when absent or unreadable. */
  private Optional<Duration> retryAfter(HttpResponse<?> response) {
    Optional<String> header = response.headers().firstValue("Retry-After").map(String::trim);
    if (header.isEmpty()) {
      return Optional.empty();
    }
    Duration wait;
    try {
      wait = Duration.ofSeconds(Long.parseLong(header.get()));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(header.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        wait = Duration.between(Instant.now(), at);
      } catch (DateTimeParseException notADate) {
        return Optional.empty();
      }
    }
    if (wait.isNegative()) {
      return Optional.of(Duration.ZERO);
    }
    return Optional.of(wait.compareTo(maxRetryWait) > 0 ? maxRetryWait : wait);
  }

  private static void sleep(Duration wait) {
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CrierException(
          CrierException.Kind.UNAVAILABLE,
          new Problem(0, "about:blank", "Interrupted", "interrupted while waiting to retry", List.of()),
          e);
    }
  }

  private static Receipt receipt(Object json, boolean replayed) {
    if (!(json instanceof Map<?, ?> r) || !(r.get("id") instanceof String id)
        || !(r.get("seq") instanceof Double seq) || !(r.get("received_at") instanceof String at)) {
      throw new CrierException(
          CrierException.Kind.UNEXPECTED,
          new Problem(202, "about:blank", "Unexpected answer", "a receipt without id, seq or received_at", List.of()),
          null);
    }
    return new Receipt(id, seq.longValue(), Instant.parse(at), replayed);
  }

  private static Problem problem(HttpResponse<String> response) {
    int status = response.statusCode();
    Object json;
    try {
      json = Json.parse(response.body());
    } catch (IllegalArgumentException notJson) {
      json = null;
    }
    if (!(json instanceof Map<?, ?> p)) {
      String body = response.body() == null ? "" : response.body();
      return new Problem(status, "about:blank", "HTTP " + status, body.length() > 500 ? body.substring(0, 500) : body, List.of());
    }
    List<Problem.FieldError> errors = new ArrayList<>();
    if (p.get("errors") instanceof List<?> list) {
      for (Object e : list) {
        if (e instanceof Map<?, ?> m) {
          errors.add(new Problem.FieldError(String.valueOf(m.get("field")), String.valueOf(m.get("message"))));
        }
      }
    }
    return new Problem(status, text(p, "type", "about:blank"), text(p, "title", "HTTP " + status), text(p, "detail", ""), errors);
  }

  private static String text(Map<?, ?> json, String name, String otherwise) {
    return json.get(name) instanceof String s ? s : otherwise;
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
