package dev.crier.client;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
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
import java.util.Optional;

/**
 * Sends one {@link Operation} with the retries it allows: 503 and 429 after their Retry-After (held
 * to maxRetryWait; one second, doubling, when absent), and no answer at all when the operation is
 * safe to repeat. Everything else that is not 2xx becomes a {@link CrierException}. Thread-safe.
 */
final class Http {
  /** A 2xx answer: its parsed body (null for none) and whether Crier replayed a stored event. */
  record Answer(Object json, boolean replayed) {}

  private final URI base;
  private final String authorization;
  private final HttpClient http;
  private final int maxAttempts;
  private final Duration maxRetryWait;
  private final Duration timeout;

  Http(URI base, String key, HttpClient http, int maxAttempts, Duration maxRetryWait, Duration timeout) {
    this.base = base;
    this.authorization = "Bearer " + key;
    this.http = http;
    this.maxAttempts = maxAttempts;
    this.maxRetryWait = maxRetryWait;
    this.timeout = timeout;
  }

  /**
   * Calls {@code op}: {@code args} fill the path's {@code {…}} in order, {@code query} holds
   * name/value pairs (null values left out), {@code body} is JSON text or null.
   */
  Answer call(Operation op, List<String> args, Map<String, String> query, String body) {
    HttpRequest request = request(op, uri(op, args, query), body);
    Duration backoff = Duration.ofSeconds(1);
    for (int attempt = 1; ; attempt++) {
      HttpResponse<String> response;
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      } catch (IOException e) {
        if (!op.retryUnanswered || attempt >= maxAttempts) {
          throw new CrierException(
              CrierException.Kind.UNAVAILABLE, new Problem(0, "about:blank", "No answer", e.toString(), List.of()), e);
        }
        sleep(backoff);
        backoff = next(backoff);
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw interrupted(e);
      }
      int status = response.statusCode();
      if (status / 100 == 2) {
        boolean replayed =
            response.headers().firstValue("Idempotent-Replayed").map("true"::equalsIgnoreCase).orElse(false);
        String text = response.body();
        return new Answer(text == null || text.isBlank() ? null : Json.parse(text), replayed);
      }
      if ((status == 503 || status == 429) && attempt < maxAttempts) {
        sleep(retryAfter(response).orElse(backoff));
        backoff = next(backoff);
        continue;
      }
      throw new CrierException(CrierException.kindOf(status), problem(response), null);
    }
  }

  private URI uri(Operation op, List<String> args, Map<String, String> query) {
    StringBuilder path = new StringBuilder();
    int arg = 0;
    for (String part : op.path.split("(?=\\{)|(?<=\\})")) {
      if (part.startsWith("{")) {
        path.append(encode(args.get(arg++)).replace("+", "%20"));
      } else {
        path.append(part);
      }
    }
    String separator = "?";
    for (Map.Entry<String, String> q : query.entrySet()) {
      if (q.getValue() != null) {
        path.append(separator).append(encode(q.getKey())).append('=').append(encode(q.getValue()));
        separator = "&";
      }
    }
    return base.resolve(path.toString());
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private HttpRequest request(Operation op, URI uri, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri)
        .timeout(timeout)
        .header("Authorization", authorization)
        .header("Accept", "application/json, application/problem+json");
    if (body == null) {
      return b.method(op.method, HttpRequest.BodyPublishers.noBody()).build();
    }
    return b.header("Content-Type", "application/json")
        .method(op.method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
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
      throw interrupted(e);
    }
  }

  private static CrierException interrupted(InterruptedException e) {
    return new CrierException(
        CrierException.Kind.UNAVAILABLE, new Problem(0, "about:blank", "Interrupted", "interrupted while calling Crier", List.of()), e);
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
}
