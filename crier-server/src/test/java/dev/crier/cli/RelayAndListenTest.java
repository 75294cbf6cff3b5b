package dev.crier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.config.Settings;
import dev.crier.testing.Api;
import dev.crier.testing.Engine;
import dev.crier.testing.Receiver;
import dev.crier.testing.Receiver.Reply;
import dev.crier.testing.TestCrier;
import dev.crier.verify.StandardWebhooks;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** crier listen: deliveries of relay webhooks reach a local endpoint over an outbound connection. */
class RelayAndListenTest {
  static TestCrier crier;
  static int port;
  Receiver receiver;
  ListenCommand listener;
  Thread listening;
  ByteArrayOutputStream output;

  @BeforeAll
  static void start() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    crier = TestCrier.start(Engine.SQLITE, Map.of(Settings.Key.PORT, Integer.toString(port)));
    crier.declare("timer.running");
  }

  @AfterAll
  static void stop() {
    crier.close();
  }

  @BeforeEach
  void receiver() {
    receiver = Receiver.start();
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (listener != null) listener.stop();
    if (listening != null) listening.join(5_000);
    receiver.close();
  }

  private Api api() {
    return crier.api();
  }

  private void listen(String... args) {
    listener = new ListenCommand();
    output = new ByteArrayOutputStream();
    listener.out = new PrintStream(output, true, StandardCharsets.UTF_8);
    new picocli.CommandLine(listener).parseArgs(args);
    listening = Thread.ofVirtual().start(() -> {
      try {
        listener.call();
      } catch (Exception e) {
        listener.out.println("listener failed: " + e);
      }
    });
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> listener.connected());
  }

  private String printed() {
    return output.toString(StandardCharsets.UTF_8);
  }

  @Test
  void eventsForwardsSignedDeliveriesInOrderAndRemovesItsWebhookOnExit() {
    listen("--url", api().base(), "--token", TestCrier.ADMIN_KEY, "--forward-to", receiver.url("/local"), "--events", "timer.*");
    Matcher secret = Pattern.compile("secret is (whsec_\\S+)").matcher(printed());
    assertThat(secret.find()).as(printed()).isTrue();
    StringBuilder batch = new StringBuilder("[");
    for (int i = 0; i < 20; i++) batch.append(i == 0 ? "" : ",").append("{\"type\": \"timer.running\", \"data\": {\"n\": ").append(i).append("}}");
    api().post("/v1/events", batch.append("]").toString());
    List<Receiver.Request> got = receiver.await("/local", 20, Duration.ofSeconds(20));
    assertThat(got.stream().map(r -> r.json().get("data").get("n").intValue()).toList())
        .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 20).boxed().toList());
    StandardWebhooks verifier = StandardWebhooks.of(secret.group(1));
    for (Receiver.Request r : got) {
      verifier.verify(Map.of("webhook-id", r.header("webhook-id"), "webhook-timestamp", r.header("webhook-timestamp"),
          "webhook-signature", r.header("webhook-signature")), r.body());
    }
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> printed().lines().filter(l -> l.contains("timer.running  -> 204")).count() == 20);

    String webhookId = Pattern.compile("webhook (wh_\\S+)").matcher(printed()).results().findFirst().orElseThrow().group(1);
    listener.stop();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> api().get("/v1/webhooks/" + webhookId).status() == 404);
  }

  @Test
  void theLocalAnswerIsTheAttemptResultSoRetriesAndHaltingWork() {
    var created = api().post("/v1/webhooks", "{\"url\": \"relay:halting\", \"events\": [\"timer.running\"], \"retry_schedule\": [\"50ms\", \"50ms\"]}");
    String id = created.json().get("id").stringValue();
    receiver.respond(r -> Reply.status(500).withBody("local bug"));
    listen("--url", api().base(), "--token", TestCrier.ADMIN_KEY, "--forward-to", receiver.url("/bug"), "--webhook", id);
    api().post("/v1/events", "{\"type\": \"timer.running\", \"data\": {\"n\": 1}}");
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> api().get("/v1/webhooks/" + id).json().get("status").stringValue().equals("halted"));
    assertThat(receiver.requests("/bug")).hasSize(3);
    var failed = api().get("/v1/webhooks/" + id + "/deliveries?status=failed").json().get("items").get(0);
    assertThat(failed.get("last_response_status").intValue()).isEqualTo(500);

    receiver.respond(r -> Reply.status(204));
    api().post("/v1/webhooks/" + id + "/resume", "");
    receiver.await("/bug", 4, Duration.ofSeconds(10));
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> api().get("/v1/webhooks/" + id + "/deliveries?status=delivered").json().get("items").size() == 1);
  }

  @Test
  void withoutAListenerTheAttemptFailsWithNoListener() {
    var created = api().post("/v1/webhooks", "{\"url\": \"relay:nobody-home\", \"events\": [\"timer.running\"], \"retry_schedule\": []}");
    String id = created.json().get("id").stringValue();
    api().post("/v1/events", "{\"type\": \"timer.running\"}");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> api().get("/v1/webhooks/" + id).json().get("status").stringValue().equals("halted"));
    var failed = api().get("/v1/webhooks/" + id + "/deliveries?status=failed").json().get("items").get(0);
    assertThat(failed.get("last_error").stringValue()).isEqualTo("no listener connected to relay:nobody-home");
    assertThat(api().post("/v1/webhooks", "{\"url\": \"relay:bad name\", \"events\": [\"timer.running\"]}").status()).isEqualTo(422);
  }

  @Test
  void theListenerReconnectsAfterTheServerRestarts() {
    var created = api().post("/v1/webhooks", "{\"url\": \"relay:restarts\", \"events\": [\"timer.running\"]}");
    String id = created.json().get("id").stringValue();
    listen("--url", api().base(), "--token", TestCrier.ADMIN_KEY, "--forward-to", receiver.url("/again"), "--webhook", id);
    crier.restart();
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> printed().contains("reconnecting"));
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> printed().lines().filter(l -> l.contains("connected to relay:restarts")).count() >= 2);
    api().post("/v1/events", "{\"type\": \"timer.running\", \"data\": {\"after\": \"restart\"}}");
    assertThat(receiver.await("/again", 1, Duration.ofSeconds(15)).get(0).json().get("data").get("after").stringValue()).isEqualTo("restart");
  }

  /** An app's access token (account acme, scope timers). */
  private String appToken() {
    var app = api().post("/v1/apps", "{\"name\": \"Books\", \"url\": \"https://books.example.com\"}");
    assertThat(app.status()).as(app.body()).isEqualTo(201);
    var token = api().post("/v1/apps/" + app.json().get("id").stringValue() + "/tokens", "{\"account\": \"acme\", \"scope\": \"timers\"}");
    assertThat(token.status()).as(token.body()).isEqualTo(201);
    return token.json().get("access_token").stringValue();
  }

  @Test
  void anAppTokenListensOnItsOwnRelayWebhookAndHearsOnlyItsAccount() {
    String token = appToken();
    Api integrator = api().withKey(token);
    var created = integrator.post("/v1/webhooks", "{\"url\": \"relay:books-" + System.nanoTime() + "\", \"events\": [\"timer.running\"]}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().get("id").stringValue();
    listen("--url", api().base(), "--token", token, "--forward-to", receiver.url("/app-token"), "--webhook", id);

    api().post("/v1/events", "[{\"type\": \"timer.running\", \"account\": \"acme\", \"data\": {\"n\": 1}},"
        + " {\"type\": \"timer.running\", \"account\": \"globex\", \"data\": {\"n\": 2}},"
        + " {\"type\": \"timer.running\", \"account\": \"acme\", \"data\": {\"n\": 3}}]");
    List<Receiver.Request> got = receiver.await("/app-token", 2, Duration.ofSeconds(15));
    assertThat(got.stream().map(r -> r.json().get("data").get("n").intValue()).toList()).containsExactly(1, 3);
    StandardWebhooks verifier = StandardWebhooks.of(created.json().get("secret").stringValue());
    for (Receiver.Request r : got) {
      verifier.verify(Map.of("webhook-id", r.header("webhook-id"), "webhook-timestamp", r.header("webhook-timestamp"),
          "webhook-signature", r.header("webhook-signature")), r.body());
    }
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> integrator.get("/v1/webhooks/" + id + "/deliveries?status=delivered").json().get("items").size() == 2);
  }

  @Test
  void eachForwardedDeliveryPrintsTimeTypeLocalStatusAndDuration() {
    String token = appToken();
    listen("--url", api().base(), "--token", token, "--forward-to", receiver.url("/shape"), "--events", "timer.*");
    api().post("/v1/events", "{\"type\": \"timer.running\", \"account\": \"acme\"}");
    receiver.await("/shape", 1, Duration.ofSeconds(15));
    Pattern line = Pattern.compile("\\d\\d:\\d\\d:\\d\\d  timer\\.running  -> 204  \\d+ ms");
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> printed().lines().anyMatch(l -> l.contains("-> 204")));
    assertThat(printed().lines().filter(l -> l.contains("-> 204"))).as(printed()).singleElement().matches(l -> line.matcher(l).matches(), line.pattern());
  }
}
