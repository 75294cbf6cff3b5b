package dev.crier.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.testing.Api;
import dev.crier.testing.Engine;
import dev.crier.testing.Receiver;
import dev.crier.testing.TestCrier;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * On SQLite, delivery outcomes are written inside the publish committer's transactions (one
 * writer, so no second committer waiting in SQLite's busy handler). What must hold: there is no
 * second writer thread, and when the outcomes' part of a joint transaction fails, publishes are
 * still committed and answered, and the outcomes are written later, not lost.
 */
class OutcomesRideInCommitsTest {
  static TestCrier crier;
  static Api api;
  @AutoClose Receiver receiver = Receiver.start();

  @BeforeAll
  static void start() {
    crier = TestCrier.start(Engine.SQLITE);
    api = crier.api();
    crier.declare("ride.test");
  }

  @AfterAll
  static void stop() {
    crier.close();
  }

  @Test
  void sqliteHasOneWriterThread() {
    Webhook w = Webhook.create(api, "{\"url\": \"" + receiver.url("/one") + "\", \"events\": [\"ride.test\"]}");
    Webhook.publish(api, "ride.test", "one-" + w.id(), "{}");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> w.deliveries("delivered").size() == 1);
    assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
        .contains("crier-commit")
        .doesNotContain("crier-record");
  }

  @Test
  void aFailingOutcomeWriteNeitherRefusesPublishesNorIsLost() throws Exception {
    Webhook w = Webhook.create(api, "{\"url\": \"" + receiver.url("/fail") + "\", \"events\": [\"ride.test\"]}");
    try (Connection c = crier.database().connect(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE refuse_outcomes (x INTEGER)");
      s.execute("INSERT INTO refuse_outcomes VALUES (1)");
      s.execute("CREATE TRIGGER refuse_outcome BEFORE UPDATE OF status ON deliveries"
          + " WHEN EXISTS (SELECT 1 FROM refuse_outcomes) BEGIN SELECT RAISE(ABORT, 'outcomes refused'); END");
      try {
        for (int i = 0; i < 5; i++) {
          assertThat(api.post("/v1/events", "{\"id\": \"fail-" + i + "-" + w.id() + "\", \"type\": \"ride.test\"}").status())
              .isEqualTo(202);
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> receiver.requests("/fail").size() == 5);
        // sent, but the outcomes cannot be written: every delivery is still pending in the database
        assertThat(count(s, "SELECT COUNT(*) FROM deliveries WHERE subscription_id = '" + w.id() + "' AND status = 'pending'"))
            .isEqualTo(5);
        assertThat(api.post("/v1/events", "{\"id\": \"fail-late-" + w.id() + "\", \"type\": \"ride.test\"}").status())
            .as("a publish while outcomes fail").isEqualTo(202);
      } finally {
        s.execute("DELETE FROM refuse_outcomes");
      }
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> w.deliveries("delivered").size() == 6);
      s.execute("DROP TRIGGER refuse_outcome");
      s.execute("DROP TABLE refuse_outcomes");
    }
  }

  private static long count(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
