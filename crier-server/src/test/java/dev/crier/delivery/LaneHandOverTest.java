package dev.crier.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.testing.Api;
import dev.crier.testing.Engine;
import dev.crier.testing.Pause;
import dev.crier.testing.Receiver;
import dev.crier.testing.Receiver.Reply;
import dev.crier.testing.TestCrier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A lane that hands over (the webhook turned ordered, disabled) first waits for its outcomes to
 * be written. When the database does not take them in time, the subscription must still get a
 * lane again once the database is back: a stopped lane left behind would strand it for good.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class LaneHandOverTest {
  @Parameter Engine engine;
  static TestCrier crier;
  static Api api;
  @AutoClose Receiver receiver = Receiver.start();

  /** The flush wait these tests outlast; a minute in production. */
  private static final Duration FLUSH_WAIT = Duration.ofSeconds(3);

  @BeforeParameterizedClassInvocation
  static void start(Engine engine) {
    RecordOutcomes.flushWait = FLUSH_WAIT;
    crier = TestCrier.start(engine);
    api = crier.api();
    crier.declare("handover.test");
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    crier.close();
    RecordOutcomes.flushWait = Duration.ofSeconds(60);
  }

  @Test
  void aHandOverWhoseOutcomesTheDatabaseDoesNotTakeInTimeDoesNotStrandTheWebhook() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    receiver.respond(r -> {
      if (r.json().get("data").get("n").intValue() == 1) {
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return Reply.status(204);
    });
    Webhook w = Webhook.create(api, "{\"url\": \"" + receiver.url("/handover") + "\", \"events\": [\"handover.test\"], \"ordered\": false}");
    Webhook.publish(api, "handover.test", "h1-" + w.id(), "{\"n\": 1}");
    receiver.await("/handover", 1, Duration.ofSeconds(20));
    // the unordered lane stops and waits for its attempt in flight before an ordered one starts
    assertThat(api.send("PATCH", "/v1/webhooks/" + w.id(), "{\"ordered\": true}", "application/json").status()).isEqualTo(200);

    try (Connection c = crier.database().connect(); Statement s = c.createStatement()) {
      // the database takes no outcome for longer than the lane's hand-over waits for it
      if (engine == Engine.SQLITE) {
        s.execute("BEGIN IMMEDIATE");
      } else {
        c.setAutoCommit(false);
        s.execute("LOCK TABLE deliveries IN EXCLUSIVE MODE");
      }
      release.countDown();
      Pause.millis(FLUSH_WAIT.toMillis() + 2_000); // past the flush wait
      if (engine == Engine.SQLITE) s.execute("ROLLBACK");
      else c.rollback();
    }

    Webhook.publish(api, "handover.test", "h2-" + w.id(), "{\"n\": 2}");
    Awaitility.await().atMost(Duration.ofSeconds(40)).until(() -> w.deliveries("delivered").size() == 2);
  }

  @Test
  void aResumeWhileTheDatabaseTakesNoOutcomesAnswers503() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    receiver.respond(r -> {
      if (r.path().equals("/halts")) return Reply.status(500);
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Reply.status(204);
    });
    Webhook halted = Webhook.create(api, "{\"url\": \"" + receiver.url("/halts") + "\", \"events\": [\"handover.test\"], \"retry_schedule\": []}");
    Webhook.publish(api, "handover.test", "r1-" + halted.id(), "{\"n\": 1}");
    halted.awaitStatus("halted");
    Webhook busy = Webhook.create(api, "{\"url\": \"" + receiver.url("/busy") + "\", \"events\": [\"handover.test\"], \"ordered\": false}");
    Webhook.publish(api, "handover.test", "r2-" + busy.id(), "{\"n\": 2}");
    receiver.await("/busy", 1, Duration.ofSeconds(20));

    try (Connection c = crier.database().connect(); Statement s = c.createStatement()) {
      if (engine == Engine.SQLITE) {
        s.execute("BEGIN IMMEDIATE");
      } else {
        c.setAutoCommit(false);
        s.execute("LOCK TABLE deliveries IN EXCLUSIVE MODE");
      }
      release.countDown(); // an outcome the database cannot take now
      try {
        // the resume waits for the outcomes recorded before it, which the database does not take
        HttpResponse<String> resumed =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create(crier.api().base() + "/v1/webhooks/" + halted.id() + "/resume"))
                        .header("Authorization", "Bearer " + TestCrier.ADMIN_KEY)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .timeout(Duration.ofSeconds(120))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(503);
      } finally {
        if (engine == Engine.SQLITE) s.execute("ROLLBACK");
        else c.rollback();
      }
    }
    Awaitility.await().atMost(Duration.ofSeconds(40)).until(() -> busy.deliveries("delivered").size() == 1);
  }
}
