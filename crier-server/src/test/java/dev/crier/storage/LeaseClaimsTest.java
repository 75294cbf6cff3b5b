package dev.crier.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.testing.Engine;
import dev.crier.testing.Receiver;
import dev.crier.testing.Receiver.Reply;
import dev.crier.testing.TestCrier;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The claim statement under contention, on real PostgreSQL: many claimers at the same moment
 * never both get one subscription, a live lease is never taken, an expired one is, and an owner
 * renews and gives back only what it still owns.
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LeaseClaimsTest {
  private static final int WEBHOOKS = 60;
  private static final int CLAIMERS = 8;
  private static final Duration LEASE = Duration.ofSeconds(30);

  static TestCrier crier;
  static Receiver receiver;
  static SqlLeases leases;

  @BeforeAll
  static void start() {
    receiver = Receiver.start();
    receiver.respond(r -> Reply.status(500)); // every first attempt fails and waits an hour: work stays pending
    crier = TestCrier.start(Engine.POSTGRESQL);
    var api = crier.api();
    api.put("/v1/event-types/claim.test", "{\"description\":\"claims\"}");
    for (int i = 0; i < WEBHOOKS; i++) {
      var r = api.post("/v1/webhooks", "{\"url\": \"" + receiver.url("/c" + i) + "\", \"events\": [\"claim.test\"], \"retry_schedule\": [\"1h\", \"1h\"]}");
      assertThat(r.status()).as(r.body()).isEqualTo(201);
    }
    assertThat(api.post("/v1/events", "{\"type\": \"claim.test\", \"data\": {}}").status()).isEqualTo(202);
    Awaitility.await("every webhook tried once")
        .atMost(Duration.ofSeconds(30))
        .until(() -> receiver.requests().size() >= WEBHOOKS);
    leases = new SqlLeases(crier.crier().database());
  }

  @AfterAll
  static void stop() {
    crier.close();
    receiver.close();
  }

  @Test
  @Order(1) // before the other tests hand this node's leases to made-up claimers
  void theNodeReportsTheLeasesItClaimedAndHolds() {
    Awaitility.await("one lease per webhook with work, on /metrics")
        .atMost(Duration.ofSeconds(30))
        .until(() -> crier.api().metric("crier_leases_held"), held -> held == WEBHOOKS);
    assertThat(crier.api().metric("crier_leases_claimed_total")).isGreaterThanOrEqualTo(WEBHOOKS);
    assertThat(crier.api().metric("crier_lease_ticks_failed_total")).isZero();
  }

  @Test
  void concurrentClaimersNeverShareASubscriptionWhetherTheLeaseIsNewOrExpired() throws Exception {
    race("new leases (no row yet)", "DELETE FROM leases");
    race("expired leases", "UPDATE leases SET expires_at = 0");
    assertThat(leases.claim("latecomer", WEBHOOKS, LEASE)).as("live leases are not taken").isEmpty();
  }

  /**
   * Prepares the leases with {@code setUp}, lets {@value #CLAIMERS} claimers (and the running
   * node's own tick) claim at the same moment, and checks that what each claimer was told it got
   * is exactly what the table says it owns.
   */
  private static void race(String what, String setUp) throws Exception {
    sql(setUp);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<List<String>>> results = new ArrayList<>();
    try (var pool = Executors.newFixedThreadPool(CLAIMERS)) {
      for (int c = 0; c < CLAIMERS; c++) {
        String node = "claimer-" + c;
        Callable<List<String>> claim =
            () -> {
              go.await();
              return leases.claim(node, WEBHOOKS, LEASE);
            };
        results.add(pool.submit(claim));
      }
      go.countDown();
    }
    Map<String, String> told = new HashMap<>();
    int total = 0;
    for (int c = 0; c < CLAIMERS; c++) {
      for (String id : results.get(c).get()) {
        total++;
        told.put(id, "claimer-" + c);
      }
    }
    System.out.printf("[claims] %s: %d claimers at once were given %d leases, %d distinct%n", what, CLAIMERS, total, told.size());
    assertThat(total).as("%s: no subscription was given to two claimers", what).isEqualTo(told.size());
    Map<String, String> owners = owners();
    told.forEach((id, node) -> assertThat(owners.get(id)).as("%s: the table agrees who got %s", what, id).isEqualTo(node));
    assertThat(owners).as("%s: every subscription with work has an owner", what).hasSize(WEBHOOKS);
  }

  private static Map<String, String> owners() throws Exception {
    Map<String, String> owners = new HashMap<>();
    try (Connection c = crier.database().connect();
        Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT subscription_id, owner FROM leases")) {
      while (rs.next()) owners.put(rs.getString(1), rs.getString(2));
    }
    return owners;
  }

  @Test
  void anOwnerRenewsAndGivesBackOnlyWhatItStillOwns() throws Exception {
    sql("UPDATE leases SET expires_at = 0");
    List<String> mine = leases.claim("first", 5, LEASE);
    assertThat(mine).hasSize(5);
    assertThat(leases.renew("first", LEASE)).containsExactlyInAnyOrderElementsOf(mine);

    expire(mine.get(0));
    List<String> taken = leases.claim("second", WEBHOOKS, LEASE);
    assertThat(taken).as("an expired lease is taken over").contains(mine.get(0));
    assertThat(leases.renew("first", LEASE)).as("the old owner no longer renews it").doesNotContain(mine.get(0)).hasSize(4);

    leases.release("first", mine.get(0));
    assertThat(leases.renew("second", LEASE)).as("nor can it give it back").contains(mine.get(0));
  }

  private static void expire(String id) throws Exception {
    sql("UPDATE leases SET expires_at = 0 WHERE subscription_id = '" + id + "'");
  }

  private static void sql(String update) throws Exception {
    try (Connection c = crier.database().connect(); Statement s = c.createStatement()) {
      s.executeUpdate(update);
    }
  }
}
