package dev.crier.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.testing.Api;
import dev.crier.testing.Engine;
import dev.crier.testing.Receiver;
import dev.crier.testing.TestCrier;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Pruning deletes in bounded batches until nothing past the retention period is left, while
 * publishing goes on.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class PruneBatchesTest {
  private static final int EVENTS = 650; // to two webhooks: 1,300 deliveries, more than a batch
  private static final long FORTY_DAYS = Duration.ofDays(40).toMillis();

  @Parameter Engine engine;

  @Test
  void aPruneOfMoreThanABatchRemovesAllOfThemWhilePublishingGoesOn() throws Exception {
    try (Receiver receiver = Receiver.start(); TestCrier crier = TestCrier.start(engine)) {
      Api api = crier.api();
      crier.declare("old.thing", "fresh.thing");
      for (String path : List.of("/old1", "/old2")) {
        assertThat(api.post("/v1/webhooks", "{\"url\": \"" + receiver.url(path) + "\", \"events\": [\"old.*\"]}").status())
            .isEqualTo(201);
      }
      assertThat(api.post("/v1/webhooks", "{\"url\": \"" + receiver.url("/fresh") + "\", \"events\": [\"fresh.*\"]}").status())
          .isEqualTo(201);
      for (int from = 0; from < EVENTS; from += 130) {
        StringBuilder batch = new StringBuilder("[");
        for (int i = from; i < from + 130; i++) {
          batch.append(i == from ? "" : ",").append("{\"type\": \"old.thing\", \"data\": {\"n\": ").append(i).append("}}");
        }
        assertThat(api.post("/v1/events", batch.append(']').toString()).status()).isEqualTo(202);
      }
      Awaitility.await("every old delivery delivered")
          .atMost(Duration.ofSeconds(60))
          .until(() -> count(crier, "SELECT COUNT(*) FROM deliveries WHERE status = 'delivered'") == 2 * EVENTS);
      crier.crier().engine().flush();
      // past the retention period (the engine's clock stays put, so its own hourly prune does not run)
      sql(crier, "UPDATE deliveries SET updated_at = updated_at - " + FORTY_DAYS);
      sql(crier, "UPDATE events SET received_at = received_at - " + FORTY_DAYS);

      List<Integer> answers = Collections.synchronizedList(new ArrayList<>());
      CompletableFuture<Void> publishing =
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < 20; i++) {
                  answers.add(api.post("/v1/events", "{\"type\": \"fresh.thing\", \"data\": {\"n\": " + i + "}}").status());
                }
              });
      Pruned pruned = crier.crier().engine().prune();
      publishing.get();

      assertThat(pruned.deliveries()).isEqualTo(2 * EVENTS);
      assertThat(pruned.batches()).as("at most 1,000 rows a transaction").isGreaterThanOrEqualTo(2);
      assertThat(count(crier, "SELECT COUNT(*) FROM events WHERE type = 'old.thing'")).isZero();
      assertThat(answers).hasSize(20).allMatch(status -> status == 202);
      receiver.await("/fresh", 20, Duration.ofSeconds(30));
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> count(crier, "SELECT COUNT(*) FROM deliveries WHERE status = 'delivered'") == 20);
    }
  }

  private static long count(TestCrier crier, String sql) throws Exception {
    try (Connection c = crier.database().connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void sql(TestCrier crier, String sql) throws Exception {
    try (Connection c = crier.database().connect(); Statement s = c.createStatement()) {
      s.executeUpdate(sql);
    }
  }
}
