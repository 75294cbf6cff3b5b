package dev.crier.delivery;

import dev.crier.subscription.Kind;
import dev.crier.subscription.Subscription;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.Optional;

/** Makes one attempt of one delivery: builds and signs the request, sends it, keeps the log entry. */
final class SendDelivery {
  private final SendAttempt sender;
  private final RelayHub relay;
  private final WebhookRequest request;
  private final Audience audience;
  private final Clock clock;
  /** Parsed subscription URLs: parsing one costs more than signing (the latency bench's profile). */
  private final Map<String, URI> urls = new java.util.concurrent.ConcurrentHashMap<>();

  SendDelivery(SendAttempt sender, RelayHub relay, WebhookRequest request, Audience audience, Clock clock) {
    this.sender = sender;
    this.relay = relay;
    this.request = request;
    this.audience = audience;
    this.clock = clock;
  }

  /**
   * Makes one attempt; a delivery its audience may no longer hear is not sent and comes back as
   * {@link SendResult.Failed.Kind#FILTERED} with the reason.
   */
  Attempt attempt(Subscription s, PendingDelivery d, int number, boolean redelivery) {
    return attempt(s, d, number, redelivery, s::timeout);
  }

  /**
   * Makes one attempt that ends (answered or abandoned) within what {@code leaseLeft} allows
   * when it is asked, just before the request goes out: a lane's lease may not outlive its
   * attempt, and the audience check and the body come first and take time of their own (an app
   * token's check reads the database), so a budget measured before them could let the attempt
   * end after the lease.
   *
   * @param leaseLeft how long the attempt may take from now, or null when it must not be sent
   * @return the attempt, or null when it was not sent because the lease no longer allows it
   *     (nothing happened; the delivery stays as it was)
   */
  Attempt attempt(Subscription s, PendingDelivery d, int number, boolean redelivery, Supplier<Duration> leaseLeft) {
    var refusal = audience.refusal(s, d.event());
    if (refusal.isPresent()) {
      // a verdict is written like an outcome, under the same fence: an owner that lost the
      // lease meanwhile writes nothing
      if (leaseLeft.get() == null) return null;
      return new Attempt(number, redelivery, clock.instant(), List.of(), null,
          new SendResult.Failed(SendResult.Failed.Kind.FILTERED, refusal.get(), Duration.ZERO));
    }
    // A channel's stored body has its token masked: its retries build the signed_request again.
    byte[] body = d.sentBody() != null && s.kind() != Kind.CHANNEL ? d.sentBody() : body(s, d.event());
    List<Map.Entry<String, String>> headers = request.headers(s, d.id(), d.event().type(), body, redelivery);
    Duration within = leaseLeft.get();
    if (within == null) return null;
    Instant at = clock.instant();
    SendResult result;
    try {
      Duration timeout = within.compareTo(s.timeout()) < 0 ? within : s.timeout();
      HttpPost post = new HttpPost(url(s.url()), headers, body, timeout);
      var relayName = RelayHub.nameOf(s.url());
      result = relayName.isPresent() ? relay.send(s, relayName.get(), post) : sender.send(post);
    } catch (IllegalArgumentException e) {
      result = new SendResult.Failed(SendResult.Failed.Kind.INVALID_URL, "invalid URL: " + e.getMessage(), Duration.ZERO);
    }
    return new Attempt(number, redelivery, at, headers, WebhookRequest.stored(s, body), result);
  }

  private URI url(String url) {
    URI parsed = urls.get(url);
    if (parsed == null) {
      parsed = URI.create(url);
      if (urls.size() > 100_000) urls.clear(); // URLs of deleted subscriptions, in the end
      urls.put(url, parsed);
    }
    return parsed;
  }

  byte[] body(Subscription s, dev.crier.event.Event event) {
    return request.body(s, event, audience.channel(s).orElse(null));
  }

  /** The body as the delivery log shows it: without live credentials. */
  byte[] storedBody(Subscription s, dev.crier.event.Event event) {
    return WebhookRequest.stored(s, body(s, event));
  }

  static boolean filtered(SendResult result) {
    return result instanceof SendResult.Failed f && f.kind() == SendResult.Failed.Kind.FILTERED;
  }

  static boolean succeeded(SendResult result) {
    return result instanceof SendResult.Answered a && a.status() >= 200 && a.status() < 300;
  }

  static boolean gone(SendResult result) {
    return result instanceof SendResult.Answered a && a.status() == 410;
  }

  /** The wait a 429 or 503 asked for in its Retry-After header (seconds or an HTTP date). */
  static Optional<Duration> retryAfter(SendResult result, Instant now) {
    if (!(result instanceof SendResult.Answered a) || (a.status() != 429 && a.status() != 503)) {
      return Optional.empty();
    }
    for (var header : a.headers()) {
      if (!header.getKey().equalsIgnoreCase("Retry-After")) continue;
      String value = header.getValue().trim();
      try {
        return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value))));
      } catch (NumberFormatException e) {
        try {
          Instant when = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
          return Optional.of(Duration.between(now, when).isNegative() ? Duration.ZERO : Duration.between(now, when));
        } catch (RuntimeException ignored) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }
}
