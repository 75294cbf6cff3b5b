package dev.crier.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.delivery.Attempt;
import dev.crier.delivery.DeliveryStatus;
import dev.crier.delivery.Outcome;
import dev.crier.delivery.SendResult;
import dev.crier.testing.Engine;
import dev.crier.testing.Receiver;
import dev.crier.testing.Receiver.Reply;
import dev.crier.testing.TestCrier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The outcome fence on a shared database: an outcome is written only while its writer holds the
 * subscription's lease, even when the lease moves to another node during the write (PostgreSQL
 * only: one SQLite process owns every subscription without leases).
 */
@Tag("cluster")
class OutcomeFenceTest {
  @Test
  void anOutcomeIsNotWrittenWhenTheLeaseMovesWhileItIsBeingWritten() throws Exception {
    try (Receiver receiver = Receiver.start(); TestCrier crier = TestCrier.start(Engine.POSTGRESQL)) {
      receiver.respond(r -> Reply.status(500)); // the first attempt fails and the next is an hour away
      var api = crier.api();
      crier.declare("fence.test");
      var hook =
          api.post("/v1/webhooks", "{\"url\": \"" + receiver.url("/f") + "\", \"events\": [\"fence.test\"],"
              + " \"retry_schedule\": [\"1h\", \"1h\"]}");
      assertThat(hook.status()).as(hook.body()).isEqualTo(201);
      String id = hook.json().get("id").stringValue();
      assertThat(api.post("/v1/events", "{\"type\": \"fence.test\", \"data\": {}}").status()).isEqualTo(202);
      receiver.await("/f", 1, Duration.ofSeconds(20));
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> attempts(crier, id) == 1);

      // a made-up node holds the lease for long; the running node loses it at its next tick
      sql(crier, "UPDATE leases SET owner = 'fenced-node', expires_at = expires_at + 3600000 WHERE subscription_id = ?", id);
      SqlDeliveries fenced = new SqlDeliveries(crier.crier().database(), "fenced-node");
      try (Connection thief = crier.database().connect()) {
        thief.setAutoCommit(false);
        try (PreparedStatement move = thief.prepareStatement("UPDATE leases SET owner = 'thief' WHERE subscription_id = ?")) {
          move.setString(1, id);
          move.executeUpdate();
        }
        // the lease is moving (not committed yet) while the fenced node writes its outcome
        CompletableFuture<Void> write = CompletableFuture.runAsync(() -> fenced.record(List.of(outcome(id))));
        Awaitility.await("the write finished, or waits for the lease row")
            .atMost(Duration.ofSeconds(20))
            .until(() -> write.isDone() || waitsForALock(crier));
        thief.commit();
        write.get();
      }

      assertThat(attempts(crier, id)).as("the outcome of a node whose lease moved is not written").isEqualTo(1);
    }
  }

  private static Outcome outcome(String id) {
    Instant now = Instant.now();
    Attempt attempt =
        new Attempt(2, false, now, List.of(), null, new SendResult.Failed(SendResult.Failed.Kind.CONNECTION, "x", Duration.ZERO));
    return new Outcome(id, 1, DeliveryStatus.PENDING, 2, now.plusSeconds(60), attempt);
  }

  private static boolean waitsForALock(TestCrier crier) throws Exception {
    try (Connection c = crier.database().connect();
        PreparedStatement q =
            c.prepareStatement("SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FOR SHARE%'");
        ResultSet rs = q.executeQuery()) {
      return rs.next() && rs.getInt(1) > 0;
    }
  }

  private static int attempts(TestCrier crier, String id) throws Exception {
    try (Connection c = crier.database().connect();
        PreparedStatement q = c.prepareStatement("SELECT attempts FROM deliveries WHERE subscription_id = ? AND sub_seq = 1")) {
      q.setString(1, id);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next() ? rs.getInt(1) : -1;
      }
    }
  }

  private static void sql(TestCrier crier, String sql, String id) throws Exception {
    try (Connection c = crier.database().connect(); PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, id);
      s.executeUpdate();
    }
  }
}
