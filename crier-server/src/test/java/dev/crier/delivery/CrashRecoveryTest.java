package dev.crier.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.crier.testing.Api;
import dev.crier.testing.ChildCrier;
import dev.crier.testing.Engine;
import dev.crier.testing.Receiver;
import dev.crier.testing.Receiver.Reply;
import dev.crier.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * {@code kill -9} of a real Crier process (a child JVM, not a thread) in the middle of an ordered
 * stream, then a restart on the same data directory and database: every event answered 202 is
 * delivered, and after dropping repeats by {@code webhook-id} the receiver sees publish order.
 */
@Tag("fault")
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class CrashRecoveryTest {
  private static final int EVENTS = 600;
  private static final int KILL_AFTER_RECEIVED = 200;
  private static final int MAX_AHEAD = 60;
  private static final int BATCH = 10;
  private static final String QUICK_SCHEDULE =
      "[\"100ms\",\"100ms\",\"100ms\",\"100ms\",\"100ms\",\"200ms\",\"200ms\",\"500ms\",\"500ms\",\"1s\"]";

  @Parameter Engine engine;

  private Path dir;
  private TestDatabase database;
  private Receiver receiver;
  private ChildCrier child;

  @BeforeEach
  void setUp() throws IOException {
    dir = Files.createTempDirectory("crier-crash");
    database = TestDatabase.create(engine, dir);
    receiver = Receiver.start();
    child = new ChildCrier(dir, database.url(), Map.of());
  }

  @AfterEach
  void tearDown() throws IOException {
    try {
      if (child != null) child.close();
      if (receiver != null) receiver.close();
    } finally {
      if (database != null) database.close();
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void everyAcknowledgedEventIsDeliveredInPublishOrderAcrossAKill9() throws Exception {
    long began = System.nanoTime();
    // a slightly slow receiver, so that acknowledged events are still queued when the kill comes
    receiver.respond(r -> Reply.status(204).after(Duration.ofMillis(4)));
    Api api = timedStart().api();
    declare(api, "ledger.entry");
    String webhookId = createOrderedWebhook(api, "/a", "ledger.*", 5).get("id").stringValue();

    List<String> acked = new CopyOnWriteArrayList<>();
    List<String> failed = new CopyOnWriteArrayList<>();
    List<String> why = new CopyOnWriteArrayList<>();
    Thread publisher =
        Thread.ofPlatform().name("publisher").start(() -> publishAll(acked, failed, why, "/a"));
    try {
      receiver.await("/a", KILL_AFTER_RECEIVED, Duration.ofSeconds(30));
      int ackedAtKill = acked.size();
      int receivedAtKill = receiver.requests("/a").size();
      long pid = child.pid();

      int exit = child.kill();

      assertThat(child.isAlive()).as("the child is gone after SIGKILL").isFalse();
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      assertThat(exit).as("exit code of a SIGKILLed JVM").isEqualTo(137);
      System.out.printf(
          "[%s] killed pid %d with %d events acknowledged and %d requests received%n",
          engine, pid, ackedAtKill, receivedAtKill);

      timedStart(); // same data directory and database; a new port, which the publisher follows
      publisher.join(Duration.ofSeconds(90));
      assertThat(publisher.isAlive()).as("the publisher finished").isFalse();
    } finally {
      publisher.interrupt();
    }
    assertThat(acked).as("publishing resumed after the restart; failed publishes: %s", why).last().isEqualTo(eventId(EVENTS - 1));

    Set<String> wanted = Set.copyOf(acked);
    Awaitility.await("every acknowledged event reaches the receiver")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> eventIds(Receiver.withoutRepeats(receiver.requests("/a"))).containsAll(wanted));

    List<Receiver.Request> all = receiver.requests("/a");
    List<Receiver.Request> unique = Receiver.withoutRepeats(all);
    List<String> received = eventIds(unique);
    List<String> extra = received.stream().filter(id -> !wanted.contains(id)).toList();
    System.out.printf(
        "[%s] scenario A: %d acknowledged, %d events in publishes that failed around the kill, %d requests, %d repeats, "
            + "%d delivered without a 202 (in flight at the kill: %s), %d ms%n",
        engine, acked.size(), failed.size(), all.size(), all.size() - unique.size(), extra.size(), extra,
        (System.nanoTime() - began) / 1_000_000);
    System.out.printf("[%s] failed publishes: %s%n", engine, why);

    assertThat(received.stream().filter(wanted::contains).toList())
        .as("after dropping repeats, the acknowledged events arrive exactly in publish order, no gaps")
        .containsExactlyElementsOf(acked);
    assertThat(received)
        .as("every event received (acknowledged or not) arrives in publish order")
        .isSortedAccordingTo(Comparator.naturalOrder());
    assertThat(failed)
        .as("an event delivered without a 202 must be one whose publish failed around the kill")
        .containsAll(extra);
    assertRepeatsAreIdentical(all);

    // outcomes are written in batches after the receiver answered: the last few may still be on their way
    Awaitility.await("every delivery is recorded delivered")
        .atMost(Duration.ofSeconds(30))
        .until(() -> allDeliveries(child.api(), webhookId).stream().allMatch(d -> d.get("status").stringValue().equals("delivered")));
    List<JsonNode> deliveries = allDeliveries(child.api(), webhookId);
    assertThat(deliveries).allSatisfy(d -> assertThat(d.get("status").stringValue()).as(d.toString()).isEqualTo("delivered"));
    assertThat(deliveries.stream().map(d -> d.get("event_id").stringValue()).toList())
        .as("the database's deliveries, in sub_seq order, are exactly what the receiver saw")
        .containsExactlyElementsOf(received);
    List<Long> subSeqs = deliveries.stream().map(d -> d.get("sub_seq").longValue()).toList();
    assertThat(subSeqs)
        .as("sub_seq has no gaps")
        .containsExactlyElementsOf(consecutiveFrom(subSeqs.get(0), subSeqs.size()));
  }

  @Test
  void aDeliveryWhoseAttemptWasInterruptedByAKill9IsSentAgainThenTheRestFollowInOrder() throws Exception {
    long began = System.nanoTime();
    String hanging = "b-0005";
    receiver.respond(
        r -> eventId(r).equals(hanging) ? Reply.status(204).after(Duration.ofSeconds(30)) : Reply.status(204));
    Api api = timedStart().api();
    declare(api, "ledger.entry");
    JsonNode webhook = createOrderedWebhook(api, "/b", "ledger.entry", 30);
    String webhookId = webhook.get("id").stringValue();

    StringBuilder batch = new StringBuilder("[");
    for (int i = 0; i < 10; i++) {
      if (i > 0) batch.append(',');
      // keys out of order and odd spacing: the resent body must still be the same bytes
      batch.append("{\"id\": \"b-%04d\", \"type\": \"ledger.entry\", \"data\": {\"z\": %d,  \"a\": [1, 2.50], \"s\": \"é\"}}".formatted(i, i));
    }
    var published = api.post("/v1/events", batch.append(']').toString());
    assertThat(published.status()).as(published.body()).isEqualTo(202);

    Awaitility.await("the hanging delivery is in flight")
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> eventIds(receiver.requests("/b")).contains(hanging));
    Thread.sleep(200); // the attempt is really in flight, not just accepted
    assertThat(eventIds(receiver.requests("/b")))
        .as("ordered: nothing after the hanging delivery is sent while it is in flight")
        .containsExactly("b-0000", "b-0001", "b-0002", "b-0003", "b-0004", hanging);
    Receiver.Request interrupted = receiver.requests("/b").get(5);

    long pid = child.pid();
    assertThat(child.kill()).isEqualTo(137);
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    receiver.respond(r -> Reply.status(204));
    Instant restartedAt = Instant.now();
    timedStart();

    Awaitility.await("the interrupted delivery and those after it arrive after the restart")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> eventIds(Receiver.withoutRepeats(receiver.requests("/b"))).contains("b-0009"));

    List<Receiver.Request> all = receiver.requests("/b");
    List<Receiver.Request> again =
        all.stream().filter(r -> eventId(r).equals(hanging) && r.at().isAfter(restartedAt)).toList();
    assertThat(again).as("the interrupted delivery is sent again after the restart").isNotEmpty();
    assertThat(again.get(0).header("webhook-id"))
        .as("with the same webhook-id")
        .isEqualTo(interrupted.header("webhook-id"));
    assertThat(again.get(0).body()).as("and the same body bytes").isEqualTo(interrupted.body());
    Map<String, List<String>> headers = new HashMap<>();
    again.get(0).headers().forEach((k, v) -> headers.put(k, List.of(v)));
    assertThatCode(() -> new com.standardwebhooks.Webhook(webhook.get("secret").stringValue()).verify(again.get(0).text(), headers))
        .as("signed after the restart with the secret given at creation (decrypted from the database)")
        .doesNotThrowAnyException();
    assertThat(eventIds(Receiver.withoutRepeats(all)))
        .as("after dropping repeats, publish order")
        .containsExactlyElementsOf(IntStream.range(0, 10).mapToObj("b-%04d"::formatted).toList());
    assertRepeatsAreIdentical(all);
    System.out.printf(
        "[%s] scenario B: resent %d ms after the restart began%n",
        engine, Duration.between(restartedAt, again.get(0).at()).toMillis());
    Awaitility.await("the log shows every delivery delivered")
        .atMost(Duration.ofSeconds(10))
        .until(() -> allDeliveries(child.api(), webhookId).stream().allMatch(d -> d.get("status").stringValue().equals("delivered")));
    System.out.printf(
        "[%s] scenario B: %d requests for 10 events (%d repeats), %d ms%n",
        engine, all.size(), all.size() - 10, (System.nanoTime() - began) / 1_000_000);
  }

  // --- helpers ---

  private ChildCrier timedStart() {
    long t0 = System.nanoTime();
    child.start();
    System.out.printf("[%s] child pid %d serving after %d ms%n", engine, child.pid(), (System.nanoTime() - t0) / 1_000_000);
    return child;
  }

  private static String eventId(int i) {
    return "e-%04d".formatted(i);
  }

  /**
   * Publishes e-0000.. in batches of {@value #BATCH}, in order, never far ahead of the receiver,
   * recording the ids answered 202. A batch that fails (the child died under it) is not sent again
   * (whether it committed is unknown); the next one waits until a child serves again.
   */
  private void publishAll(List<String> acked, List<String> failed, List<String> why, String path) {
    try {
      for (int start = 0; start < EVENTS; start += BATCH) {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (acked.size() - receiver.requests(path).size() > MAX_AHEAD && System.nanoTime() < deadline) {
          Thread.sleep(2);
        }
        List<String> ids = IntStream.range(start, Math.min(start + BATCH, EVENTS)).mapToObj(CrashRecoveryTest::eventId).toList();
        String body =
            ids.stream()
                .map(id -> "{\"id\": \"" + id + "\", \"type\": \"ledger.entry\", \"data\": {\"n\": \"" + id + "\"}}")
                .collect(Collectors.joining(",", "[", "]"));
        String failure;
        try {
          var response = child.api().post("/v1/events", body);
          failure = response.status() == 202 ? null : response.toString();
        } catch (RuntimeException e) {
          failure = e.toString(); // the child is down (or dying): this batch may or may not have committed
        }
        if (failure == null) {
          acked.addAll(ids);
        } else {
          failed.addAll(ids);
          why.add(ids.get(0) + "..: " + failure);
          awaitServing(Duration.ofSeconds(45));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitServing(Duration atMost) throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (child.api().get("/healthz").status() == 200) return;
      } catch (RuntimeException e) {
        // not yet
      }
      Thread.sleep(100);
    }
  }

  private static void declare(Api api, String type) {
    var r = api.put("/v1/event-types/" + type, "{\"description\":\"crash test\"}");
    assertThat(r.status()).as(r.body()).isBetween(200, 201);
  }

  /** Creates an ordered webhook with the standard signature; returns the created resource (with its secret). */
  private JsonNode createOrderedWebhook(Api api, String path, String pattern, int timeoutSeconds) {
    var r =
        api.post(
            "/v1/webhooks",
            "{\"name\": \"crash\", \"url\": \"" + receiver.url(path) + "\", \"events\": [\"" + pattern + "\"],"
                + " \"ordered\": true, \"retry_schedule\": " + QUICK_SCHEDULE + ", \"timeout_seconds\": " + timeoutSeconds + "}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  private static String eventId(Receiver.Request r) {
    return r.json().get("id").stringValue();
  }

  private static List<String> eventIds(List<Receiver.Request> requests) {
    return requests.stream().map(CrashRecoveryTest::eventId).toList();
  }

  /** Requests that share a webhook-id are the same delivery: same event, same bytes. */
  private static void assertRepeatsAreIdentical(List<Receiver.Request> all) {
    Map<String, Receiver.Request> first = new HashMap<>();
    for (Receiver.Request r : all) {
      Receiver.Request earlier = first.putIfAbsent(r.header("webhook-id"), r);
      if (earlier != null) {
        assertThat(r.body())
            .as("a repeat of %s carries the same body bytes", r.header("webhook-id"))
            .isEqualTo(earlier.body());
      }
    }
  }

  /** Every delivery of the webhook, oldest (lowest sub_seq) first, following the cursor. */
  private static List<JsonNode> allDeliveries(Api api, String webhookId) {
    List<JsonNode> out = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page =
          api.get("/v1/webhooks/" + webhookId + "/deliveries?limit=500" + (cursor == null ? "" : "&after=" + cursor)).json();
      page.get("items").forEach(out::add);
      cursor = page.get("next").isNull() ? null : page.get("next").stringValue();
    } while (cursor != null);
    out.sort(Comparator.comparingLong(d -> d.get("sub_seq").longValue()));
    return out;
  }

  private static List<Long> consecutiveFrom(long first, int n) {
    return IntStream.range(0, n).mapToObj(i -> first + i).toList();
  }
}
