package dev.crier.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.testing.Api;
import dev.crier.testing.AppToken;
import dev.crier.testing.Engine;
import dev.crier.testing.Receiver;
import dev.crier.testing.Receiver.Reply;
import dev.crier.testing.TestCrier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

/**
 * {@code GET /v1/stats}: outcomes per bucket and latency percentiles, aggregated by the database,
 * for one subscription or all the caller sees, over the last hour or day.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class StatsApiTest {
  @Parameter Engine engine;
  static TestCrier crier;
  static Api api;
  @AutoClose Receiver receiver = Receiver.start();

  @BeforeParameterizedClassInvocation
  static void start(Engine engine) {
    crier = TestCrier.start(engine);
    api = crier.api();
    crier.declare("entry.updated");
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    crier.close();
  }

  private String webhook(Api caller, String path, String events, String schedule) {
    var created = caller.post("/v1/webhooks",
        "{\"url\": \"" + receiver.url(path) + "\", \"events\": [\"" + events + "\"], \"retry_schedule\": " + schedule + "}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("id").stringValue();
  }

  private static void publish(String id, String account) {
    var published = api.post("/v1/events", "{\"id\": \"" + id + "\", \"type\": \"entry.updated\", \"account\": \"" + account + "\"}");
    assertThat(published.status()).as(published.body()).isEqualTo(202);
  }

  private static List<JsonNode> deliveries(String webhookId) {
    List<JsonNode> out = new ArrayList<>();
    api.get("/v1/webhooks/" + webhookId + "/deliveries?limit=500").json().get("items").forEach(out::add);
    return out;
  }

  /** The value at rank ceil(p × n / 100) of the sorted latencies: what the endpoint promises. */
  private static int nearestRank(List<Integer> values, int p) {
    List<Integer> sorted = values.stream().sorted().toList();
    return sorted.get((p * sorted.size() + 99) / 100 - 1);
  }

  private static JsonNode stats(String query) {
    var response = api.get("/v1/stats" + query);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.json();
  }

  private static long sum(JsonNode buckets, String field) {
    long total = 0;
    for (JsonNode b : buckets) total += b.get(field).longValue();
    return total;
  }

  @Test
  void countsOneSubscriptionsOutcomesPerMinuteWithNearestRankLatencyPercentiles() {
    receiver.respond(r -> Reply.status(204));
    String id = webhook(api, "/ok", "entry.updated", "[\"10s\"]");
    for (int i = 0; i < 7; i++) publish("stats-ok-" + id + "-" + i, "acme");
    Awaitility.await().atMost(Duration.ofSeconds(20))
        .until(() -> deliveries(id).stream().allMatch(d -> d.get("status").stringValue().equals("delivered")) && deliveries(id).size() == 7);

    JsonNode hour = stats("?subscription=" + id + "&window=1h");
    assertThat(hour.get("subscription").stringValue()).isEqualTo(id);
    assertThat(hour.get("bucket_seconds").intValue()).isEqualTo(60);
    assertThat(hour.get("buckets")).hasSize(60);
    Instant from = Instant.parse(hour.get("from").stringValue());
    Instant to = Instant.parse(hour.get("to").stringValue());
    assertThat(Duration.between(from, to)).isEqualTo(Duration.ofHours(1));
    assertThat(to.toEpochMilli() % 60_000).isZero();
    assertThat(Instant.parse(hour.get("buckets").get(59).get("start").stringValue())).isEqualTo(to.minusSeconds(60));
    JsonNode totals = hour.get("totals");
    assertThat(totals.get("delivered").longValue()).isEqualTo(7);
    assertThat(totals.get("failed").longValue() + totals.get("retrying").longValue() + totals.get("filtered").longValue()).isZero();
    assertThat(sum(hour.get("buckets"), "delivered")).isEqualTo(7);

    List<Integer> latencies = deliveries(id).stream().map(d -> d.get("last_duration_ms").intValue()).toList();
    assertThat(totals.get("p50_ms").intValue()).isEqualTo(nearestRank(latencies, 50));
    assertThat(totals.get("p95_ms").intValue()).isEqualTo(nearestRank(latencies, 95));
    for (JsonNode b : hour.get("buckets")) {
      if (b.get("delivered").longValue() == 0) assertThat(b.get("p50_ms").isNull()).isTrue();
      else assertThat(b.get("p50_ms").intValue()).isLessThanOrEqualTo(b.get("p95_ms").intValue());
    }

    JsonNode day = stats("?subscription=" + id + "&window=24h");
    assertThat(day.get("bucket_seconds").intValue()).isEqualTo(900);
    assertThat(day.get("buckets")).hasSize(96);
    assertThat(sum(day.get("buckets"), "delivered")).isEqualTo(7);
    assertThat(day.get("totals").get("p95_ms").intValue()).isEqualTo(nearestRank(latencies, 95));
    api.delete("/v1/webhooks/" + id);
  }

  @Test
  void tellsFailedFromRetryingAndCountsEverySubscriptionTheAdminSees() {
    receiver.respond(r -> Reply.status(500));
    String halting = webhook(api, "/halting", "entry.updated", "[]");
    String retrying = webhook(api, "/retrying", "entry.updated", "[\"1h\"]");
    publish("stats-fail-" + halting, "acme");
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
        api.get("/v1/webhooks/" + halting).json().get("status").stringValue().equals("halted")
            && deliveries(retrying).get(0).get("attempt_count").intValue() == 1);

    assertThat(stats("?subscription=" + halting).get("totals").get("failed").longValue()).isEqualTo(1);
    assertThat(stats("?subscription=" + retrying).get("totals").get("retrying").longValue()).isEqualTo(1);
    JsonNode all = stats("");
    assertThat(all.get("subscription").isNull()).isTrue();
    assertThat(all.get("window").stringValue()).isEqualTo("1h");
    Map<String, JsonNode> bySubscription = new java.util.HashMap<>();
    all.get("subscriptions").forEach(s -> bySubscription.put(s.get("id").stringValue(), s));
    assertThat(bySubscription.get(halting).get("failed").longValue()).isEqualTo(1);
    assertThat(bySubscription.get(retrying).get("retrying").longValue()).isEqualTo(1);
    assertThat(all.get("totals").get("failed").longValue()).isGreaterThanOrEqualTo(1);
    api.delete("/v1/webhooks/" + halting);
    api.delete("/v1/webhooks/" + retrying);
  }

  @Test
  void badParametersAre400NamingTheParameterAndAnUnknownSubscriptionIs404() {
    var window = api.get("/v1/stats?window=7d");
    assertThat(window.status()).isEqualTo(400);
    assertThat(window.header("Content-Type")).startsWith("application/problem+json");
    assertThat(window.json().get("errors").get(0).get("field").stringValue()).isEqualTo("window");
    assertThat(window.json().get("errors").get(0).get("message").stringValue()).contains("1h, 24h").contains("7d");

    var unknown = api.get("/v1/stats?subscripton=wh_x&window=1h");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().get("errors").get(0).get("field").stringValue()).isEqualTo("subscripton");

    var missing = api.get("/v1/stats?subscription=wh_nothing");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().get("detail").stringValue()).contains("wh_nothing");
    assertThat(api.withKey(null).get("/v1/stats").status()).isEqualTo(401);
  }

  @Test
  void anAppTokenSeesOnlyItsOwnSubscriptionsAndAnotherOnesIdIs404() {
    receiver.respond(r -> Reply.status(204));
    AppToken token = AppToken.issue(api, "Books", receiver.url("/app"), "acme", "entries");
    Api books = token.api();
    String own = webhook(books, "/app/own", "entry.updated", "[\"10s\"]");
    String admins = webhook(api, "/admins", "entry.updated", "[\"10s\"]");
    publish("stats-token-" + own, "acme");
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
        deliveries(own).size() == 1 && deliveries(own).get(0).get("status").stringValue().equals("delivered")
            && deliveries(admins).size() == 1 && deliveries(admins).get(0).get("status").stringValue().equals("delivered"));

    JsonNode mine = books.get("/v1/stats").json();
    assertThat(mine.get("subscriptions").findValuesAsString("id")).containsExactly(own);
    assertThat(mine.get("totals").get("delivered").longValue()).isEqualTo(1);
    assertThat(books.get("/v1/stats?subscription=" + own).status()).isEqualTo(200);
    var others = books.get("/v1/stats?subscription=" + admins);
    assertThat(others.status()).isEqualTo(404);
    assertThat(others.body()).isEqualTo(books.get("/v1/stats?subscription=wh_never").body().replace("wh_never", admins));
    assertThat(stats("?subscription=" + own).get("totals").get("delivered").longValue()).isEqualTo(1);
    api.delete("/v1/webhooks/" + admins);
    api.delete("/v1/webhooks/" + own);
  }
}
