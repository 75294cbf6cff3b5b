package dev.crier.broadcast;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.config.Settings;
import dev.crier.testing.Api;
import dev.crier.testing.Engine;
import dev.crier.testing.Pause;
import dev.crier.testing.RawReceiver;
import dev.crier.testing.Receiver;
import dev.crier.testing.Receiver.Reply;
import dev.crier.testing.TestCrier;
import dev.crier.verify.Broadcasts;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/** Broadcast receivers: coalesced, tiny, signed, exactly as seed 000 shows them (brand Noko). */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class BroadcastsTest {
  static final String TIMER = "https://api.nokotime.com/v2/projects/37396/timer";
  @Parameter Engine engine;
  static TestCrier crier;
  static Api api;
  @AutoClose Receiver receiver = Receiver.start();

  @BeforeParameterizedClassInvocation
  static void start(Engine engine) {
    crier = TestCrier.start(engine, Map.of(Settings.Key.BRAND, "Noko"));
    api = crier.api();
    crier.declare("timer.running", "timer.paused", "timer.stopped", "entry.updated");
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    crier.close();
  }

  private JsonNode createReceiver(String path, double interval) {
    var created =
        api.post(
            "/v1/broadcast-receivers",
            "{\"name\": \"Da Best Timer Sync\", \"url\": \"" + receiver.url(path) + "\", \"subjects\": [\"timer\"], \"interval_seconds\": " + interval + "}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json();
  }

  private static void timerEvent(String type, String url) {
    var r = api.post("/v1/events", "{\"type\": \"" + type + "\", \"subject\": {\"url\": \"" + url + "\"}}");
    assertThat(r.status()).isEqualTo(202);
  }

  @Test
  void aBroadcastIsExactlyTheSeedsRequest() throws Exception {
    JsonNode created = createReceiver("/broadcasts/timer_messages", 1);
    assertThat(created.get("id").isIntegralNumber()).isTrue();
    String secret = created.get("secret").stringValue();
    timerEvent("timer.running", TIMER);

    Receiver.Request request = receiver.await("/broadcasts/timer_messages", 1, Duration.ofSeconds(10)).get(0);
    assertThat(request.header("content-type")).isEqualTo("application/json");
    assertThat(request.header("x-noko-broadcastsubject")).isEqualTo("timer");
    assertThat(request.header("user-agent")).isEqualTo("Noko-Broadcasts");
    assertThat(request.header("x-noko-signature")).isEqualTo(hmacSha256Hex(secret, request.body()));
    Broadcasts.verify(request.body(), request.header("x-noko-signature"), secret);

    JsonNode body = request.json();
    assertThat(body.propertyNames()).containsExactly("broadcast_receiver", "sent_at", "last_event", "subject");
    assertThat(body.get("broadcast_receiver").propertyNames()).containsExactly("id", "name");
    assertThat(body.get("broadcast_receiver").get("id").longValue()).isEqualTo(created.get("id").longValue());
    assertThat(body.get("broadcast_receiver").get("name").stringValue()).isEqualTo("Da Best Timer Sync");
    assertThat(body.get("sent_at").stringValue()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    assertThat(body.get("last_event").stringValue()).isEqualTo("timer.running");
    assertThat(body.get("subject").propertyNames()).containsExactly("type", "url");
    assertThat(body.get("subject").get("type").stringValue()).isEqualTo("timer");
    assertThat(body.get("subject").get("url").stringValue()).isEqualTo(TIMER);
  }

  @Test
  void aThousandUpdatesToOneTimerInAnIntervalMakeOneRequest() {
    createReceiver("/coalesce", 3);
    timerEvent("timer.running", "https://api.example.com/timers/marker");
    receiver.await("/coalesce", 1, Duration.ofSeconds(10)); // just after a tick: a whole interval ahead
    for (int batch = 0; batch < 10; batch++) {
      StringBuilder body = new StringBuilder("[");
      for (int i = 0; i < 100; i++) {
        String type = batch == 9 && i == 99 ? "timer.stopped" : (i % 2 == 0 ? "timer.running" : "timer.paused");
        body.append(i == 0 ? "" : ",").append("{\"type\": \"").append(type).append("\", \"subject\": {\"url\": \"https://api.example.com/timers/1\"}}");
      }
      assertThat(api.post("/v1/events", body.append("]").toString()).status()).isEqualTo(202);
    }
    List<Receiver.Request> all = receiver.await("/coalesce", 2, Duration.ofSeconds(10));
    Pause.millis(3500); // one more interval: nothing else may arrive
    all = receiver.requests("/coalesce");
    assertThat(all).hasSize(2);
    assertThat(all.get(1).json().get("last_event").stringValue()).isEqualTo("timer.stopped");
    assertThat(all.get(1).json().get("subject").get("url").stringValue()).isEqualTo("https://api.example.com/timers/1");
  }

  @Test
  void threeTimersMakeThreeRequests() {
    createReceiver("/three", 1);
    String batch = "[" + String.join(",",
        List.of(1, 2, 3, 1, 2, 3).stream().map(n -> "{\"type\": \"timer.running\", \"subject\": {\"url\": \"https://api.example.com/timers/" + n + "\"}}").toList()) + "]";
    api.post("/v1/events", batch);
    List<Receiver.Request> all = receiver.await("/three", 3, Duration.ofSeconds(10));
    Pause.millis(1500);
    assertThat(receiver.requests("/three")).hasSize(3);
    assertThat(all.stream().map(r -> r.json().get("subject").get("url").stringValue()).distinct()).hasSize(3);
    assertThat(all.stream().map(r -> r.header("x-noko-broadcastsubject")).distinct()).containsExactly("timer");
  }

  @Test
  void otherSubjectsAreNotBroadcast() {
    createReceiver("/only-timers", 1);
    api.post("/v1/events", "{\"type\": \"entry.updated\", \"subject\": {\"url\": \"https://api.example.com/entries/1\"}}");
    timerEvent("timer.running", "https://api.example.com/timers/9");
    Receiver.Request only = receiver.await("/only-timers", 1, Duration.ofSeconds(10)).get(0);
    Pause.millis(1500);
    assertThat(receiver.requests("/only-timers")).hasSize(1);
    assertThat(only.json().get("subject").get("type").stringValue()).isEqualTo("timer");
  }

  @Test
  void aRerolledSecretSignsTheVeryNextBroadcast() {
    JsonNode created = createReceiver("/reroll", 1);
    String old = created.get("secret").stringValue();
    var rerolled = api.post("/v1/broadcast-receivers/" + created.get("id").longValue() + "/reroll-secret", "");
    String fresh = rerolled.json().get("secret").stringValue();
    assertThat(fresh).isNotEqualTo(old);
    assertThat(api.get("/v1/broadcast-receivers/" + created.get("id").longValue()).json().has("secret")).isFalse();
    timerEvent("timer.running", "https://api.example.com/timers/r");
    Receiver.Request request = receiver.await("/reroll", 1, Duration.ofSeconds(10)).get(0);
    assertThat(request.header("x-noko-signature")).isEqualTo(hmacSha256Hex(fresh, request.body())).isNotEqualTo(hmacSha256Hex(old, request.body()));
  }

  @Test
  void aFailedBroadcastIsLoggedAndNeverResent() {
    receiver.respond(r -> Reply.status(500).withBody("nope"));
    JsonNode created = createReceiver("/udp", 1);
    timerEvent("timer.running", "https://api.example.com/timers/u");
    receiver.await("/udp", 1, Duration.ofSeconds(10));
    Pause.millis(2500);
    assertThat(receiver.requests("/udp")).as("no retry").hasSize(1);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
        api.get("/v1/broadcast-receivers/" + created.get("id").longValue() + "/attempts").json().get("items").size() == 1);
    JsonNode attempt = api.get("/v1/broadcast-receivers/" + created.get("id").longValue() + "/attempts").json().get("items").get(0);
    assertThat(attempt.get("response").get("status").intValue()).isEqualTo(500);
    assertThat(attempt.get("error").stringValue()).isEqualTo("HTTP 500");
    assertThat(attempt.get("request").get("body").stringValue()).isEqualTo(receiver.requests("/udp").get(0).text());

    receiver.respond(r -> Reply.status(204));
    timerEvent("timer.paused", "https://api.example.com/timers/u");
    receiver.await("/udp", 2, Duration.ofSeconds(10));
  }

  @Test
  void aSlowBroadcastReceiverDoesNotDelayWebhooks() {
    receiver.respond(r -> r.path().equals("/slow-broadcast") ? Reply.status(204).after(Duration.ofSeconds(6)) : Reply.status(204));
    createReceiver("/slow-broadcast", 1);
    var webhook = api.post("/v1/webhooks", "{\"url\": \"" + receiver.url("/fast-webhook") + "\", \"events\": [\"entry.updated\"]}");
    assertThat(webhook.status()).isEqualTo(201);
    StringBuilder timers = new StringBuilder("[");
    for (int i = 0; i < 50; i++) timers.append(i == 0 ? "" : ",").append("{\"type\": \"timer.running\", \"subject\": {\"url\": \"https://api.example.com/timers/s").append(i).append("\"}}");
    api.post("/v1/events", timers.append("]").toString());
    receiver.await("/slow-broadcast", 1, Duration.ofSeconds(10));
    api.post("/v1/events", "{\"type\": \"entry.updated\", \"subject\": {\"url\": \"https://api.example.com/entries/2\"}}");
    receiver.await("/fast-webhook", 1, Duration.ofSeconds(5));
    assertThat(receiver.maxConcurrent()).as("broadcasts were still hanging when the webhook arrived").isGreaterThan(1);
  }

  @Test
  void pendingSubjectsSurviveARestart() throws Exception {
    // An hour's interval: nothing can be flushed before the restart, so only the database can
    // carry the subject across it.
    JsonNode created = createReceiver("/restart", 3600);
    long id = created.get("id").longValue();
    timerEvent("timer.running", "https://api.example.com/timers/restart");
    assertThat(pendingSubjects(id)).containsExactly("https://api.example.com/timers/restart");

    crier.restart();
    api = crier.api();
    assertThat(receiver.requests("/restart")).isEmpty();
    var sooner = api.send("PATCH", "/v1/broadcast-receivers/" + id, "{\"interval_seconds\": 1}", "application/json");
    assertThat(sooner.status()).as(sooner.body()).isEqualTo(200);
    Receiver.Request request = receiver.await("/restart", 1, Duration.ofSeconds(15)).get(0);
    assertThat(request.json().get("subject").get("url").stringValue()).isEqualTo("https://api.example.com/timers/restart");
    assertThat(request.json().get("last_event").stringValue()).isEqualTo("timer.running");
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> pendingSubjects(id).isEmpty());
  }

  @Test
  void headerNamesAreTheSeedsByteForByte() {
    try (RawReceiver raw = RawReceiver.start()) {
      var created =
          api.post(
              "/v1/broadcast-receivers",
              "{\"name\": \"raw\", \"url\": \"" + raw.url("/broadcasts/timer_messages") + "\", \"subjects\": [\"timer\"], \"interval_seconds\": 1}");
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      timerEvent("timer.running", TIMER);
      RawReceiver.RawRequest request = raw.await("/broadcasts/timer_messages", 1, Duration.ofSeconds(10)).get(0);
      assertThat(request.requestLine()).startsWith("POST /broadcasts/timer_messages ");
      // seed 000: X-Noko-BroadcastSubject, X-Noko-Signature, User-Agent: Noko-Broadcasts
      assertThat(request.nameAsSent("x-noko-broadcastsubject")).isEqualTo("X-Noko-BroadcastSubject");
      assertThat(request.nameAsSent("x-noko-signature")).isEqualTo("X-Noko-Signature");
      assertThat(request.nameAsSent("user-agent")).isEqualTo("User-Agent");
      assertThat(request.nameAsSent("content-type")).isEqualTo("Content-Type");
      assertThat(request.value("User-Agent")).isEqualTo("Noko-Broadcasts");
      assertThat(request.value("X-Noko-BroadcastSubject")).isEqualTo("timer");
      assertThat(request.value("X-Noko-Signature")).isEqualTo(hmacSha256Hex(created.json().get("secret").stringValue(), request.body()));
    }
  }

  @Test
  void theIntervalIsFiveSecondsWhenNotGiven() {
    var created =
        api.post("/v1/broadcast-receivers", "{\"name\": \"default\", \"url\": \"" + receiver.url("/default") + "\", \"subjects\": [\"timer\"]}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().get("interval_seconds").doubleValue()).isEqualTo(5.0);
    assertThat(api.get("/v1/broadcast-receivers/" + created.json().get("id").longValue()).json().get("interval_seconds").doubleValue())
        .isEqualTo(5.0);
  }

  private static List<String> pendingSubjects(long receiver) throws Exception {
    List<String> urls = new ArrayList<>();
    try (Connection c = crier.database().connect();
        PreparedStatement s = c.prepareStatement("SELECT subject_url FROM broadcast_pending WHERE subscription_id = ?")) {
      s.setString(1, Long.toString(receiver));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) urls.add(rs.getString(1));
      }
    }
    return urls;
  }

  @Test
  void theApiManagesReceiversAndRefusesUnknownSubjects() {
    JsonNode created = createReceiver("/api", 5);
    long id = created.get("id").longValue();
    assertThat(created.get("interval_seconds").doubleValue()).isEqualTo(5.0);
    assertThat(api.get("/v1/broadcast-receivers").json().get("items").findValues("id").stream().map(JsonNode::longValue)).contains(id);

    var added = api.post("/v1/broadcast-receivers/" + id + "/add-subjects", "{\"subjects\": [\"entry\", \"timer\"]}");
    assertThat(added.json().get("subjects").toString()).isEqualTo("[\"timer\",\"entry\"]");
    var removed = api.post("/v1/broadcast-receivers/" + id + "/remove-subjects", "{\"subjects\": [\"timer\"]}");
    assertThat(removed.json().get("subjects").toString()).isEqualTo("[\"entry\"]");
    assertThat(api.post("/v1/broadcast-receivers/" + id + "/remove-subjects", "{\"subjects\": [\"entry\"]}").status()).isEqualTo(422);

    var unknown = api.post("/v1/broadcast-receivers/" + id + "/add-subjects", "{\"subjects\": [\"spaceship\"]}");
    assertThat(unknown.status()).isEqualTo(422);
    assertThat(unknown.json().get("errors").get(0).get("field").stringValue()).isEqualTo("subjects[0]");

    var tooFast = api.post("/v1/broadcast-receivers", "{\"name\": \"x\", \"url\": \"https://example.com\", \"subjects\": [\"timer\"], \"interval_seconds\": 0.5}");
    assertThat(tooFast.status()).isEqualTo(422);
    assertThat(tooFast.json().get("errors").get(0).get("field").stringValue()).isEqualTo("interval_seconds");
    var missing = api.post("/v1/broadcast-receivers", "{\"url\": \"ftp://example.com\"}");
    assertThat(missing.status()).isEqualTo(422);
    List<String> fields = new ArrayList<>();
    missing.json().get("errors").forEach(e -> fields.add(e.get("field").stringValue()));
    assertThat(fields).containsExactlyInAnyOrder("name", "url", "subjects");

    var patched = api.send("PATCH", "/v1/broadcast-receivers/" + id, "{\"name\": \"Renamed\", \"interval_seconds\": 2}", "application/json");
    assertThat(patched.json().get("name").stringValue()).isEqualTo("Renamed");
    assertThat(api.post("/v1/broadcast-receivers/" + id + "/disable", "").json().get("status").stringValue()).isEqualTo("disabled");
    assertThat(api.post("/v1/broadcast-receivers/" + id + "/enable", "").json().get("status").stringValue()).isEqualTo("active");
    assertThat(api.delete("/v1/broadcast-receivers/" + id).status()).isEqualTo(204);
    assertThat(api.get("/v1/broadcast-receivers/" + id).status()).isEqualTo(404);
  }

  static String hmacSha256Hex(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
