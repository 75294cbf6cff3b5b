package dev.crier.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.testing.Api;
import dev.crier.testing.Engine;
import dev.crier.testing.Receiver;
import dev.crier.testing.TestCrier;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * Text and numbers a store cannot keep are refused at the door, alike on SQLite and PostgreSQL:
 * a 422 (body) or 400 (query) naming the field, never a 500, and never a neighbour's failure.
 * NUL inside an event's data is the publisher's JSON and is delivered as sent.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class StorableInputTest {
  @Parameter Engine engine;
  static TestCrier crier;
  static Api api;
  @AutoClose Receiver receiver = Receiver.start();

  @BeforeParameterizedClassInvocation
  static void start(Engine engine) {
    crier = TestCrier.start(engine);
    api = crier.api();
    crier.declare("client.create");
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    crier.close();
  }

  private static void assertRefused(Api.Response answer, int status, String field) {
    assertThat(answer.status()).as(answer.body()).isEqualTo(status);
    assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
    assertThat(answer.json().get("errors").findValuesAsString("field")).as(answer.body()).contains(field);
  }

  @Test
  void aNulInAnEventsTextFieldIsRefusedWithoutFailingEventsPublishedBesideIt() throws Exception {
    String bad = "{\"type\": \"client.create\", \"account\": \"acme\\u0000\", \"subject\": {\"id\": \"7\\u0000\"}}";
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Api.Response>> good = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        String event = "{\"type\": \"client.create\", \"account\": \"acme\", \"data\": {\"n\": " + i + "}}";
        good.add(pool.submit(() -> { go.await(); return api.post("/v1/events", event); }));
      }
      Future<Api.Response> refused = pool.submit(() -> { go.await(); return api.post("/v1/events", bad); });
      go.countDown();
      assertRefused(refused.get(), 422, "account");
      assertThat(refused.get().json().get("errors").findValuesAsString("field")).contains("subject.id");
      for (Future<Api.Response> answer : good) assertThat(answer.get().status()).as(answer.get().body()).isEqualTo(202);
    }
  }

  @Test
  void aLoneSurrogateIsRefusedWhereverItIsEvenInDataOrAKey() {
    assertRefused(api.post("/v1/events", "{\"type\": \"client.create\", \"data\": {\"x\": \"a\\ud800b\"}}"), 422, "data.x");
    assertRefused(api.post("/v1/events", "[{\"type\": \"client.create\"}, {\"type\": \"client.create\", \"data\": {\"y\": [\"\\udc00\"]}}]"), 422, "[1].data.y[0]");
    // in a key, the JSON parser itself refuses it, saying where
    var key = api.post("/v1/events", "{\"type\": \"client.create\", \"data\": {\"\\udc00\": 1}}");
    assertThat(key.status()).isEqualTo(400);
    assertThat(key.json().get("detail").stringValue()).contains("column").contains("surrogate");
    assertRefused(api.put("/v1/event-types/client.create", "{\"description\": \"\\ud800\"}"), 422, "description");
    assertThat(api.get("/v1/events?limit=1000").body()).doesNotContain("a?b");
  }

  @Test
  void aNulInsideDataIsDeliveredAsTheEscapeThePublisherSent() {
    var webhook = api.post("/v1/webhooks", "{\"url\": \"" + receiver.url("/nul") + "\", \"events\": [\"client.create\"]}");
    assertThat(webhook.status()).as(webhook.body()).isEqualTo(201);
    var published = api.post("/v1/events", "{\"type\": \"client.create\", \"data\": {\"note\": \"a\\u0000b\", \"k\\u0000\": [\"\\u0000\"]}}");
    assertThat(published.status()).as(published.body()).isEqualTo(202);
    String id = published.json().get("id").stringValue();
    JsonNode stored = api.get("/v1/events/" + id).json().get("data");
    assertThat(stored.get("note").stringValue()).isEqualTo("a\u0000b");
    assertThat(stored.get("k\u0000").get(0).stringValue()).isEqualTo("\u0000");
    var delivered =
        receiver.await("/nul", 1, Duration.ofSeconds(30)).stream()
            .map(r -> new String(r.body(), StandardCharsets.UTF_8))
            .filter(body -> body.contains(id))
            .findFirst()
            .orElseThrow();
    assertThat(delivered).contains("\"note\":\"a\\u0000b\"").contains("\"k\\u0000\":[\"\\u0000\"]");
    api.delete("/v1/webhooks/" + webhook.json().get("id").stringValue());
  }

  @Test
  void aNulInAQueryParameterIsRefusedNamingIt() {
    assertRefused(api.get("/v1/events?type=client%00.create"), 400, "type");
    assertRefused(api.get("/v1/deliveries?subscription=wh_%00"), 400, "subscription");
    assertRefused(api.get("/v1/deliveries?event_type=%00"), 400, "event_type");
    assertRefused(api.get("/v1/stats?subscription=%00"), 400, "subscription");
  }

  @Test
  void timestampsOutsideYearsOneToNineThousandNineHundredNinetyNineAreRefused() {
    for (String time : List.of("+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z", "+10000-01-01T00:00:00Z")) {
      assertRefused(api.post("/v1/events", "{\"type\": \"client.create\", \"occurred_at\": \"" + time + "\"}"), 422, "occurred_at");
      String query = time.replace("+", "%2B");
      assertRefused(api.get("/v1/deliveries?since=" + query), 400, "since");
      assertRefused(api.get("/v1/deliveries?until=" + query), 400, "until");
    }
    String app = api.post("/v1/apps", "{\"name\": \"a\", \"url\": \"https://app.example\"}").json().get("id").stringValue();
    assertRefused(
        api.post("/v1/apps/" + app + "/tokens", "{\"account\": \"a\", \"scope\": \"clients\", \"expires_at\": \"+999999999-12-31T23:59:59Z\"}"),
        422,
        "expires_at");
    assertThat(api.post("/v1/events", "{\"type\": \"client.create\", \"occurred_at\": \"9999-12-31T23:59:59Z\"}").status()).isEqualTo(202);
  }

  @Test
  void numbersBeyondTheirDocumentedRangeAreRefusedNamingTheField() {
    String url = receiver.url("/numbers");
    String[][] cases = {
      {"max_in_flight", "9223372036854775808"}, {"max_in_flight", "4294967297"}, {"max_in_flight", "-1"},
      {"timeout_seconds", "1e400"}, {"timeout_seconds", "-1e400"}, {"timeout_seconds", "18446744073709551616"},
    };
    for (String[] c : cases) {
      var answer = api.post("/v1/webhooks", "{\"url\": \"" + url + "\", \"events\": [\"client.create\"], \"" + c[0] + "\": " + c[1] + "}");
      assertRefused(answer, 422, c[0]);
    }
    var schedule = api.post("/v1/webhooks", "{\"url\": \"" + url + "\", \"events\": [\"client.create\"], \"retry_schedule\": [1" + "0".repeat(400) + "]}");
    assertRefused(schedule, 422, "retry_schedule[0]");
    for (String seconds : List.of("1e400", "9223372036854775808", "0.5", "-1")) {
      var broadcast = api.post("/v1/broadcast-receivers", "{\"url\": \"" + url + "\", \"subjects\": [\"client\"], \"interval_seconds\": " + seconds + "}");
      assertRefused(broadcast, 422, "interval_seconds");
    }
    assertRefused(api.get("/v1/events?limit=9223372036854775808"), 400, "limit");
    assertRefused(api.get("/v1/events?after=9223372036854775808"), 400, "after");
  }
}
