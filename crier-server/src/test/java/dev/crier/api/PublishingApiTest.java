package dev.crier.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.testing.Api;
import dev.crier.testing.Engine;
import dev.crier.testing.TestCrier;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class PublishingApiTest {
  @Parameter Engine engine;
  static TestCrier crier;
  static Api api;

  @BeforeParameterizedClassInvocation
  static void start(Engine engine) {
    crier = TestCrier.start(engine);
    api = crier.api();
    for (String type : List.of("timer.running", "timer.stopped", "client.create", "page.viewed")) {
      assertThat(api.put("/v1/event-types/" + type, "{\"description\":\"test\"}").status()).isBetween(200, 201);
    }
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    crier.close();
  }

  @Test
  void aPublishedEventIsStoredWithEveryField() {
    var published =
        api.post(
            "/v1/events",
            """
            {"id": "evt-full-1", "type": "timer.running", "account": "acme",
             "subject": {"id": "37396", "path": "/projects/37396/timer", "url": "https://api.example.com/timers/37396"},
             "data": {"state": "running", "seconds": 12},
             "changes": {"state": ["stopped", "running"]},
             "required_permissions": ["timers:read"],
             "occurred_at": "2026-11-24T09:30:00+01:00"}
            """);
    assertThat(published.status()).isEqualTo(202);
    assertThat(published.json().get("id").stringValue()).isEqualTo("evt-full-1");
    assertThat(published.json().get("seq").longValue()).isPositive();

    JsonNode event = api.get("/v1/events/evt-full-1").json();
    assertThat(event.get("type").stringValue()).isEqualTo("timer.running");
    assertThat(event.get("account").stringValue()).isEqualTo("acme");
    assertThat(event.get("subject").get("type").stringValue()).isEqualTo("timer");
    assertThat(event.get("subject").get("path").stringValue()).isEqualTo("/projects/37396/timer");
    assertThat(event.get("subject").get("url").stringValue()).isEqualTo("https://api.example.com/timers/37396");
    assertThat(event.get("data").get("seconds").intValue()).isEqualTo(12);
    assertThat(event.get("changes").get("state").get(1).stringValue()).isEqualTo("running");
    assertThat(event.get("required_permissions").get(0).stringValue()).isEqualTo("timers:read");
    assertThat(event.get("occurred_at").stringValue()).isEqualTo("2026-11-24T08:30:00Z");
    assertThat(event.get("seq")).isEqualTo(published.json().get("seq"));
  }

  @Test
  void anEventWithoutIdGetsAGeneratedOne() {
    var published = api.post("/v1/events", "{\"type\": \"page.viewed\"}");
    assertThat(published.status()).isEqualTo(202);
    String id = published.json().get("id").stringValue();
    assertThat(id).startsWith("evt_").hasSize(30);
    assertThat(api.get("/v1/events/" + id).status()).isEqualTo(200);
  }

  @Test
  void aRetryWithTheSameIdAndContentAnswersTheOriginalResult() {
    String body = "{\"id\": \"evt-retry\", \"type\": \"client.create\", \"data\": {\"name\": \"Noko\", \"n\": 1}}";
    var first = api.post("/v1/events", body);
    String reordered = "{\"data\": {\"n\": 1, \"name\": \"Noko\"}, \"type\": \"client.create\", \"id\": \"evt-retry\"}";
    var again = api.post("/v1/events", reordered);
    assertThat(first.status()).isEqualTo(202);
    assertThat(again.status()).isEqualTo(202);
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(first.header("Idempotent-Replayed")).isNull();
    assertThat(listIds("client.create")).containsOnlyOnce("evt-retry");
  }

  @Test
  void theSameIdWithDifferentContentIsAConflictAndWritesNothing() {
    assertThat(api.post("/v1/events", "{\"id\": \"evt-c\", \"type\": \"timer.stopped\", \"data\": {\"a\": 1}}").status())
        .isEqualTo(202);
    var conflict =
        api.post(
            "/v1/events",
            "[{\"id\": \"evt-c-new\", \"type\": \"timer.stopped\"}, {\"id\": \"evt-c\", \"type\": \"timer.stopped\", \"data\": {\"a\": 2}}]");
    assertThat(conflict.status()).isEqualTo(409);
    assertThat(conflict.json().get("detail").stringValue()).contains("evt-c");
    assertThat(api.get("/v1/events/evt-c-new").status()).isEqualTo(404);
    assertThat(api.get("/v1/events/evt-c").json().get("data").get("a").intValue()).isEqualTo(1);
  }

  @Test
  void aBatchIsStoredAllOrNothing() {
    var batch =
        api.post(
            "/v1/events",
            "[{\"id\": \"evt-b1\", \"type\": \"timer.running\"}, {\"id\": \"evt-b2\", \"type\": \"timer.running\"}]");
    assertThat(batch.status()).isEqualTo(202);
    JsonNode items = batch.json().get("items");
    assertThat(items).hasSize(2);
    assertThat(items.get(1).get("seq").longValue()).isGreaterThan(items.get(0).get("seq").longValue());

    var refused =
        api.post(
            "/v1/events",
            "[{\"id\": \"evt-b3\", \"type\": \"timer.running\"}, {\"id\": \"evt-b4\", \"type\": \"never.declared\"}]");
    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.json().get("errors").get(0).get("field").stringValue()).isEqualTo("[1].type");
    assertThat(refused.json().get("errors").get(0).get("message").stringValue()).contains("not declared");
    assertThat(api.get("/v1/events/evt-b3").status()).isEqualTo(404);
  }

  @Test
  void everyInvalidFieldIsNamed() {
    var response =
        api.post(
            "/v1/events",
            """
            [{"type": "timer.running", "colour": "red", "subject": {"url": "/relative/path", "path": "no-slash", "size": 1}},
             {"data": [1, 2], "changes": {"state": ["only-one"]}, "required_permissions": "admin", "occurred_at": "yesterday"},
             {"type": 7, "account": {"id": 1}}]
            """);
    assertThat(response.status()).isEqualTo(422);
    assertThat(fields(response.json()))
        .containsExactlyInAnyOrder(
            "[0].colour",
            "[0].subject.path",
            "[0].subject.url",
            "[0].subject.size",
            "[1].type",
            "[1].data",
            "[1].changes.state",
            "[1].required_permissions",
            "[1].occurred_at",
            "[2].type",
            "[2].account");
  }

  @Test
  void aSingleEventNamesFieldsWithoutIndex() {
    var response = api.post("/v1/events", "{\"type\": \"timer.running\", \"subject\": {\"url\": \"ftp://files/x\"}}");
    assertThat(response.status()).isEqualTo(422);
    assertThat(fields(response.json())).containsExactly("subject.url");
    assertThat(response.json().get("detail").stringValue()).contains("subject.url");

    var undeclared = api.post("/v1/events", "{\"type\": \"nobody.declared\"}");
    assertThat(undeclared.status()).isEqualTo(422);
    assertThat(fields(undeclared.json())).containsExactly("type");
  }

  @Test
  void batchesHoldOneToAThousandEvents() {
    assertThat(api.post("/v1/events", "[]").status()).isEqualTo(422);
    String tooMany =
        IntStream.range(0, 1001).mapToObj(i -> "{\"type\": \"page.viewed\"}").collect(Collectors.joining(",", "[", "]"));
    var response = api.post("/v1/events", tooMany);
    assertThat(response.status()).isEqualTo(422);
    assertThat(response.json().get("errors").get(0).get("message").stringValue()).contains("at most 1000");

    String thousand =
        IntStream.range(0, 1000).mapToObj(i -> "{\"type\": \"page.viewed\"}").collect(Collectors.joining(",", "[", "]"));
    var accepted = api.post("/v1/events", thousand);
    assertThat(accepted.status()).isEqualTo(202);
    assertThat(accepted.json().get("items")).hasSize(1000);
  }

  @Test
  void anEventLargerThanTheLimitIsRefusedWith413() {
    String big = "x".repeat(300 * 1024);
    var single = api.post("/v1/events", "{\"id\": \"evt-big\", \"type\": \"page.viewed\", \"data\": {\"blob\": \"" + big + "\"}}");
    assertThat(single.status()).isEqualTo(413);
    assertThat(single.header("Content-Type")).startsWith("application/problem+json");

    var inBatch =
        api.post(
            "/v1/events",
            "[{\"id\": \"evt-small\", \"type\": \"page.viewed\"}, {\"type\": \"page.viewed\", \"data\": {\"blob\": \"" + big + "\"}}]");
    assertThat(inBatch.status()).isEqualTo(413);
    assertThat(inBatch.json().get("detail").stringValue()).contains("[1]");
    assertThat(api.get("/v1/events/evt-small").status()).isEqualTo(404);
    assertThat(api.get("/v1/events/evt-big").status()).isEqualTo(404);
  }

  @Test
  void aBodyLargerThanTheRequestLimitIsRefusedWith413() {
    String blob = "y".repeat(200 * 1024);
    String huge =
        IntStream.range(0, 45)
            .mapToObj(i -> "{\"type\": \"page.viewed\", \"data\": {\"b\": \"" + blob + "\"}}")
            .collect(Collectors.joining(",", "[", "]"));
    var response = api.post("/v1/events", huge);
    assertThat(response.status()).isEqualTo(413);
  }

  @Test
  void listingPagesThroughEventsNewestFirstOrOldestFirst() {
    api.put("/v1/event-types/list.test", "{\"description\":\"paging\"}");
    List<String> published = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      var r = api.post("/v1/events", "{\"id\": \"evt-list-" + i + "\", \"type\": \"list.test\"}");
      published.add(r.json().get("id").stringValue());
    }
    List<String> newestFirst = new ArrayList<>();
    String after = null;
    do {
      var page = api.get("/v1/events?type=list.test&limit=3" + (after == null ? "" : "&after=" + after)).json();
      page.get("items").forEach(e -> newestFirst.add(e.get("id").stringValue()));
      after = page.get("next").isNull() ? null : page.get("next").stringValue();
    } while (after != null);
    assertThat(newestFirst).containsExactlyElementsOf(published.reversed());

    var oldest = api.get("/v1/events?type=list.test&order=asc&limit=4").json();
    assertThat(oldest.get("items").get(0).get("id").stringValue()).isEqualTo("evt-list-0");
    var rest = api.get("/v1/events?type=list.test&order=asc&after=" + oldest.get("next").stringValue()).json();
    assertThat(rest.get("items")).hasSize(3);
    assertThat(rest.get("next").isNull()).isTrue();
  }

  @Test
  void badQueryParametersAreNamed() {
    var response = api.get("/v1/events?limit=0&order=sideways&after=abc&colour=red");
    assertThat(response.status()).isEqualTo(400);
    assertThat(fields(response.json())).containsExactlyInAnyOrder("limit", "order", "after", "colour");
  }

  @Test
  void concurrentPublishersShareCommitsAndLoseNothing() throws Exception {
    api.put("/v1/event-types/load.test", "{\"description\":\"concurrency\"}");
    int requests = 100;
    double commitsBefore = api.metric("crier_publish_commit_events_count");
    double eventsBefore = api.metric("crier_publish_commit_events_sum");
    List<Future<Api.Response>> answers = new ArrayList<>();
    // The database is held by another writer (a slow disk, in effect) while the requests arrive,
    // so whether they share commits does not depend on how fast this machine happens to be.
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        Connection blocker = holdWriteLock()) {
      for (int i = 0; i < requests; i++) {
        String body = "{\"id\": \"evt-load-" + i + "\", \"type\": \"load.test\"}";
        answers.add(pool.submit(() -> api.post("/v1/events", body)));
      }
      Awaitility.await()
          .atMost(Duration.ofSeconds(9)) // below SQLite's 10 s busy_timeout, after which the commit fails
          .until(() -> api.metric("crier_publish_queue_events"), queued -> queued == requests);
      blocker.rollback();
      Set<Long> seqs = new HashSet<>();
      for (var answer : answers) {
        assertThat(answer.get().status()).as(answer.get().body()).isEqualTo(202);
        seqs.add(answer.get().json().get("seq").longValue());
      }
      assertThat(seqs).hasSize(requests);
    }
    assertThat(listIds("load.test")).hasSize(requests);
    double commits = api.metric("crier_publish_commit_events_count") - commitsBefore;
    assertThat(api.metric("crier_publish_commit_events_sum") - eventsBefore).isEqualTo(requests);
    assertThat(commits).as("commits for %d concurrent requests", requests).isBetween(1.0, 2.0);
  }

  /** A transaction of another writer holding the events table until it is rolled back. */
  private static Connection holdWriteLock() throws SQLException {
    Connection c = crier.database().connect();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      // SQLite has one writer at a time: any write takes the lock; PostgreSQL locks the table.
      s.execute(crier.database().engine() == Engine.SQLITE ? "CREATE TABLE write_lock (x INTEGER)" : "LOCK TABLE events IN EXCLUSIVE MODE");
    }
    return c;
  }

  @Test
  void publishedEventsSurviveARestart() {
    api.post("/v1/events", "{\"id\": \"evt-durable\", \"type\": \"timer.running\"}");
    crier.restart();
    api = crier.api();
    assertThat(api.get("/v1/events/evt-durable").status()).isEqualTo(200);
  }

  private static List<String> listIds(String type) {
    List<String> ids = new ArrayList<>();
    api.get("/v1/events?limit=1000&type=" + type).json().get("items").forEach(e -> ids.add(e.get("id").stringValue()));
    return ids;
  }

  static List<String> fields(JsonNode problem) {
    List<String> fields = new ArrayList<>();
    problem.get("errors").forEach(e -> fields.add(e.get("field").stringValue()));
    return fields;
  }
}
