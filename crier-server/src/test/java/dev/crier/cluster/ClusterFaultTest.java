package dev.crier.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.testing.Api;
import dev.crier.testing.ChildCrier;
import dev.crier.testing.PrivatePostgres;
import dev.crier.testing.Receiver;
import dev.crier.testing.Receiver.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three real {@code crier serve} processes on one PostgreSQL of the test's own, under a stream of
 * events to many ordered webhooks: one node is killed with SIGKILL, another is restarted, then
 * PostgreSQL itself is crashed and started again. Every event answered 202 must reach its
 * webhook's receiver, and after dropping repeats by {@code webhook-id}, exactly in publish order.
 */
@Tag("cluster")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFaultTest {
  private static final int NODES = 3;
  private static final int WEBHOOKS = 16;
  private static final int BATCH = 8;
  private static final int MAX_AHEAD = 200;
  private static final int PHASE_EVENTS = 300;
  private static final int TAIL_EVENTS = 200;
  private static final String LEASE_SECONDS = "3";
  private static final String MASTER_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  private static final String QUICK_SCHEDULE =
      "[\"100ms\",\"100ms\",\"200ms\",\"200ms\",\"500ms\",\"500ms\",\"1s\",\"1s\",\"2s\",\"2s\",\"5s\",\"5s\"]";

  private PrivatePostgres pg;
  private Receiver receiver;
  private Path root;
  private final List<ChildCrier> nodes = new ArrayList<>();
  /** The ordered webhooks the stream feeds (each gets new events all the time). */
  private final Set<String> streamWebhooks = new HashSet<>();

  @BeforeAll
  void startCluster() throws Exception {
    root = Files.createTempDirectory("crier-cluster");
    pg = PrivatePostgres.start();
    receiver = Receiver.start();
    receiver.respond(r -> Reply.status(204).after(Duration.ofMillis(2)));
    for (int i = 0; i < NODES; i++) {
      Path dir = Files.createDirectories(root.resolve("node" + i));
      nodes.add(new ChildCrier(dir, pg.url(), Map.of("CRIER_LEASE_SECONDS", LEASE_SECONDS, "CRIER_MASTER_KEY", MASTER_KEY)));
    }
    long t0 = System.nanoTime();
    nodes.get(0).start(); // the first applies the migrations; the others start side by side
    List<Thread> starting = nodes.subList(1, NODES).stream().map(n -> Thread.ofPlatform().start(n::start)).toList();
    for (Thread t : starting) t.join();
    for (ChildCrier n : nodes) assertThat(n.isAlive()).as(n.stderrTail()).isTrue();
    System.out.printf("[cluster] %d nodes serving after %d ms%n", NODES, millisSince(t0));
  }

  @AfterAll
  void stopCluster() throws IOException {
    try {
      nodes.forEach(ChildCrier::close);
      if (receiver != null) receiver.close();
    } finally {
      if (pg != null) pg.close();
      try (Stream<Path> files = Files.walk(root)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  @Order(1)
  void aWebhookMadeOrChangedOnOneNodeIsFollowedByTheOthers() throws InterruptedException {
    declare(node(0), "probe.ping");
    String id = createOrderedWebhook(node(0), "/probe-a", "probe.ping").get("id").stringValue();

    long created = System.nanoTime();
    long routed = publishUntilReceived(node(1), "/probe-a", "a");
    System.out.printf("[cluster] a webhook created on node 0 was routed by node 1 after %d ms%n", (routed - created) / 1_000_000);

    var patched = node(2).send("PATCH", "/v1/webhooks/" + id, "{\"url\": \"" + receiver.url("/probe-b") + "\"}", "application/json");
    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    long changed = System.nanoTime();
    long followed = publishUntilReceived(node(0), "/probe-b", "b");
    System.out.printf("[cluster] a URL changed on node 2 was followed by the lane's owner after %d ms%n", (followed - changed) / 1_000_000);

    assertThat(node(1).delete("/v1/webhooks/" + id).status()).isEqualTo(204);
  }

  @Test
  @Order(2)
  void aWebhookHaltedByItsOwnerIsResumedOnAnotherNodeAndContinuesFromTheFailedEvent() throws Exception {
    declare(node(0), "probe.halt");
    AtomicBoolean failing = new AtomicBoolean(true);
    receiver.respond(r -> r.path().equals("/halting") && failing.get() ? Reply.status(500) : Reply.status(204).after(Duration.ofMillis(2)));
    var created =
        node(0).post(
            "/v1/webhooks",
            "{\"url\": \"" + receiver.url("/halting") + "\", \"events\": [\"probe.halt\"], \"retry_schedule\": []}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().get("id").stringValue();
    List<String> ids = IntStream.range(0, 10).mapToObj("h-%02d"::formatted).toList();

    // on the node that made it (another node's index may be a moment behind), so the first
    // event surely reaches it; whichever node claims it sends it
    publish(node(0), ids.subList(0, 5), "probe.halt");
    Awaitility.await("the owner halts the webhook at its first failure")
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> node(2).get("/v1/webhooks/" + id).json().get("status").stringValue().equals("halted"));
    publish(node(2), ids.subList(5, 10), "probe.halt");
    Thread.sleep(1_000); // room for a wrong delivery to arrive
    assertThat(receiver.requests("/halting")).as("halted: nothing after the failed event").hasSize(1);

    failing.set(false);
    assertThat(node(2).post("/v1/webhooks/" + id + "/resume", "").status()).isEqualTo(200);
    Awaitility.await("resumed on another node, every event arrives")
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> Receiver.withoutRepeats(receiver.requests("/halting")).size() == ids.size());
    assertThat(Receiver.withoutRepeats(receiver.requests("/halting")).stream().map(r -> r.json().get("id").stringValue()))
        .as("from the failed event on, in publish order")
        .containsExactlyElementsOf(ids);
    receiver.respond(r -> Reply.status(204).after(Duration.ofMillis(2)));
    assertThat(node(0).delete("/v1/webhooks/" + id).status()).isEqualTo(204);
  }

  private static void publish(Api api, List<String> ids, String type) {
    String body = ids.stream().map(i -> "{\"id\": \"" + i + "\", \"type\": \"" + type + "\", \"data\": {}}").collect(Collectors.joining(",", "[", "]"));
    var r = api.post("/v1/events", body);
    assertThat(r.status()).as(r.body()).isEqualTo(202);
  }

  /**
   * Publishes probe events on {@code api} (one every 20 ms) until one reaches {@code path}.
   *
   * @return System.nanoTime() when the first probe that arrived was published
   */
  private long publishUntilReceived(Api api, String path, String tag) throws InterruptedException {
    Map<String, Long> publishedAt = new HashMap<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    for (int n = 1; ; n++) {
      // earlier probes still pending may arrive here too (a lane follows a changed URL): only
      // this loop's probes count
      Optional<Long> first =
          receiver.requests(path).stream().map(r -> publishedAt.get(r.json().get("id").stringValue())).filter(Objects::nonNull).findFirst();
      if (first.isPresent()) return first.get();
      assertThat(System.nanoTime()).as("a probe published on another node reaches %s within 15 s", path).isLessThan(deadline);
      String id = "probe-" + tag + "-" + n;
      long at = System.nanoTime();
      var r = api.post("/v1/events", "{\"id\": \"" + id + "\", \"type\": \"probe.ping\", \"data\": {}}");
      assertThat(r.status()).as(r.body()).isEqualTo(202);
      publishedAt.put(id, at);
      Thread.sleep(20);
    }
  }

  @Test
  @Order(3)
  void noAcknowledgedEventIsLostOrReorderedWhenANodeDiesAnotherRestartsAndPostgresRestarts() throws Exception {
    long began = System.nanoTime();
    for (int w = 0; w < WEBHOOKS; w++) {
      declare(node(0), type(w));
      streamWebhooks.add(createOrderedWebhook(node(w % NODES), path(w), type(w)).get("id").stringValue());
    }
    Publisher publisher = new Publisher();
    Thread thread = Thread.ofPlatform().name("publisher").start(publisher);
    try {
      awaitReceived(PHASE_EVENTS);
      killOneNode(0);
      awaitReceived(receivedNow() + PHASE_EVENTS);
      restartNodes();
      awaitReceived(receivedNow() + PHASE_EVENTS);
      freezeOneNode(2, publisher);
      awaitReceived(receivedNow() + PHASE_EVENTS);
      restartPostgres();
      awaitReceived(receivedNow() + PHASE_EVENTS);
      publisher.stop = true;
      thread.join(Duration.ofSeconds(120));
      assertThat(thread.isAlive()).as("the publisher finished").isFalse();
    } finally {
      publisher.stop = true;
      thread.interrupt();
    }

    Set<String> wanted = Set.copyOf(publisher.acked);
    Awaitility.await("every acknowledged event reaches its webhook")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> receivedIds().containsAll(wanted));
    System.out.printf(
        "[cluster] %d events acknowledged, %d publish attempts failed (%d answered 503 with Retry-After), %d ms%n",
        wanted.size(), publisher.failures.get(), publisher.retryAfter.get(), millisSince(began));

    int repeats = 0;
    for (int w = 0; w < WEBHOOKS; w++) repeats += checkWebhook(w, publisher.acked);
    System.out.printf("[cluster] %d repeats (same webhook-id delivered again) over %d webhooks%n", repeats, WEBHOOKS);
    Awaitility.await("every delivery is recorded delivered")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> count("SELECT COUNT(*) FROM deliveries WHERE status <> 'delivered'") == 0);
  }

  /** Per webhook: publish order after dropping repeats, no gap, one request at a time. Returns the repeats. */
  private int checkWebhook(int w, List<String> acked) {
    String type = type(w);
    List<String> expected = acked.stream().filter(id -> typeOf(id).equals(type)).toList();
    List<Receiver.Request> all = receiver.requests(path(w));
    List<Receiver.Request> unique = Receiver.withoutRepeats(all);
    List<String> received = unique.stream().map(r -> r.json().get("id").stringValue()).toList();
    assertThat(received)
        .as("webhook %d: after dropping repeats, every acknowledged event exactly in publish order", w)
        .containsExactlyElementsOf(expected);
    assertThat(receiver.maxConcurrent(path(w)))
        .as("webhook %d: at most one node sends its deliveries at a time", w)
        .isEqualTo(1);
    Map<String, byte[]> first = new HashMap<>();
    for (Receiver.Request r : all) {
      byte[] earlier = first.putIfAbsent(r.header("webhook-id"), r.body());
      if (earlier != null) assertThat(r.body()).as("a repeat carries the same bytes").isEqualTo(earlier);
    }
    return all.size() - unique.size();
  }

  // --- the faults ---

  private void killOneNode(int i) throws Exception {
    ChildCrier victim = nodes.get(i);
    String nodeId = nodeIdOf(victim);
    Set<String> owned = streamLeasesOf(nodeId);
    long killedAt = System.nanoTime();
    assertThat(victim.kill()).as("exit code of a SIGKILLed JVM").isEqualTo(137);
    System.out.printf("[cluster] node %d (%s) killed with SIGKILL holding leases on %d of the stream's webhooks, %d events received so far%n", i, nodeId, owned.size(), receivedNow());
    Awaitility.await("the dead node's subscriptions are taken over")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> notTakenOver(owned, nodeId) == 0);
    System.out.printf("[cluster] its subscriptions were taken over %d ms after the kill (lease %s s)%n", millisSince(killedAt), LEASE_SECONDS);
  }

  /**
   * A node stopped dead (SIGSTOP) for three lease periods, then let go: the others take its
   * subscriptions over, and when it wakes it must find its leases gone and send nothing for
   * them (the receiver's one-request-at-a-time check would see it).
   */
  private void freezeOneNode(int i, Publisher publisher) throws Exception {
    ChildCrier node = nodes.get(i);
    String nodeId = nodeIdOf(node);
    Set<String> owned = streamLeasesOf(nodeId);
    publisher.avoid.add(i);
    // a publish under way to it would hang until it wakes, and the stream with it
    Awaitility.await("no publish is under way to the node to freeze")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(5))
        .until(() -> publisher.publishingTo != i);
    long frozenAt = System.nanoTime();
    node.freeze();
    try {
      System.out.printf("[cluster] node %d frozen with SIGSTOP holding leases on %d of the stream's webhooks%n", i, owned.size());
      Awaitility.await("the frozen node's subscriptions are taken over")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> notTakenOver(owned, nodeId) == 0);
      System.out.printf("[cluster] its subscriptions were taken over %d ms after the freeze%n", millisSince(frozenAt));
      Thread.sleep(Math.max(0, 3 * Integer.parseInt(LEASE_SECONDS) * 1000L - millisSince(frozenAt)));
    } finally {
      node.thaw();
    }
    Awaitility.await("the thawed node serves again")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> node(i).get("/readyz").status() == 200);
    publisher.avoid.remove(i);
    System.out.printf("[cluster] node %d thawed after %d ms%n", i, millisSince(frozenAt));
    if (!owned.isEmpty()) {
      // at least one, not all: a lease the node was already giving back (an idle lane's release,
      // queued before the freeze, runs before the first renewal) is not found taken over
      Awaitility.await("the thawed node counts the leases it found taken over")
          .atMost(Duration.ofSeconds(10))
          .until(() -> node(i).metric("crier_leases_lost_total"), lost -> lost >= 1);
      System.out.printf("[cluster] node %d counts %.0f leases lost%n", i, node(i).metric("crier_leases_lost_total"));
    }
  }

  private void restartNodes() {
    long t0 = System.nanoTime();
    nodes.get(0).start();
    System.out.printf("[cluster] node 0 started again after %d ms%n", millisSince(t0));
    t0 = System.nanoTime();
    nodes.get(1).stop();
    nodes.get(1).start();
    System.out.printf("[cluster] node 1 restarted (SIGTERM, start) in %d ms%n", millisSince(t0));
  }

  private void restartPostgres() throws InterruptedException {
    long t0 = System.nanoTime();
    pg.crash();
    System.out.printf("[cluster] PostgreSQL crashed (pg_ctl stop -m immediate) with %d events received%n", receivedNow());
    var during = node(2).post("/v1/events", "{\"id\": \"outage-probe\", \"type\": \"probe.ping\", \"data\": {}}");
    assertThat(during.status()).as("a publish while PostgreSQL is down: %s", during).isEqualTo(503);
    assertThat(during.header("Retry-After")).as("with Retry-After").isNotNull();
    Thread.sleep(Math.max(0, 4_000 - millisSince(t0))); // down for longer than a lease
    pg.resume();
    System.out.printf("[cluster] PostgreSQL back after %d ms down%n", millisSince(t0));
    for (int i = 0; i < NODES; i++) {
      Api api = node(i);
      Awaitility.await("node reconnects by itself")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> api.get("/readyz").status() == 200);
    }
    System.out.printf("[cluster] every node ready again %d ms after the crash%n", millisSince(t0));
  }

  // --- the stream ---

  /**
   * Publishes e-00000.. in batches, round robin over the nodes that are up, at most {@value
   * #MAX_AHEAD} events ahead of the receiver. A batch that fails (a node died under it, or the
   * database is down) is sent again with the same ids until it is answered 202: idempotency
   * makes the retry safe, and the batch after it is only sent once it is acknowledged.
   */
  private final class Publisher implements Runnable {
    final List<String> acked = new CopyOnWriteArrayList<>();
    final AtomicInteger failures = new AtomicInteger();
    final AtomicInteger retryAfter = new AtomicInteger();
    /** The node a publish is under way to, or -1. */
    volatile int publishingTo = -1;
    /** Nodes not to publish to (a frozen one would hold the request until it wakes). */
    final Set<Integer> avoid = java.util.concurrent.ConcurrentHashMap.newKeySet();
    volatile boolean stop;
    private int turn;

    @Override
    public void run() {
      try {
        int tail = TAIL_EVENTS;
        for (int start = 0; !stop || tail > 0; start += BATCH) {
          if (stop) tail -= BATCH;
          long deadline = System.nanoTime() + 2_000_000_000L;
          while (acked.size() - receivedNow() > MAX_AHEAD && System.nanoTime() < deadline) Thread.sleep(2);
          Thread.sleep(15);
          List<String> ids = IntStream.range(start, start + BATCH).mapToObj(ClusterFaultTest::eventId).toList();
          String body =
              ids.stream()
                  .map(id -> "{\"id\": \"" + id + "\", \"type\": \"" + typeOf(id) + "\", \"data\": {\"n\": \"" + id + "\"}}")
                  .collect(Collectors.joining(",", "[", "]"));
          while (!publish(body)) Thread.sleep(100);
          acked.addAll(ids);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private boolean publish(String body) {
      int k = nextLiveNode();
      if (k < 0) return false;
      publishingTo = k;
      if (avoid.contains(k)) { // told to avoid it meanwhile: the freezer may not have seen us
        publishingTo = -1;
        return false;
      }
      try {
        var r = nodes.get(k).api().post("/v1/events", body);
        if (r.status() == 202) return true;
        failures.incrementAndGet();
        if (r.status() == 503 && r.header("Retry-After") != null) retryAfter.incrementAndGet();
        assertThat(r.status()).as("only unavailability may refuse a publish: %s", r).isEqualTo(503);
      } catch (RuntimeException e) {
        failures.incrementAndGet(); // the node died (or is dying) under the request
      } finally {
        publishingTo = -1;
      }
      return false;
    }

    private int nextLiveNode() {
      for (int i = 0; i < NODES; i++) {
        int k = Math.floorMod(turn++, NODES);
        if (nodes.get(k).isAlive() && !avoid.contains(k)) return k;
      }
      return -1;
    }
  }

  // --- helpers ---

  private Api node(int i) {
    return nodes.get(i).api();
  }

  private static String eventId(int i) {
    return "e-%05d".formatted(i);
  }

  private static String type(int w) {
    return "ledger.w%02d".formatted(w);
  }

  private static String path(int w) {
    return "/w%02d".formatted(w);
  }

  private static String typeOf(String eventId) {
    return type(Integer.parseInt(eventId.substring(2)) % WEBHOOKS);
  }

  private int receivedNow() {
    int n = 0;
    for (int w = 0; w < WEBHOOKS; w++) n += receiver.requests(path(w)).size();
    return n;
  }

  private Set<String> receivedIds() {
    Set<String> ids = new HashSet<>();
    for (int w = 0; w < WEBHOOKS; w++) {
      for (Receiver.Request r : receiver.requests(path(w))) ids.add(r.json().get("id").stringValue());
    }
    return ids;
  }

  private void awaitReceived(int count) {
    Awaitility.await("the receiver got " + count + " requests")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> receivedNow() >= count);
  }

  private static void declare(Api api, String type) {
    var r = api.put("/v1/event-types/" + type, "{\"description\":\"cluster test\"}");
    assertThat(r.status()).as(r.body()).isBetween(200, 201);
  }

  private tools.jackson.databind.JsonNode createOrderedWebhook(Api api, String path, String pattern) {
    var r =
        api.post(
            "/v1/webhooks",
            "{\"name\": \"cluster\", \"url\": \"" + receiver.url(path) + "\", \"events\": [\"" + pattern + "\"],"
                + " \"ordered\": true, \"retry_schedule\": " + QUICK_SCHEDULE + "}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  private String nodeIdOf(ChildCrier node) throws SQLException {
    Set<String> ids = strings("SELECT id FROM nodes WHERE address LIKE ?", "%:" + node.port());
    assertThat(ids).as("the node's row").hasSize(1);
    return ids.iterator().next();
  }

  /** The stream's webhooks {@code nodeId} holds leases on. */
  private Set<String> streamLeasesOf(String nodeId) throws SQLException {
    Set<String> owned = strings("SELECT subscription_id FROM leases WHERE owner = ?", nodeId);
    owned.retainAll(streamWebhooks);
    return owned;
  }

  /**
   * Of {@code owned}, the subscriptions no other node holds a lease on yet. (The stream gives
   * every one of them new events all the time, so each needs an owner again soon.)
   */
  private int notTakenOver(Set<String> owned, String dead) throws SQLException {
    int n = 0;
    for (String id : owned) {
      n += count("SELECT 1 - COUNT(*) FROM leases WHERE subscription_id = ? AND owner <> ?", id, dead);
    }
    return n;
  }

  private int count(String sql, String... args) throws SQLException {
    try (Connection c = DriverManager.getConnection(pg.url()); PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) s.setString(i + 1, args[i]);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private Set<String> strings(String sql, String... args) throws SQLException {
    try (Connection c = DriverManager.getConnection(pg.url()); PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) s.setString(i + 1, args[i]);
      Set<String> out = new HashSet<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) out.add(rs.getString(1));
      }
      return out;
    }
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}
