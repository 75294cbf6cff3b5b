package dev.crier.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.crier.config.Settings;
import dev.crier.testing.Api;
import dev.crier.testing.Engine;
import dev.crier.testing.Receiver;
import dev.crier.testing.Receiver.Reply;
import dev.crier.testing.TestCrier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/** Watches: Noah's requests and answers word for word (seed 003), its rules, and delivery by path. */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class WatchesTest {
  /** What {@code curl -d} declares, though the seed's bodies are JSON. */
  static final String CURL_FORM = "application/x-www-form-urlencoded";
  static final String NOAH_TIME = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC";
  static final Duration WAIT = Duration.ofSeconds(15);

  @Parameter Engine engine;
  static TestCrier crier;
  static Api api;
  Receiver receiver;

  @BeforeParameterizedClassInvocation
  static void start(Engine engine) {
    crier = TestCrier.start(engine, Map.of(Settings.Key.WATCH_ALIASES, "noah"));
    api = crier.api();
    crier.declare(
        "application.create", "application.update", "application.delete", "application.created",
        "application.deleted", "application.renamed", "host.update");
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    crier.close();
  }

  @BeforeEach
  void receiver() {
    receiver = Receiver.start();
  }

  @AfterEach
  void closeReceiver() {
    receiver.close();
  }

  // --- the seed's requests, verbatim ---

  @Test
  void theSeedsWRequestGetsTheSeedsAnswer() {
    var r = api.send("PUT", "/w/", "{\"pattern\":\"//noah/application\",\"endpoint\":\"http://localhost:3001/webhook\"}", CURL_FORM);

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode w = r.json();
    assertThat(w.propertyNames())
        .containsExactly("action", "result", "id", "pattern", "name", "endpoint", "created_at", "updated_at");
    assertThat(w.get("action").stringValue()).isEqualTo("create");
    assertThat(w.get("result").stringValue()).isEqualTo("success");
    assertThat(w.get("id").isString()).isTrue();
    assertThat(w.get("id").stringValue()).matches("\\d+");
    assertThat(w.get("pattern").stringValue()).isEqualTo("//noah/application");
    assertThat(w.get("name").stringValue()).isEqualTo("Ly9ub2FoL2FwcGxpY2F0aW9ufGh0dHA6Ly9sb2NhbGhvc3Q6MzAwMS93ZWJob29r");
    assertThat(w.get("endpoint").stringValue()).isEqualTo("http://localhost:3001/webhook");
    assertThat(w.get("created_at").stringValue()).matches(NOAH_TIME);
    assertThat(w.get("updated_at").stringValue()).matches(NOAH_TIME);

    JsonNode fetched = api.get("/v1/watches/" + w.get("id").stringValue()).json();
    assertThat(fetched.get("name").stringValue()).isEqualTo(w.get("name").stringValue());
    assertThat(fetched.has("secret")).isFalse();
  }

  @Test
  void theSeedsWatchRouteAnswersTheSeedsName() {
    var r = api.send("PUT", "/a/my_sexy_application/watch", "{\"endpoint\":\"http://localhost:3000/webhook\"}", CURL_FORM);

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("\"Ly9ub2FoL2FwcGxpY2F0aW9uL215X3NleHlfYXBwbGljYXRpb258aHR0cDovL2xvY2FsaG9zdDozMDAwL3dlYmhvb2s=\"");
    JsonNode watch = api.get("/v1/watches/" + r.json().stringValue()).json();
    assertThat(watch.get("pattern").stringValue()).isEqualTo("//noah/application/my_sexy_application");
    assertThat(watch.get("endpoint").stringValue()).isEqualTo("http://localhost:3000/webhook");
  }

  @Test
  void aPathWithoutAnAliasIsWatchedAsItIs() {
    var r = api.send("PUT", "/projects/37396/timer/watch", "{\"endpoint\":\"https://example.com/plain\"}", CURL_FORM);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(api.get("/v1/watches/" + r.json().stringValue()).json().get("pattern").stringValue())
        .isEqualTo("/projects/37396/timer");
    var all = api.send("PUT", "/h/watch", "{\"endpoint\":\"https://example.com/hosts\"}", "application/json");
    assertThat(api.get("/v1/watches/" + all.json().stringValue()).json().get("pattern").stringValue())
        .as("the alias alone watches its whole root")
        .isEqualTo("//noah/host");
  }

  // --- Noah's rules ---

  @Test
  void theRulesAnswerInNoahsWords() {
    String endpoint = "https://example.com/rules";
    assertThat(noahPut("//noah/service/web", endpoint).status()).isEqualTo(200);

    var duplicate = noahPut("//noah/service/web", endpoint);
    assertThat(duplicate.status()).isEqualTo(409);
    assertThat(duplicate.body()).isEqualTo("{\"result\":\"failure\",\"error_message\":\"Record already exists\"}");
    assertThat(noahPut("//noah/service/web/", endpoint).body()).as("a trailing slash is the same pattern")
        .isEqualTo("{\"result\":\"failure\",\"error_message\":\"Record already exists\"}");

    var superset = noahPut("//noah/service", endpoint);
    assertThat(superset.status()).isEqualTo(409);
    assertThat(superset.body()).isEqualTo("{\"result\":\"failure\",\"error_message\":\"Pattern would overwrite existing\"}");

    var subset = noahPut("//noah/service/web/frontend", endpoint);
    assertThat(subset.status()).isEqualTo(409);
    assertThat(subset.body()).isEqualTo("{\"result\":\"failure\",\"error_message\":\"Pattern is already provided\"}");

    assertThat(noahPut("//noah/service/webby", endpoint).status()).as("a sibling is not below it").isEqualTo(200);

    var viaV1 = api.post("/v1/watches", "{\"pattern\": \"//noah/service\", \"endpoint\": \"" + endpoint + "\"}");
    assertThat(viaV1.status()).isEqualTo(409);
    assertThat(viaV1.header("Content-Type")).startsWith("application/problem+json");
    assertThat(viaV1.json().get("detail").stringValue()).isEqualTo("Pattern would overwrite existing");
    var watchRoute = api.send("PUT", "/s/web/frontend/watch", "{\"endpoint\":\"" + endpoint + "\"}", CURL_FORM);
    assertThat(watchRoute.status()).isEqualTo(409);
    assertThat(watchRoute.json().get("error_message").stringValue()).isEqualTo("Pattern is already provided");
  }

  @Test
  void otherEndpointsOverlapFreely() {
    assertThat(noahPut("//noah/configuration", "https://example.com/one").status()).isEqualTo(200);
    assertThat(noahPut("//noah/configuration/db", "https://example.com/two").status()).isEqualTo(200);
    assertThat(noahPut("//noah/configuration", "https://example.com/three").status()).isEqualTo(200);
    assertThat(noahPut("//noah/configuration/db", "https://example.com/one/").status())
        .as("another URL is another endpoint").isEqualTo(200);
  }

  @Test
  void ofManyOverlappingWatchesCreatedAtOnceForOneEndpointExactlyOneWins() throws Exception {
    int threads = 16;
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      for (int round = 0; round < 5; round++) {
        String endpoint = "https://example.com/race-" + round;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Api.Response>> answers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          String pattern = "/race" + "/deeper".repeat(i % 4); // nested, and each one four times
          String body = "{\"pattern\": \"" + pattern + "\", \"endpoint\": \"" + endpoint + "\"}";
          answers.add(pool.submit(() -> {
            go.await();
            return api.post("/v1/watches", body);
          }));
        }
        go.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (var answer : answers) statuses.add(answer.get().status());
        assertThat(statuses).as("round " + round).filteredOn(s -> s == 201).hasSize(1);
        assertThat(statuses).as("round " + round).filteredOn(s -> s == 409).hasSize(threads - 1);
        List<JsonNode> kept = new ArrayList<>();
        api.get("/v1/watches").json().get("items").forEach(w -> {
          if (w.get("endpoint").stringValue().equals(endpoint)) kept.add(w);
        });
        assertThat(kept).as("round " + round).hasSize(1);
      }
    }
  }

  @Test
  void watchesCannotBeUpdated() {
    String id = create("/immutable", "https://example.com/immutable").get("id").stringValue();
    for (String method : List.of("PUT", "PATCH")) {
      var r = api.send(method, "/v1/watches/" + id, "{\"pattern\": \"/other\"}", "application/json");
      assertThat(r.status()).isEqualTo(405);
      assertThat(r.header("Content-Type")).startsWith("application/problem+json");
      assertThat(r.json().get("detail").stringValue()).contains("cannot be updated");
    }
    assertThat(api.get("/v1/watches/" + id).json().get("pattern").stringValue()).isEqualTo("/immutable");
  }

  // --- the Crier API ---

  @Test
  void v1CreateShowsTheSecretOnceAndBadInputNamesTheField() {
    JsonNode w = create("/crier/style", "https://example.com/crier-style");
    assertThat(w.propertyNames())
        .containsExactly("id", "name", "pattern", "endpoint", "secret", "status", "created_at", "updated_at");
    assertThat(w.get("secret").stringValue()).startsWith("whsec_");
    assertThat(w.get("status").stringValue()).isEqualTo("active");
    assertThat(api.get("/v1/watches").json().get("items").findValuesAsString("id")).contains(w.get("id").stringValue());

    var bad = api.post("/v1/watches", "{\"pattern\": \"no/slash\", \"endpoint\": \"ftp://example.com\", \"colour\": 1}");
    assertThat(bad.status()).isEqualTo(422);
    assertThat(fields(bad.json())).containsExactly("colour");
    var semantic = api.post("/v1/watches", "{\"pattern\": \"no/slash\", \"endpoint\": \"ftp://example.com\"}");
    assertThat(semantic.status()).isEqualTo(422);
    assertThat(fields(semantic.json())).containsExactlyInAnyOrder("pattern", "endpoint");
    assertThat(fields(api.post("/v1/watches", "{}").json())).containsExactlyInAnyOrder("pattern", "endpoint");
    assertThat(api.send("POST", "/v1/watches", "{}", CURL_FORM).status()).as("/v1 stays strict").isEqualTo(415);

    var missing = api.send("PUT", "/w/", "{\"pattern\":\"//noah/x\"}", CURL_FORM);
    assertThat(missing.status()).isEqualTo(422);
    assertThat(missing.body()).isEqualTo("{\"result\":\"failure\",\"error_message\":\"Endpoint attribute missing\"}");
  }

  @Test
  void noahsRoutesNeedTheKeyToo() {
    Api anonymous = api.withKey(null);
    assertThat(anonymous.send("PUT", "/w/", "{\"pattern\":\"/k\",\"endpoint\":\"https://example.com/k\"}", CURL_FORM).status()).isEqualTo(401);
    assertThat(anonymous.send("DELETE", "/w/", "{\"pattern\":\"/k\",\"endpoint\":\"https://example.com/k\"}", CURL_FORM).status()).isEqualTo(401);
    assertThat(anonymous.send("PUT", "/w", "{\"pattern\":\"/k\",\"endpoint\":\"https://example.com/k\"}", CURL_FORM).status()).isEqualTo(401);
    assertThat(anonymous.send("PUT", "/a/k/watch", "{\"endpoint\":\"https://example.com/k\"}", CURL_FORM).status()).isEqualTo(401);
    assertThat(anonymous.send("PUT", "/projects/1/watch", "{\"endpoint\":\"https://example.com/k\"}", CURL_FORM).status()).isEqualTo(401);
    assertThat(api.get("/v1/watches").json().get("items").findValuesAsString("endpoint")).doesNotContain("https://example.com/k");
  }

  @Test
  void deleteByIdByNameAndThroughW() {
    String byId = create("/gone/by-id", "https://example.com/delete").get("id").stringValue();
    assertThat(api.delete("/v1/watches/" + byId).status()).isEqualTo(204);
    assertThat(api.get("/v1/watches/" + byId).status()).isEqualTo(404);

    // this name holds a '/', so it is also accepted URL-safe
    JsonNode named = create("/n/h?", "http://127.0.0.1:1/y?a=1");
    String name = named.get("name").stringValue();
    assertThat(name).contains("/");
    String urlSafe = name.replace('/', '_').replace('+', '-');
    assertThat(api.get("/v1/watches/" + urlSafe).json().get("id").stringValue()).isEqualTo(named.get("id").stringValue());
    assertThat(api.delete("/v1/watches/" + urlSafe).status()).isEqualTo(204);
    JsonNode plus = create("/n/~~~", "http://127.0.0.1:1/x");
    assertThat(plus.get("name").stringValue()).contains("+");
    assertThat(api.get("/v1/watches/" + plus.get("name").stringValue()).json().get("id").stringValue())
        .isEqualTo(plus.get("id").stringValue());
    assertThat(api.delete("/v1/watches/" + plus.get("name").stringValue().replace('+', '-')).status()).isEqualTo(204);
    JsonNode byName = create("/gone/by-name", "https://example.com/delete");
    assertThat(api.delete("/v1/watches/" + byName.get("name").stringValue()).status()).isEqualTo(204);
    assertThat(api.get("/v1/watches/" + byName.get("id").stringValue()).status()).isEqualTo(404);

    JsonNode viaW = create("/gone/via-w", "https://example.com/delete");
    String body = "{\"pattern\":\"/gone/via-w\",\"endpoint\":\"https://example.com/delete\"}";
    var deleted = api.send("DELETE", "/w/", body, CURL_FORM);
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.json().propertyNames())
        .containsExactly("result", "action", "id", "pattern", "name", "endpoint", "created_at", "updated_at");
    assertThat(deleted.json().get("action").stringValue()).isEqualTo("delete");
    assertThat(deleted.json().get("id").stringValue()).isEqualTo(viaW.get("id").stringValue());
    assertThat(api.get("/v1/watches/" + viaW.get("id").stringValue()).status()).isEqualTo(404);
    var again = api.send("DELETE", "/w/", body, CURL_FORM);
    assertThat(again.status()).isEqualTo(404);
    assertThat(again.body()).isEqualTo("{\"result\":\"failure\",\"error_message\":\"Resource not found\"}");
    assertThat(noahPut("/gone/via-w", "https://example.com/delete").status()).as("the rules forget a deleted watch").isEqualTo(200);
  }

  // --- delivery ---

  @Test
  void aPatternHearsItsPathAndWhatLiesBelowSegmentBySegment() {
    create("/m/app", receiver.url("/match"));
    for (String path : List.of("/m/app", "/m/application2", "/m/app/one", "/m/ap", "/m", "/m/app/one/two", "/x/m/app")) {
      publish("application.update", path, "{\"at\": \"" + path + "\"}");
    }
    publish("application.update", null, "{\"at\": \"nowhere\"}");
    publish("application.update", "/m/app/last", "{\"at\": \"/m/app/last\"}");

    receiver.await("/match", 4, WAIT);
    sleep(300);
    assertThat(receiver.requests("/match").stream().map(r -> r.json().get("path").stringValue()))
        .containsExactly("/m/app", "/m/app/one", "/m/app/one/two", "/m/app/last");
  }

  @Test
  void aWatchIsToldInOrderEvenAcrossARetry() {
    AtomicBoolean failedOnce = new AtomicBoolean();
    receiver.respond(r -> r.json().get("data").get("n").intValue() == 3 && failedOnce.compareAndSet(false, true)
        ? Reply.status(503).withHeader("Retry-After", "1")
        : Reply.status(204));
    create("/o/stream", receiver.url("/ordered"));
    StringBuilder batch = new StringBuilder("[");
    for (int n = 0; n < 20; n++) {
      batch.append(n == 0 ? "" : ",").append("{\"type\": \"application.update\", \"subject\": {\"path\": \"/o/stream/item")
          .append(n % 3).append("\"}, \"data\": {\"n\": ").append(n).append("}}");
    }
    assertThat(api.post("/v1/events", batch.append("]").toString()).status()).isEqualTo(202);

    List<Receiver.Request> got = Receiver.withoutRepeats(receiver.await("/ordered", 21, WAIT));
    assertThat(got.stream().map(r -> r.json().get("data").get("n").intValue()))
        .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 20).boxed().toList());
    assertThat(receiver.requests("/ordered")).hasSize(21);
  }

  @Test
  void thePayloadIsNoahsShapeSignedAsStandardWebhooks() throws Exception {
    JsonNode watch = create("//noah/application/payload_app", receiver.url("/payload"));
    var r = api.post("/v1/events", "{\"type\": \"application.update\", \"subject\": {\"type\": \"application\", \"id\": \"42\","
        + " \"path\": \"//noah/application/payload_app\"}, \"data\": {\"name\": \"payload_app\", \"tags\": [1, 2]},"
        + " \"occurred_at\": \"2011-03-15T11:17:52Z\"}");
    assertThat(r.status()).isEqualTo(202);

    Receiver.Request request = receiver.await("/payload", 1, WAIT).get(0);
    JsonNode body = request.json();
    assertThat(body.propertyNames()).containsExactly("action", "path", "type", "id", "timestamp", "data");
    assertThat(body.get("action").stringValue()).isEqualTo("update");
    assertThat(body.get("path").stringValue()).isEqualTo("//noah/application/payload_app");
    assertThat(body.get("type").stringValue()).isEqualTo("application");
    assertThat(body.get("id").stringValue()).isEqualTo("42");
    assertThat(body.get("timestamp").stringValue()).isEqualTo("2011-03-15T11:17:52Z");
    assertThat(body.get("data").toString()).isEqualTo("{\"name\":\"payload_app\",\"tags\":[1,2]}");

    assertThat(request.header("content-type")).isEqualTo("application/json");
    assertThat(request.header("x-crier-event")).isEqualTo("application.update");
    assertThat(request.header("user-agent")).startsWith("Crier-Webhooks/");
    assertThat(request.header("webhook-id")).startsWith("msg_" + watch.get("id").stringValue() + "-");
    Map<String, List<String>> headers = new LinkedHashMap<>();
    request.headers().forEach((k, v) -> headers.put(k, List.of(v)));
    String secret = watch.get("secret").stringValue();
    assertThatCode(() -> new com.standardwebhooks.Webhook(secret).verify(request.text(), headers))
        .as("the Standard Webhooks reference library accepts it")
        .doesNotThrowAnyException();
  }

  @Test
  void theActionComesFromTheEventTypesLastWord() {
    create("/act", receiver.url("/actions"));
    for (String type : List.of("application.create", "application.created", "application.update", "application.deleted", "application.renamed", "application.delete")) {
      publish(type, "/act/thing", "{}");
    }
    List<Receiver.Request> got = receiver.await("/actions", 6, WAIT);
    assertThat(got.stream().map(req -> req.json().get("action").stringValue()))
        .containsExactly("create", "create", "update", "delete", "update", "delete");
  }

  @Test
  void aDeletedSubjectStillNotifiesAndTheWatchStays() {
    String id = create("//noah/host/doomed", receiver.url("/deleted")).get("id").stringValue();
    publish("application.delete", "//noah/host/doomed", "{\"name\": \"doomed\"}");
    Receiver.Request notice = receiver.await("/deleted", 1, WAIT).get(0);
    assertThat(notice.json().get("action").stringValue()).isEqualTo("delete");

    assertThat(api.get("/v1/watches/" + id).status()).isEqualTo(200);
    publish("host.update", "//noah/host/doomed", "{\"name\": \"doomed\", \"back\": true}");
    assertThat(receiver.await("/deleted", 2, WAIT).get(1).json().get("action").stringValue()).isEqualTo("update");
  }

  @Test
  void aDeletedWatchHearsNothingMore() {
    String id = create("/quiet", receiver.url("/quiet")).get("id").stringValue();
    publish("application.update", "/quiet/1", "{}");
    receiver.await("/quiet", 1, WAIT);
    assertThat(api.delete("/v1/watches/" + id).status()).isEqualTo(204);
    publish("application.update", "/quiet/2", "{}");
    sleep(500);
    assertThat(receiver.requests("/quiet")).hasSize(1);
  }

  // --- helpers ---

  private static Api.Response noahPut(String pattern, String endpoint) {
    return api.send("PUT", "/w/", "{\"pattern\":\"" + pattern + "\",\"endpoint\":\"" + endpoint + "\"}", CURL_FORM);
  }

  private static JsonNode create(String pattern, String endpoint) {
    var r = api.post("/v1/watches", "{\"pattern\": \"" + pattern + "\", \"endpoint\": \"" + endpoint + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  private static void publish(String type, String path, String data) {
    String subject = path == null ? "" : ", \"subject\": {\"path\": \"" + path + "\"}";
    var r = api.post("/v1/events", "{\"type\": \"" + type + "\"" + subject + ", \"data\": " + data + "}");
    assertThat(r.status()).as(r.body()).isEqualTo(202);
  }

  private static List<String> fields(JsonNode problem) {
    List<String> fields = new ArrayList<>();
    problem.get("errors").forEach(e -> fields.add(e.get("field").stringValue()));
    return fields;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
