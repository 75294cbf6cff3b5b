package dev.crier.delivery;

import dev.crier.event.Event;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A delivery as the log shows it, with its attempts (oldest first) when asked for. */
public record DeliveryView(
    String subscriptionId,
    long subSeq,
    Event event,
    DeliveryStatus status,
    int attempts,
    Instant nextAttemptAt,
    Instant lastAttemptAt,
    Integer lastStatus,
    String lastError,
    Integer lastDurationMs,
    List<Map.Entry<String, String>> lastRequestHeaders,
    List<Map.Entry<String, String>> lastResponseHeaders,
    String lastResponseBody,
    Instant createdAt,
    Instant updatedAt,
    List<AttemptView> attemptLog) {

  public String id() {
    return DeliveryId.format(subscriptionId, subSeq);
  }

  /** A logged attempt. */
  public record AttemptView(
      int number,
      boolean redelivery,
      Instant at,
      List<Map.Entry<String, String>> requestHeaders,
      String requestBody,
      Integer responseStatus,
      List<Map.Entry<String, String>> responseHeaders,
      String responseBody,
      Integer durationMs,
      String error) {}
}
