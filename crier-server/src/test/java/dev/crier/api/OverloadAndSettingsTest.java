package dev.crier.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crier.config.Settings;
import dev.crier.testing.Api;
import dev.crier.testing.Engine;
import dev.crier.testing.TestCrier;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Publishing under settings other than the defaults: a tiny commit queue, types declared on the fly. */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class OverloadAndSettingsTest {
  @Parameter Engine engine;

  @Test
  void aFullCommitQueueAnswers503WithRetryAfterAndLosesNothingAcknowledged() throws Exception {
    try (TestCrier crier = TestCrier.start(engine, Map.of(Settings.Key.PUBLISH_QUEUE_EVENTS, "2"))) {
      Api api = crier.api();
      api.put("/v1/event-types/queue.test", "{\"description\":\"x\"}");
      try (Connection lock = crier.database().connect()) {
        holdWriteLock(lock);
        // The first publish reaches the committer, which waits for the lock holding it.
        CompletableFuture<Api.Response> first =
            CompletableFuture.supplyAsync(() -> api.post("/v1/events", "{\"id\": \"q-1\", \"type\": \"queue.test\"}"));
        await().atMost(Duration.ofSeconds(10)).until(() -> api.metric("crier_publish_queue_events") >= 1);

        var refused = api.post("/v1/events", "[{\"id\": \"q-2\", \"type\": \"queue.test\"}, {\"id\": \"q-3\", \"type\": \"queue.test\"}]");
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        assertThat(refused.json().get("type").stringValue()).isEqualTo("urn:crier:problem:overloaded");

        releaseWriteLock(lock);
        assertThat(first.get().status()).isEqualTo(202);
      }
      assertThat(api.get("/v1/events/q-1").status()).isEqualTo(200);
      assertThat(api.get("/v1/events/q-2").status()).isEqualTo(404);
      assertThat(api.post("/v1/events", "{\"id\": \"q-2\", \"type\": \"queue.test\"}").status()).isEqualTo(202);
    }
  }

  @Test
  void undeclaredTypesAreDeclaredOnTheFlyWhenAllowed() {
    try (TestCrier crier = TestCrier.start(engine, Map.of(Settings.Key.AUTO_EVENT_TYPES, "true"))) {
      Api api = crier.api();
      assertThat(api.post("/v1/events", "{\"type\": \"invoice.paid\"}").status()).isEqualTo(202);
      assertThat(api.get("/v1/event-types/invoice.paid").status()).isEqualTo(200);
      assertThat(api.post("/v1/events", "{\"type\": \"NotAName\"}").status()).isEqualTo(422);
    }
  }

  private void holdWriteLock(Connection lock) throws Exception {
    try (Statement s = lock.createStatement()) {
      if (engine == Engine.SQLITE) {
        s.execute("BEGIN IMMEDIATE");
      } else {
        lock.setAutoCommit(false);
        s.execute("LOCK TABLE events IN EXCLUSIVE MODE");
      }
    }
  }

  private void releaseWriteLock(Connection lock) throws Exception {
    if (engine == Engine.SQLITE) {
      try (Statement s = lock.createStatement()) {
        s.execute("ROLLBACK");
      }
    } else {
      lock.rollback();
    }
  }
}
