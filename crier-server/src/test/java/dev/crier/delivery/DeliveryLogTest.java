package dev.crier.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.config.Settings;
import dev.crier.testing.Api;
import dev.crier.testing.Engine;
import dev.crier.testing.ManualClock;
import dev.crier.testing.Receiver;
import dev.crier.testing.Receiver.Reply;
import dev.crier.testing.TestCrier;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/** What an integrator reads to debug: the delivery log, redelivery, ping, and retention. */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class DeliveryLogTest {
  @Parameter Engine engine;
  static TestCrier crier;
  static ManualClock clock;
  static Api api;
  @AutoClose Receiver receiver = Receiver.start();

  @BeforeParameterizedClassInvocation
  static void start(Engine engine) {
    clock = new ManualClock();
    crier = TestCrier.start(engine, Map.of(Settings.Key.RETENTION_DAYS, "30"), clock);
    api = crier.api();
    crier.declare("invoice.paid");
    api.put("/v1/event-types/invoice.archived", "{\"description\":\"only the retention test hears it\"}");
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    crier.close();
  }

  @Test
  void eachAttemptIsLoggedWithRequestAndResponse() {
    String big = "x".repeat(6000);
    receiver.respond(r -> receiver.requests("/log").size() == 1 ? Reply.status(500).withHeader("X-Reason", "db down").withBody(big) : Reply.status(200).withBody("ok"));
    Webhook w = Webhook.create(api, "{\"url\": \"" + receiver.url("/log") + "\", \"events\": [\"invoice.paid\"], \"retry_schedule\": [\"10ms\"]}");
    Webhook.publish(api, "invoice.paid", "log-" + w.id(), "{\"amount\": 12}");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> w.deliveries("delivered").size() == 1);

    JsonNode summary = w.deliveries(null).get(0);
    assertThat(summary.get("event_id").stringValue()).isEqualTo("log-" + w.id());
    assertThat(summary.get("attempt_count").intValue()).isEqualTo(2);
    JsonNode detail = api.get("/v1/deliveries/" + summary.get("id").stringValue()).json();
    JsonNode attempts = detail.get("attempts");
    assertThat(attempts).hasSize(2);
    JsonNode failed = attempts.get(0);
    assertThat(failed.get("response").get("status").intValue()).isEqualTo(500);
    assertThat(failed.get("response").get("headers").toString()).containsIgnoringCase("\"x-reason\":\"db down\"");
    assertThat(failed.get("response").get("body").stringValue()).hasSize(4096);
    assertThat(failed.get("request").get("headers").get("webhook-id").stringValue()).startsWith("msg_");
    assertThat(failed.get("request").get("body").stringValue()).isEqualTo(receiver.requests("/log").get(0).text());
    assertThat(failed.get("error").stringValue()).isEqualTo("HTTP 500");
    JsonNode ok = attempts.get(1);
    assertThat(ok.get("response").get("status").intValue()).isEqualTo(200);
    assertThat(ok.get("response").get("body").stringValue()).isEqualTo("ok");
    assertThat(ok.get("request").get("body").stringValue()).isEqualTo(receiver.requests("/log").get(1).text());
    assertThat(ok.get("duration_ms").isNumber()).isTrue();
  }

  @Test
  void theLogPagesNewestFirstAndFiltersByStatus() {
    Webhook w = Webhook.create(api, "{\"url\": \"" + receiver.url("/page") + "\", \"events\": [\"invoice.paid\"]}");
    for (int i = 0; i < 5; i++) Webhook.publish(api, "invoice.paid", "page-" + i + "-" + w.id(), "{}");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> w.deliveries("delivered").size() == 5);
    var first = api.get("/v1/webhooks/" + w.id() + "/deliveries?limit=2").json();
    assertThat(first.get("items").get(0).get("event_id").stringValue()).isEqualTo("page-4-" + w.id());
    var second = api.get("/v1/webhooks/" + w.id() + "/deliveries?limit=2&after=" + first.get("next").stringValue()).json();
    assertThat(second.get("items").get(0).get("event_id").stringValue()).isEqualTo("page-2-" + w.id());
    assertThat(w.deliveries("pending")).isEmpty();
    assertThat(api.get("/v1/webhooks/" + w.id() + "/deliveries?status=lost").status()).isEqualTo(400);
    assertThat(api.get("/v1/deliveries/nothing-1").status()).isEqualTo(404);
  }

  @Test
  void redeliverSendsAgainMarkedAndSettlesAFailedDelivery() {
    receiver.respond(r -> Reply.status(500));
    Webhook w = Webhook.create(api, "{\"url\": \"" + receiver.url("/again") + "\", \"events\": [\"invoice.paid\"], \"ordered\": false, \"retry_schedule\": []}");
    Webhook.publish(api, "invoice.paid", "again-" + w.id(), "{}");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> w.deliveries("failed").size() == 1);
    String id = w.deliveries("failed").get(0).get("id").stringValue();

    receiver.respond(r -> Reply.status(202));
    var redelivered = api.post("/v1/deliveries/" + id + "/redeliver", "");
    assertThat(redelivered.status()).isEqualTo(200);
    assertThat(redelivered.json().get("succeeded").booleanValue()).isTrue();
    Receiver.Request again = receiver.requests("/again").get(1);
    assertThat(again.header("x-crier-redelivery")).isEqualTo("true");
    assertThat(again.header("webhook-id")).isEqualTo(receiver.requests("/again").get(0).header("webhook-id"));
    JsonNode detail = api.get("/v1/deliveries/" + id).json();
    assertThat(detail.get("status").stringValue()).isEqualTo("delivered");
    assertThat(detail.get("attempts").findValuesAsString("redelivery")).isNotNull();
    assertThat(detail.get("attempts").get(detail.get("attempts").size() - 1).get("redelivery").booleanValue()).isTrue();
  }

  @Test
  void pingSendsATestEventThroughTheNormalPath() {
    Webhook w = Webhook.create(api, "{\"url\": \"" + receiver.url("/ping") + "\", \"events\": [\"invoice.paid\"]}");
    var ping = api.post("/v1/webhooks/" + w.id() + "/ping", "");
    assertThat(ping.status()).isEqualTo(202);
    Receiver.Request request = receiver.await("/ping", 1, Duration.ofSeconds(10)).get(0);
    assertThat(request.json().get("type").stringValue()).isEqualTo("crier.webhook.ping");
    assertThat(request.json().get("id").stringValue()).isEqualTo(ping.json().get("id").stringValue());
    assertThat(request.header("webhook-signature")).startsWith("v1,");
  }

  @Test
  void deliveredPayloadsArePrunedAfterTheRetentionPeriod() {
    Webhook w = Webhook.create(api, "{\"url\": \"" + receiver.url("/prune") + "\", \"events\": [\"invoice.archived\"]}");
    Webhook.publish(api, "invoice.archived", "prune-" + w.id(), "{}");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> w.deliveries("delivered").size() == 1);
    String id = w.deliveries("delivered").get(0).get("id").stringValue();
    crier.crier().engine().flush();
    crier.crier().engine().prune();
    assertThat(api.get("/v1/deliveries/" + id).status()).as("not yet old enough").isEqualTo(200);

    clock.advance(Duration.ofDays(31));
    // a prune finding the chore lock held (the backstop's own prune, with the cutoff of before the
    // clock moved) leaves the work to the next one: ask again until one has run after the move
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
      crier.crier().engine().prune();
      return api.get("/v1/deliveries/" + id).status() == 404;
    });
    assertThat(api.get("/v1/events/prune-" + w.id()).status()).isEqualTo(404);
  }

  @Test
  void theBackstopPrunesOldDeliveriesByItself() {
    api.put("/v1/event-types/invoice.forgotten", "{\"description\":\"only the background pruning test hears it\"}");
    Webhook w = Webhook.create(api, "{\"url\": \"" + receiver.url("/forgotten") + "\", \"events\": [\"invoice.forgotten\"]}");
    Webhook.publish(api, "invoice.forgotten", "forgotten-" + w.id(), "{}");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> w.deliveries("delivered").size() == 1);
    String id = w.deliveries("delivered").get(0).get("id").stringValue();

    // Nobody calls prune here: the engine's own periodic check, on its clock, must do it.
    clock.advance(Duration.ofDays(31));
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/v1/deliveries/" + id).status() == 404);
    assertThat(w.deliveries(null)).isEmpty();
  }
}
