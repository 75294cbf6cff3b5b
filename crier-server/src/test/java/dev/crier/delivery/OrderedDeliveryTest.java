package dev.crier.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.testing.Api;
import dev.crier.testing.Engine;
import dev.crier.testing.ManualClock;
import dev.crier.testing.Pause;
import dev.crier.testing.Receiver;
import dev.crier.testing.Receiver.Reply;
import dev.crier.testing.TestCrier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Ordered webhooks: one delivery in flight, publish order kept, halting instead of dropping. */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class OrderedDeliveryTest {
  @Parameter Engine engine;
  static TestCrier crier;
  static ManualClock clock;
  static Api api;
  @AutoClose Receiver receiver = Receiver.start();

  @BeforeParameterizedClassInvocation
  static void start(Engine engine) {
    clock = new ManualClock();
    crier = TestCrier.start(engine, Map.of(), clock);
    api = crier.api();
    crier.declare("entry.updated");
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    crier.close();
  }

  @Test
  void keepsPublishOrderOverAThousandEventsWhileTheReceiverFailsIntermittently() {
    Random random = new Random(42);
    receiver.respond(r -> random.nextInt(100) < 20 ? Reply.status(500) : Reply.status(204));
    String steps = IntStream.range(0, 12).mapToObj(i -> "\"5ms\"").collect(Collectors.joining(","));
    Webhook w = Webhook.create(api, "{\"url\": \"" + receiver.url("/order") + "\", \"events\": [\"entry.updated\"], \"retry_schedule\": [" + steps + "]}");
    List<String> published = new ArrayList<>();
    for (int batch = 0; batch < 10; batch++) {
      StringBuilder body = new StringBuilder("[");
      for (int i = 0; i < 100; i++) {
        String id = "ord-" + w.id() + "-" + (batch * 100 + i);
        published.add(id);
        body.append(i == 0 ? "" : ",").append("{\"id\": \"").append(id).append("\", \"type\": \"entry.updated\", \"data\": {\"n\": ").append(batch * 100 + i).append("}}");
      }
      assertThat(api.post("/v1/events", body.append("]").toString()).status()).isEqualTo(202);
    }
    Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> firstSightings(receiver.requests("/order")).size() >= 1000 && w.deliveries("pending").isEmpty());
    List<String> seen = firstSightings(receiver.requests("/order"));
    assertThat(seen).containsExactlyElementsOf(published);
    assertThat(receiver.maxConcurrent()).isEqualTo(1);
    assertThat(w.status()).isEqualTo("active");
  }

  /** Event ids in arrival order, repeats (retries, same webhook-id) dropped. */
  private static List<String> firstSightings(List<Receiver.Request> requests) {
    return Receiver.withoutRepeats(requests).stream().map(r -> r.json().get("id").stringValue()).toList();
  }

  @Test
  void haltsAfterTheScheduleQueuesWhileHaltedAndResumesInOrder() {
    receiver.respond(r -> Reply.status(500));
    Webhook w = Webhook.create(api, "{\"url\": \"" + receiver.url("/halt") + "\", \"events\": [\"entry.updated\"], \"retry_schedule\": [\"10ms\", \"10ms\"]}");
    Webhook.publish(api, "entry.updated", "halt-1-" + w.id(), "{\"n\": 1}");
    w.awaitStatus("halted");
    assertThat(receiver.requests("/halt")).hasSize(3);

    Webhook.publish(api, "entry.updated", "halt-2-" + w.id(), "{\"n\": 2}");
    Webhook.publish(api, "entry.updated", "halt-3-" + w.id(), "{\"n\": 3}");
    assertThat(w.deliveries("pending")).hasSize(2);
    assertThat(w.deliveries("failed")).hasSize(1);
    assertThat(receiver.requests("/halt")).hasSize(3);
    var halted = api.get("/v1/events?type=crier.webhook.halted").json().get("items");
    assertThat(halted.findValuesAsString("delivery_id")).contains(w.deliveries("failed").get(0).get("id").stringValue());

    receiver.respond(r -> Reply.status(204));
    var resumed = api.post("/v1/webhooks/" + w.id() + "/resume", "");
    assertThat(resumed.status()).isEqualTo(200);
    assertThat(resumed.json().get("status").stringValue()).isEqualTo("active");
    List<Receiver.Request> all = receiver.await("/halt", 6, Duration.ofSeconds(20));
    assertThat(all.subList(3, 6).stream().map(r -> r.json().get("data").get("n").intValue()).toList())
        .containsExactly(1, 2, 3);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> w.deliveries("delivered").size() == 3);
    assertThat(api.get("/v1/events?type=crier.webhook.recovered").json().get("items").findValuesAsString("id")).isNotEmpty();
  }

  @Test
  void anEmptyScheduleHaltsAtTheFirstFailure() {
    receiver.respond(r -> Reply.status(503));
    Webhook w = Webhook.create(api, "{\"url\": \"" + receiver.url("/empty") + "\", \"events\": [\"entry.updated\"], \"retry_schedule\": []}");
    Webhook.publish(api, "entry.updated", "empty-" + w.id(), "{}");
    w.awaitStatus("halted");
    assertThat(receiver.requests("/empty")).hasSize(1);
  }

  @Test
  void retriesWaitForTheScheduleOnTheInjectedClock() {
    receiver.respond(r -> receiver.requests("/clock").size() <= 2 ? Reply.status(500) : Reply.status(204));
    Webhook w = Webhook.create(api, "{\"url\": \"" + receiver.url("/clock") + "\", \"events\": [\"entry.updated\"], \"retry_schedule\": [\"10m\", \"2h\"]}");
    Webhook.publish(api, "entry.updated", "clock-" + w.id(), "{}");
    Webhook.publish(api, "entry.updated", "clock-next-" + w.id(), "{}");
    receiver.await("/clock", 1, Duration.ofSeconds(10));
    Pause.millis(300);
    assertThat(receiver.requests("/clock")).as("nothing before the first step is due").hasSize(1);

    clock.advance(Duration.ofMinutes(12)); // 10 min ± 10%
    receiver.await("/clock", 2, Duration.ofSeconds(10));
    clock.advance(Duration.ofMinutes(30));
    Pause.millis(300);
    assertThat(receiver.requests("/clock")).as("the second step is two hours").hasSize(2);

    clock.advance(Duration.ofHours(3));
    List<Receiver.Request> all = receiver.await("/clock", 4, Duration.ofSeconds(10));
    assertThat(all.get(3).json().get("id").stringValue()).isEqualTo("clock-next-" + w.id());
    assertThat(all.get(0).header("webhook-id")).isEqualTo(all.get(2).header("webhook-id"));
    assertThat(all.get(0).text()).isEqualTo(all.get(2).text());
  }
}
