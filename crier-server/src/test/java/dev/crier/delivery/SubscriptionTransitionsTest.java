package dev.crier.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.testing.Api;
import dev.crier.testing.AppToken;
import dev.crier.testing.Engine;
import dev.crier.testing.ManualClock;
import dev.crier.testing.Pause;
import dev.crier.testing.Receiver;
import dev.crier.testing.Receiver.Reply;
import dev.crier.testing.TestCrier;
import dev.crier.verify.StandardWebhooks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * Halt, disable, enable, resume, PATCH and delete as one state machine: after any sequence an
 * ordered webhook continues at its oldest undelivered delivery, a deleted one's open deliveries
 * end as cancelled, and concurrent changes all land.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class SubscriptionTransitionsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
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

  private Webhook ordered(String path, String schedule) {
    return Webhook.create(api, "{\"url\": \"" + receiver.url(path) + "\", \"events\": [\"entry.updated\"], \"retry_schedule\": " + schedule + "}");
  }

  private static void publish(Webhook w, int n) {
    Webhook.publish(api, "entry.updated", "t-" + w.id() + "-" + n, "{\"n\": " + n + "}");
  }

  /** The {@code n} of each delivery the receiver got on {@code path}, retries dropped. */
  private List<Integer> firstSightings(String path) {
    return Receiver.withoutRepeats(receiver.requests(path)).stream().map(r -> r.json().get("data").get("n").intValue()).toList();
  }

  private static Api.Response patch(Webhook w, String json) {
    return api.send("PATCH", "/v1/webhooks/" + w.id(), json, "application/json");
  }

  private static String post(Webhook w, String action) {
    var response = api.post("/v1/webhooks/" + w.id() + "/" + action, "");
    assertThat(response.status()).as(action + ": " + response.body()).isEqualTo(200);
    return response.json().get("status").stringValue();
  }

  @Test
  void disablingAHaltedWebhookThenEnablingItContinuesAtTheFailedDelivery() {
    AtomicBoolean failing = new AtomicBoolean(true);
    receiver.respond(r -> failing.get() && r.json().get("data").get("n").intValue() == 2 ? Reply.status(500) : Reply.status(204));
    Webhook w = ordered("/halt-disable", "[\"10ms\"]");
    publish(w, 1);
    receiver.await("/halt-disable", 1, WAIT);
    publish(w, 2);
    w.awaitStatus("halted");
    publish(w, 3);
    assertThat(api.post("/v1/webhooks/" + w.id() + "/enable", "").status()).as("enable on halted").isEqualTo(409);

    assertThat(post(w, "disable")).isEqualTo("disabled");
    failing.set(false);
    assertThat(post(w, "enable")).isEqualTo("active");

    Awaitility.await().atMost(WAIT).until(() -> w.deliveries("delivered").size() == 3);
    assertThat(firstSightings("/halt-disable")).containsExactly(1, 2, 3);
    assertThat(w.deliveries("failed")).isEmpty();
  }

  @Test
  void aHaltThatLosesTheRaceWithADisableRecordsNoFailure() throws Exception {
    CountDownLatch answer = new CountDownLatch(1);
    CountDownLatch answered = new CountDownLatch(1);
    AtomicBoolean first = new AtomicBoolean(true);
    receiver.respond(r -> {
      if (!first.getAndSet(false)) return Reply.status(204);
      try {
        answer.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      answered.countDown();
      return Reply.status(500);
    });
    Webhook w = ordered("/halt-race", "[]"); // halts at its first failure
    publish(w, 1);
    receiver.await("/halt-race", 1, WAIT);
    assertThat(post(w, "disable")).isEqualTo("disabled");
    answer.countDown(); // the attempt in flight fails now, exhausting the schedule of a disabled webhook
    assertThat(answered.await(20, TimeUnit.SECONDS)).isTrue();
    Pause.millis(500); // the engine judges the answer
    assertThat(w.status()).isEqualTo("disabled");
    assertThat(w.deliveries("failed")).as("no failure without the halt beside it").isEmpty();

    assertThat(post(w, "enable")).isEqualTo("active");
    publish(w, 2);
    Awaitility.await().atMost(WAIT).until(() -> w.deliveries("delivered").size() == 2);
    assertThat(firstSightings("/halt-race")).containsExactly(1, 2);
    assertThat(receiver.requests("/halt-race")).hasSize(3);
  }

  @Test
  void resumeAfterADisableAndEnableIsRefusedAndNothingIsSkipped() {
    AtomicBoolean failing = new AtomicBoolean(true);
    receiver.respond(r -> failing.get() ? Reply.status(500) : Reply.status(204));
    Webhook w = ordered("/seq", "[\"10ms\"]");
    publish(w, 1);
    w.awaitStatus("halted");
    publish(w, 2);
    assertThat(post(w, "disable")).isEqualTo("disabled");
    assertThat(api.post("/v1/webhooks/" + w.id() + "/resume", "").status()).isEqualTo(409);
    assertThat(patch(w, "{\"name\": \"renamed while disabled\"}").status()).isEqualTo(200);
    assertThat(post(w, "enable")).isEqualTo("active");
    w.awaitStatus("halted"); // still failing: #1 is tried again and halts again
    assertThat(firstSightings("/seq")).containsExactly(1);
    failing.set(false);
    assertThat(post(w, "resume")).isEqualTo("active");
    Awaitility.await().atMost(WAIT).until(() -> w.deliveries("delivered").size() == 2);
    assertThat(firstSightings("/seq")).containsExactly(1, 2);
  }

  /** The deliveries of the whole log (the subscription may be gone) with this status, of {@code id}. */
  private static List<JsonNode> logged(String id, String status) {
    List<JsonNode> out = new ArrayList<>();
    api.get("/v1/deliveries?limit=500&status=" + status).json().get("items").forEach(d -> {
      if (d.get("subscription_id").stringValue().equals(id)) out.add(d);
    });
    return out;
  }

  @Test
  void deletingAWebhookCancelsItsOpenDeliveriesVisibly() {
    receiver.respond(r -> r.json().get("data").get("n").intValue() == 1 ? Reply.status(204) : Reply.status(500));
    Webhook w = ordered("/delete", "[]");
    publish(w, 1);
    receiver.await("/delete", 1, WAIT);
    publish(w, 2);
    w.awaitStatus("halted");
    publish(w, 3);
    publish(w, 4);
    Awaitility.await().atMost(WAIT).until(() -> w.deliveries("delivered").size() == 1);

    assertThat(api.delete("/v1/webhooks/" + w.id()).status()).isEqualTo(204);
    assertThat(api.get("/v1/webhooks/" + w.id()).status()).isEqualTo(404);
    assertThat(logged(w.id(), "cancelled")).extracting(d -> d.get("sub_seq").asInt()).containsExactlyInAnyOrder(2, 3, 4);
    assertThat(logged(w.id(), "pending")).isEmpty();
    assertThat(logged(w.id(), "failed")).isEmpty();
    assertThat(logged(w.id(), "delivered")).hasSize(1);
    assertThat(api.get("/v1/stats").json().get("totals").get("cancelled").asInt()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void aDeleteRacingPublishesLeavesNoPendingDeliveryBehind() throws Exception {
    receiver.respond(r -> Reply.status(500));
    ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    try {
      for (int round = 0; round < 10; round++) {
        Webhook w = ordered("/race-" + round, "[\"1h\"]");
        AtomicBoolean publishing = new AtomicBoolean(true);
        List<Future<?>> publishers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
          int thread = t;
          publishers.add(threads.submit(() -> {
            for (int i = 0; publishing.get(); i++) {
              api.post("/v1/events", "{\"id\": \"race-" + w.id() + "-" + thread + "-" + i + "\", \"type\": \"entry.updated\", \"data\": {\"n\": " + i + "}}");
            }
          }));
        }
        Awaitility.await().atMost(WAIT).until(() -> w.deliveries("pending").size() >= 5);
        assertThat(api.delete("/v1/webhooks/" + w.id()).status()).isEqualTo(204);
        publishing.set(false);
        for (Future<?> f : publishers) f.get(30, TimeUnit.SECONDS);
        assertThat(logged(w.id(), "pending")).as("round " + round).isEmpty();
        assertThat(logged(w.id(), "cancelled")).as("round " + round).isNotEmpty();
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void revokingATokenCancelsTheOpenDeliveriesOfItsWebhooks() {
    receiver.respond(r -> Reply.status(500));
    AppToken token = AppToken.issue(api, "Books", receiver.url("/app"), "acme", "entries");
    var created = token.api().post("/v1/webhooks", "{\"url\": \"" + receiver.url("/app/hook") + "\", \"events\": [\"entry.updated\"], \"retry_schedule\": [\"1h\"]}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().get("id").stringValue();
    api.post("/v1/events", "{\"type\": \"entry.updated\", \"account\": \"acme\", \"data\": {\"n\": 1}}");
    receiver.await("/app/hook", 1, WAIT);
    assertThat(api.delete("/v1/tokens/" + token.tokenId()).status()).isEqualTo(204);
    assertThat(logged(id, "cancelled")).hasSize(1);
    assertThat(logged(id, "pending")).isEmpty();
  }

  @Test
  void concurrentPatchesAndRotationsBothLandInTheStoreAndInWhatIsSent() throws Exception {
    receiver.respond(r -> Reply.status(204));
    Webhook w = ordered("/p-start", "[\"10ms\"]");
    ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    try {
      for (int round = 0; round < 15; round++) {
        String path = "/p-" + round;
        String secret = "whsec_" + Base64.getEncoder().encodeToString(("secret-of-round-" + round + "-0123456789abcdef").getBytes(StandardCharsets.UTF_8));
        CountDownLatch go = new CountDownLatch(1);
        Future<Api.Response> patch = threads.submit(() -> {
          go.await();
          return patch(w, "{\"name\": \"round " + path + "\", \"url\": \"" + receiver.url(path) + "\"}");
        });
        Future<Api.Response> rotate = threads.submit(() -> {
          go.await();
          return api.post("/v1/webhooks/" + w.id() + "/rotate-secret", "{\"secret\": \"" + secret + "\", \"overlap_seconds\": 0}");
        });
        go.countDown();
        assertThat(patch.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(rotate.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);

        JsonNode stored = w.get();
        assertThat(stored.get("name").stringValue()).isEqualTo("round " + path);
        assertThat(stored.get("url").stringValue()).isEqualTo(receiver.url(path));
        publish(w, round);
        Receiver.Request sent = receiver.await(path, 1, WAIT).get(0);
        assertThat(sent.header("webhook-signature")).as("round " + round + " is signed with its own secret alone")
            .isEqualTo(StandardWebhooks.of(secret).sign(sent.header("webhook-id"), Long.parseLong(sent.header("webhook-timestamp")), sent.body()));
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void togglingOrderedWhileASlowReceiverHoldsADeliveryNeverSendsTwoAtOnce() {
    receiver.respond(r -> Reply.status(204).after(Duration.ofMillis(600)));
    Webhook w = Webhook.create(api, "{\"url\": \"" + receiver.url("/toggle") + "\", \"events\": [\"entry.updated\"], \"max_in_flight\": 1}");
    for (int n = 1; n <= 4; n++) publish(w, n);
    receiver.await("/toggle", 1, WAIT);
    assertThat(patch(w, "{\"ordered\": false}").status()).isEqualTo(200);
    receiver.await("/toggle", 2, WAIT);
    assertThat(patch(w, "{\"ordered\": true}").status()).isEqualTo(200);
    Awaitility.await().atMost(WAIT).until(() -> w.deliveries("delivered").size() == 4);
    assertThat(receiver.maxConcurrent("/toggle"))
        .as("%s", receiver.requests("/toggle").stream().map(r -> r.json().get("data").get("n").intValue() + "@" + r.at()).toList())
        .isEqualTo(1);
  }
}
