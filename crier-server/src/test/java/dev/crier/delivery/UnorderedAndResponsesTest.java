package dev.crier.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.testing.Api;
import dev.crier.testing.Engine;
import dev.crier.testing.Receiver;
import dev.crier.testing.Receiver.Reply;
import dev.crier.testing.TestCrier;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** Unordered parallelism, and what the receiver's answers do: Retry-After, 410 Gone, redirects. */
class UnorderedAndResponsesTest {
  static TestCrier crier;
  static Api api;
  @AutoClose Receiver receiver = Receiver.start();

  @BeforeAll
  static void start() {
    crier = TestCrier.start(Engine.SQLITE);
    api = crier.api();
    crier.declare("job.done");
  }

  @AfterAll
  static void stop() {
    crier.close();
  }

  @Test
  void unorderedWebhooksSendUpToMaxInFlightAtOnce() {
    receiver.respond(r -> Reply.status(204).after(Duration.ofMillis(400)));
    Webhook w = Webhook.create(api, "{\"url\": \"" + receiver.url("/par") + "\", \"events\": [\"job.done\"], \"ordered\": false, \"max_in_flight\": 4}");
    StringBuilder batch = new StringBuilder("[");
    for (int i = 0; i < 12; i++) batch.append(i == 0 ? "" : ",").append("{\"type\": \"job.done\", \"data\": {\"i\": ").append(i).append("}}");
    api.post("/v1/events", batch.append("]").toString());
    receiver.await("/par", 12, Duration.ofSeconds(20));
    assertThat(receiver.maxConcurrent()).isBetween(2, 4);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> w.deliveries("delivered").size() == 12);
  }

  @Test
  void anUnorderedDeliveryThatExhaustsItsScheduleFailsAndTheWebhookKeepsGoing() {
    receiver.respond(r -> r.json().get("data").get("bad").booleanValue() ? Reply.status(500) : Reply.status(200));
    Webhook w = Webhook.create(api, "{\"url\": \"" + receiver.url("/keep") + "\", \"events\": [\"job.done\"], \"ordered\": false, \"retry_schedule\": [\"10ms\"]}");
    api.post("/v1/events", "[{\"type\": \"job.done\", \"data\": {\"bad\": true}}, {\"type\": \"job.done\", \"data\": {\"bad\": false}}]");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> w.deliveries("failed").size() == 1 && w.deliveries("delivered").size() == 1);
    assertThat(w.status()).isEqualTo("active");
    assertThat(receiver.requests("/keep").stream().filter(r -> r.json().get("data").get("bad").booleanValue())).hasSize(2);
  }

  @Test
  void retryAfterOn429IsHonouredUpToTwiceTheScheduleStep() {
    receiver.respond(r -> receiver.requests("/slow").size() == 1 ? Reply.status(429).withHeader("Retry-After", "1") : Reply.status(204));
    Webhook w = Webhook.create(api, "{\"url\": \"" + receiver.url("/slow") + "\", \"events\": [\"job.done\"], \"retry_schedule\": [\"30s\"]}");
    Webhook.publish(api, "job.done", "ra-" + w.id(), "{}");
    List<Receiver.Request> two = receiver.await("/slow", 2, Duration.ofSeconds(10));
    Duration gap = Duration.between(two.get(0).at(), two.get(1).at());
    assertThat(gap).isGreaterThanOrEqualTo(Duration.ofMillis(900)).isLessThan(Duration.ofSeconds(27));

    receiver.respond(r -> receiver.requests("/capped").size() == 1 ? Reply.status(503).withHeader("Retry-After", "3600") : Reply.status(204));
    Webhook capped = Webhook.create(api, "{\"url\": \"" + receiver.url("/capped") + "\", \"events\": [\"job.done\"], \"retry_schedule\": [\"500ms\"]}");
    Webhook.publish(api, "job.done", "cap-" + capped.id(), "{}");
    List<Receiver.Request> both = receiver.await("/capped", 2, Duration.ofSeconds(10));
    assertThat(Duration.between(both.get(0).at(), both.get(1).at())).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void goneDisablesTheWebhookAndKeepsTheDelivery() {
    receiver.respond(r -> Reply.status(410));
    Webhook w = Webhook.create(api, "{\"url\": \"" + receiver.url("/gone") + "\", \"events\": [\"job.done\"]}");
    Webhook.publish(api, "job.done", "gone-" + w.id(), "{}");
    w.awaitStatus("disabled");
    assertThat(receiver.requests("/gone")).hasSize(1);
    assertThat(w.deliveries("pending")).hasSize(1);
    // the operational event is published after the status change commits, so it may follow a moment later
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> !api.get("/v1/events?type=crier.webhook.disabled").json().get("items").findValuesAsString("id").isEmpty());

    Webhook.publish(api, "job.done", "gone-later-" + w.id(), "{}");
    assertThat(w.deliveries(null)).as("a disabled webhook gets no new deliveries").hasSize(1);

    receiver.respond(r -> Reply.status(204));
    api.post("/v1/webhooks/" + w.id() + "/enable", "");
    receiver.await("/gone", 2, Duration.ofSeconds(10));
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> w.deliveries("delivered").size() == 1);
  }

  @Test
  void redirectsAreNotFollowedAndCountAsFailures() {
    receiver.respond(r -> r.path().equals("/moved") ? Reply.status(301).withHeader("Location", receiver.url("/target")) : Reply.status(204));
    Webhook w = Webhook.create(api, "{\"url\": \"" + receiver.url("/moved") + "\", \"events\": [\"job.done\"], \"retry_schedule\": []}");
    Webhook.publish(api, "job.done", "moved-" + w.id(), "{}");
    w.awaitStatus("halted");
    assertThat(receiver.requests("/target")).isEmpty();
    assertThat(w.deliveries("failed").get(0).get("last_response_status").intValue()).isEqualTo(301);
  }

  @Test
  void aTimeoutIsAFailedAttempt() {
    receiver.respond(r -> Reply.status(204).after(Duration.ofSeconds(3)));
    Webhook w = Webhook.create(api, "{\"url\": \"" + receiver.url("/late") + "\", \"events\": [\"job.done\"], \"retry_schedule\": [], \"timeout_seconds\": 0.3}");
    Webhook.publish(api, "job.done", "late-" + w.id(), "{}");
    w.awaitStatus("halted");
    assertThat(w.deliveries("failed").get(0).get("last_error").stringValue()).containsIgnoringCase("no response within");
  }
}
