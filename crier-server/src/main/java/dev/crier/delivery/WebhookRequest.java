package dev.crier.delivery;

import dev.crier.event.Event;
import dev.crier.event.EventTypeName;
import dev.crier.event.Subject;
import dev.crier.signing.SigningKeys;
import dev.crier.subscription.Kind;
import dev.crier.subscription.SignatureScheme;
import dev.crier.verify.SignedRequest;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
import tools.jackson.databind.node.ArrayNode;
import dev.crier.subscription.Subscription;
import dev.crier.verify.HexSignature;
import dev.crier.verify.SigningKey;
import dev.crier.verify.StandardWebhooks;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
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
  private final SigningKeys signingKeys;
  private final Clock clock;

  WebhookRequest(String brand, String version, SigningKeys signingKeys, Clock clock) {
    this.brand = brand;
    this.userAgent = brand + "-Webhooks/" + version;
    this.signingKeys = signingKeys;
    this.clock = clock;
  }

  /**
   * The payload; the same bytes for every attempt of one delivery (the lane keeps them).
   *
   * @param channel what a channel subscription's signed_request carries (null for other kinds)
   */
  byte[] body(Subscription s, Event e, Audience.Channel channel) {
    return switch (s.kind()) {
      case CHANNEL -> signedRequest(e, channel);
      case WATCH -> watchBody(e);
      case WEBHOOK, BROADCAST -> webhookBody(s, e);
    };
  }

  /**
   * SalesKing's form: {@code signed_request=<hex HMAC-SHA256>.<base64url JSON>}, keyed with the
   * app secret, the JSON carrying the object and the token's facts.
   */
  private byte[] signedRequest(Event e, Audience.Channel channel) {
    if (channel == null) throw new IllegalStateException("a channel subscription without its token");
    ObjectNode json = JSON.createObjectNode();
    ObjectNode obj = json.putObject("obj");
    String resource = e.subject() != null && e.subject().type() != null ? e.subject().type() : EventTypeName.resourceOf(e.type());
    if (e.data() == null) obj.putObject(resource);
    else obj.putRawValue(resource, new RawValue(e.data()));
    ArrayNode links = obj.putArray("links");
    if (e.subject() != null && e.subject().url() != null) {
      links.addObject().put("rel", "self").put("href", e.subject().url());
    }
    json.put("company_id", channel.account());
    json.put("user_id", channel.userId());
    json.put("sub_domain", channel.subDomain());
    json.put("issued_at", clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
    json.put("access_token", channel.accessToken());
    json.put("expires", channel.expiresAt() == null ? null : channel.expiresAt().truncatedTo(ChronoUnit.SECONDS).toString());
    json.put("algorithm", "HMAC-SHA256");
    String value = SignedRequest.sign(JSON.writeValueAsString(json), channel.appSecret());
    return (SignedRequest.FORM_FIELD + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * What is stored of a body sent to {@code s}: the same bytes, except that a channel's
   * signed_request has its access_token masked (the delivery log is no place for a live
   * credential). The signature is kept as sent, so it no longer matches the stored payload.
   */
  static byte[] stored(Subscription s, byte[] body) {
    if (s.kind() != Kind.CHANNEL || body == null) return body;
    String form = new String(body, StandardCharsets.UTF_8);
    String prefix = SignedRequest.FORM_FIELD + "=";
    if (!form.startsWith(prefix)) return body;
    String value = URLDecoder.decode(form.substring(prefix.length()), StandardCharsets.UTF_8);
    int dot = value.indexOf('.');
    if (dot < 0) return body;
    ObjectNode json = (ObjectNode) JSON.readTree(Base64.getUrlDecoder().decode(value.substring(dot + 1)));
    if (json.hasNonNull("access_token")) json.put("access_token", mask(json.get("access_token").asString()));
    String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(json));
    String masked = value.substring(0, dot) + "." + payload;
    return (prefix + URLEncoder.encode(masked, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
  }

  /** {@code crt_…} with only its last four characters: enough to tell tokens apart, not to use one. */
  static String mask(String token) {
    int cut = Math.max(0, token.length() - 4);
    String head = token.startsWith("crt_") ? "crt_" : "";
    return head + "****" + token.substring(Math.max(cut, head.length()));
  }

  private byte[] webhookBody(Subscription s, Event e) {
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

  /** A signer per subscription, rebuilt when its secrets change (decoding them costs per attempt). */
  private record Signer(List<String> secrets, StandardWebhooks standard) {}

  private final Map<String, Signer> signers = new java.util.concurrent.ConcurrentHashMap<>();

  private StandardWebhooks signer(String subscriptionId, List<String> secrets) {
    Signer cached = signers.get(subscriptionId);
    if (cached == null || !cached.secrets().equals(secrets)) {
      cached = new Signer(List.copyOf(secrets), StandardWebhooks.of(secrets.toArray(String[]::new)));
      signers.put(subscriptionId, cached);
    }
    return cached.standard();
  }

  /**
   * v1 by the webhook's secrets, v1a by the deployment's live signing keys (newest first, so the
   * n-th kid of webhook-key-id names the n-th v1a entry), or both.
   */
  private StandardWebhooks standardSigner(Subscription s) {
    if (s.signature() == SignatureScheme.STANDARD_ED25519) {
      return StandardWebhooks.ofSigningKeys(signingKeys.signing().toArray(SigningKey[]::new));
    }
    StandardWebhooks hmac = signer(s.id(), s.secrets().valid(clock.instant()));
    return s.signature() == SignatureScheme.STANDARD
        ? hmac
        : hmac.withSigningKeys(signingKeys.signing().toArray(SigningKey[]::new));
  }

  /** The headers of one attempt, signed at this moment. */
  List<Map.Entry<String, String>> headers(
      Subscription s, String deliveryId, String eventType, byte[] body, boolean redelivery) {
    List<Map.Entry<String, String>> headers = new ArrayList<>(8);
    headers.add(Map.entry("Content-Type", s.kind() == Kind.CHANNEL ? "application/x-www-form-urlencoded" : "application/json"));
    headers.add(Map.entry("User-Agent", userAgent));
    headers.add(Map.entry("X-" + brand + "-Event", eventType));
    if (redelivery) headers.add(Map.entry("X-" + brand + "-Redelivery", "true"));
    String secret = s.secrets().current();
    switch (s.signature()) {
      case STANDARD, STANDARD_ED25519, STANDARD_AND_ED25519 -> {
        StandardWebhooks signer = standardSigner(s);
        signer.headers("msg_" + deliveryId, clock.instant().getEpochSecond(), body)
            .forEach((name, value) -> headers.add(Map.entry(name, value)));
      }
      case HMAC_SHA256 ->
          headers.add(Map.entry(HexSignature.HMAC_SHA256.headerName(brand), HexSignature.HMAC_SHA256.sign(secret, body)));
      case GITHUB -> headers.add(Map.entry(HexSignature.GITHUB.headerName(), HexSignature.GITHUB.sign(secret, body)));
      case WEBEX -> headers.add(Map.entry(HexSignature.WEBEX.headerName(), HexSignature.WEBEX.sign(secret, body)));
      case SIGNED_REQUEST -> headers.add(Map.entry("webhook-id", "msg_" + deliveryId)); // the body is signed
    }
    return headers;
  }
}
