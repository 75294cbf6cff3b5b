package dev.crier.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.testing.ChildCrier;
import dev.crier.testing.Engine;
import dev.crier.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two processes under one node id (a copied data directory) would both think they own the same
 * leases: the second refuses to start, and a node that finds its id taken while it was cut off
 * stops (PostgreSQL: nodes exist only on a shared database).
 */
@Tag("cluster")
class DuplicateNodeIdTest {
  private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  private static final String DUPLICATE = "crier: another running Crier has this node's id ";

  @Test
  void aSecondProcessUnderOneNodeIdRefusesAndAnOwnerThatLostItStops() throws Exception {
    Path root = Files.createTempDirectory("crier-dup");
    Path a = Files.createDirectories(root.resolve("a"));
    Path b = Files.createDirectories(root.resolve("b"));
    Map<String, String> env = Map.of("CRIER_MASTER_KEY", KEY, "CRIER_LEASE_SECONDS", "2");
    try (TestDatabase db = TestDatabase.create(Engine.POSTGRESQL, root);
        ChildCrier first = new ChildCrier(a, db.url(), env);
        ChildCrier copy = new ChildCrier(b, db.url(), env)) {
      first.start();
      Files.copy(a.resolve("node.id"), b.resolve("node.id"));
      String id = Files.readString(a.resolve("node.id")).trim();

      int refused = copy.startExpectingRefusal();
      assertThat(refused).as(copy.stderr()).isNotZero();
      assertOneLine(b, id);
      assertThat(first.api().get("/v1/events").status()).as("the first node goes on").isEqualTo(200);

      // cut off for longer than a lease, the first node's id looks free: the copy takes it...
      first.freeze();
      Awaitility.await("the first node's heartbeat is older than a lease")
          .atMost(Duration.ofSeconds(30))
          .until(() -> heartbeatAge(db, id) > 2_500);
      Files.deleteIfExists(b.resolve("child-stderr.log"));
      copy.start();
      // ...and the first, back, finds another process's token on its row and stops
      first.thaw();
      assertThat(first.awaitExit(30)).isNotZero();
      assertOneLine(a, id);
      assertThat(copy.api().get("/v1/events").status()).isEqualTo(200);
    }
  }

  private static void assertOneLine(Path dir, String id) throws Exception {
    List<String> lines = Files.readAllLines(dir.resolve("child-stderr.log"), UTF_8);
    assertThat(lines.stream().filter(l -> l.startsWith("crier: ")).toList())
        .as(String.join("\n", lines))
        .singleElement()
        .asString()
        .startsWith(DUPLICATE + id)
        .contains("CRIER_DATA_DIR");
    assertThat(lines).as("no stack trace").noneMatch(l -> l.startsWith("\tat "));
  }

  private static long heartbeatAge(TestDatabase db, String id) throws Exception {
    try (Connection c = db.connect();
        PreparedStatement q =
            c.prepareStatement(
                "SELECT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT - heartbeat_at FROM nodes WHERE id = ?")) {
      q.setString(1, id);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next() ? rs.getLong(1) : Long.MAX_VALUE;
      }
    }
  }
}
