package dev.crier.delivery;

import dev.crier.event.EventCatalog;
import dev.crier.event.NewEvent;
import dev.crier.event.PublishEvents;
import dev.crier.event.Subject;
import dev.crier.subscription.Subscription;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What happens to webhooks, published as ordinary events so the provider can subscribe a webhook
 * of its own to them: {@code crier.webhook.halted}, {@code .disabled}, {@code .recovered}, and
 * the {@code crier.webhook.ping} a ping sends.
 */
public final class OperationalEvents {
  public static final String HALTED = "crier.webhook.halted";
  public static final String DISABLED = "crier.webhook.disabled";
  public static final String RECOVERED = "crier.webhook.recovered";
  public static final String PING = "crier.webhook.ping";
  private static final Logger log = LoggerFactory.getLogger(OperationalEvents.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Clock clock;
  private volatile PublishEvents publisher;

  public OperationalEvents(Clock clock) {
    this.clock = clock;
  }

  /** Declares the operational event types (keeping descriptions a provider may have edited). */
  public static void declare(EventCatalog catalog) {
    declare(catalog, HALTED, "A webhook exhausted its retry schedule and halted; resume it to continue.");
    declare(catalog, DISABLED, "A webhook was disabled because its endpoint answered 410 Gone.");
    declare(catalog, RECOVERED, "A halted webhook was resumed and continues from the failed delivery.");
    declare(catalog, PING, "A test event sent by the ping operation of a webhook.");
  }

  private static void declare(EventCatalog catalog, String name, String description) {
    if (catalog.find(name).isEmpty()) catalog.declare(name, description);
  }

  public void connect(PublishEvents publisher) {
    this.publisher = publisher;
  }

  void halted(Subscription s, String deliveryId, String error) {
    publish(HALTED, s, data(s).put("delivery_id", deliveryId).put("error", error));
  }

  void disabled(Subscription s, String deliveryId) {
    publish(DISABLED, s, data(s).put("delivery_id", deliveryId).put("reason", "the endpoint answered 410 Gone"));
  }

  void recovered(Subscription s) {
    publish(RECOVERED, s, data(s));
  }

  /** The event a ping sends to one webhook. */
  public NewEvent ping(Subscription s) {
    ObjectNode data = data(s).put("message", "ping from Crier");
    return event(PING, s, data);
  }

  private void publish(String type, Subscription s, ObjectNode data) {
    PublishEvents target = publisher;
    if (target == null) return;
    try {
      target.publish(List.of(event(type, s, data)));
    } catch (RuntimeException e) {
      log.warn("could not publish {} for {}: {}", type, s.id(), e.toString());
    }
  }

  private static ObjectNode data(Subscription s) {
    ObjectNode data = JSON.createObjectNode();
    data.putObject("webhook").put("id", s.id()).put("name", s.name()).put("url", s.url());
    return data;
  }

  private NewEvent event(String type, Subscription s, ObjectNode data) {
    String json = JSON.writeValueAsString(data);
    return new NewEvent(
        null, type, s.owner() == null ? null : s.owner().account(), new Subject("webhook", s.id(), null, null), json, null, List.of(),
        clock.instant(), hash(type + json));
  }

  private static String hash(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
