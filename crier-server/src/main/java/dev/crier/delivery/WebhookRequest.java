package dev.crier.delivery;

import dev.crier.event.Event;
import dev.crier.event.Subject;
import dev.crier.subscription.Subscription;
import dev.crier.verify.HexSignature;
import dev.crier.verify.StandardWebhooks;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.util.RawValue;

/**
 * Builds what a webhook is sent: the verbose payload (Standard Webhooks shaped) and the headers,
 * signed by the subscription's scheme with the same code receivers verify with (crier-verify).
 * A watch gets Noah's short payload (action, path, type, id, timestamp, data) with the same
 * headers.
 */
final class WebhookRequest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final String brand;
  private final String userAgent;
  private final Clock clock;

  WebhookRequest(String brand, String version, Clock clock) {
    this.brand = brand;
    this.userAgent = brand + "-Webhooks/" + version;
    this.clock = clock;
  }

  /** The payload; the same bytes for every attempt of one delivery. */
  byte[] body(Subscription s, Event e) {
    return switch (s.kind()) {
      case WATCH -> watchBody(e);
      case WEBHOOK, BROADCAST -> webhookBody(s, e);
    };
  }

  private static byte[] webhookBody(Subscription s, Event e) {
    ObjectNode out = JSON.createObjectNode();
    out.put("id", e.id());
    out.put("type", e.type());
    out.put("timestamp", e.occurredAt().toString());
    out.putObject("webhook").put("id", s.id()).put("name", s.name());
    Subject subject = e.subject();
    if (subject == null) {
      out.putNull("subject");
    } else {
      ObjectNode node = out.putObject("subject");
      if (subject.type() != null) node.put("type", subject.type());
      if (subject.id() != null) node.put("id", subject.id());
      if (subject.path() != null) node.put("path", subject.path());
      if (subject.url() != null) node.put("url", subject.url());
    }
    raw(out, "data", e.data());
    raw(out, "changes", e.changes());
    return JSON.writeValueAsBytes(out);
  }

  /** What a watch is sent: what happened to which node of the hierarchy, and its state. */
  private static byte[] watchBody(Event e) {
    Subject subject = e.subject();
    ObjectNode out = JSON.createObjectNode();
    out.put("action", action(e.type()));
    out.put("path", subject == null ? null : subject.path());
    out.put("type", subject == null ? null : subject.type());
    out.put("id", subject == null ? null : subject.id());
    out.put("timestamp", e.occurredAt().toString());
    raw(out, "data", e.data());
    return JSON.writeValueAsBytes(out);
  }

  /** create, update or delete, from the event type's last word ({@code application.deleted}); else update. */
  static String action(String eventType) {
    String last = eventType.substring(eventType.lastIndexOf('.') + 1);
    return switch (last) {
      case "create", "created" -> "create";
      case "delete", "deleted" -> "delete";
      default -> "update";
    };
  }

  private static void raw(ObjectNode out, String name, String json) {
    if (json == null) out.putNull(name);
    else out.putRawValue(name, new RawValue(json));
  }

  /** The headers of one attempt, signed at this moment. */
  List<Map.Entry<String, String>> headers(
      Subscription s, String deliveryId, String eventType, byte[] body, boolean redelivery) {
    List<Map.Entry<String, String>> headers = new ArrayList<>(8);
    headers.add(Map.entry("Content-Type", "application/json"));
    headers.add(Map.entry("User-Agent", userAgent));
    headers.add(Map.entry("X-" + brand + "-Event", eventType));
    if (redelivery) headers.add(Map.entry("X-" + brand + "-Redelivery", "true"));
    String secret = s.secrets().current();
    switch (s.signature()) {
      case STANDARD -> {
        List<String> secrets = s.secrets().valid(clock.instant());
        StandardWebhooks signer = StandardWebhooks.of(secrets.toArray(String[]::new));
        signer.headers("msg_" + deliveryId, clock.instant().getEpochSecond(), body)
            .forEach((name, value) -> headers.add(Map.entry(name, value)));
      }
      case HMAC_SHA256 ->
          headers.add(Map.entry(HexSignature.HMAC_SHA256.headerName(brand), HexSignature.HMAC_SHA256.sign(secret, body)));
      case GITHUB -> headers.add(Map.entry(HexSignature.GITHUB.headerName(), HexSignature.GITHUB.sign(secret, body)));
      case WEBEX -> headers.add(Map.entry(HexSignature.WEBEX.headerName(), HexSignature.WEBEX.sign(secret, body)));
    }
    return headers;
  }
}
