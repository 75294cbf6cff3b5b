package dev.crier.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.testing.Api;
import dev.crier.testing.Engine;
import dev.crier.testing.ManualClock;
import dev.crier.testing.Pause;
import dev.crier.testing.Receiver;
import dev.crier.testing.Receiver.Reply;
import dev.crier.testing.TestCrier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * What a lane holds stays bounded (a burst beyond the bound is read back from the database), and
 * its retries wait on the monotonic clock, so a step of the wall clock neither stalls nor fires them.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class LaneBoundsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  @Parameter Engine engine;
  static TestCrier crier;
  static ManualClock clock;
  static Api api;
  @AutoClose Receiver receiver = Receiver.start();

  @BeforeParameterizedClassInvocation
  static void start(Engine engine) {
    clock = new ManualClock();
    crier = TestCrier.start(engine, Map.of(), clock);
    api = crier.api();
    crier.declare("entry.updated");
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    crier.close();
  }

  @Test
  void aBurstToASlowWebhookKeepsItsLaneBoundedAndIsDeliveredInOrder() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    receiver.respond(r -> {
      try {
        release.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Reply.status(204);
    });
    Webhook w = Webhook.create(api, "{\"url\": \"" + receiver.url("/burst") + "\", \"events\": [\"entry.updated\"]}");
    Webhook.publish(api, "entry.updated", "burst-" + w.id() + "-first", "{}");
    receiver.await("/burst", 1, WAIT); // the lane is busy with its first delivery from here on
    List<String> published = new ArrayList<>(List.of("burst-" + w.id() + "-first"));
    int most = 0;
    for (int batch = 0; batch < 30; batch++) {
      StringBuilder body = new StringBuilder("[");
      for (int i = 0; i < 100; i++) {
        String id = "burst-" + w.id() + "-" + (batch * 100 + i);
        published.add(id);
        body.append(i == 0 ? "" : ",").append("{\"id\": \"").append(id).append("\", \"type\": \"entry.updated\", \"data\": {}}");
      }
      assertThat(api.post("/v1/events", body.append("]").toString()).status()).isEqualTo(202);
      most = Math.max(most, crier.crier().engine().inboxSize(w.id()));
    }
    assertThat(most).as("deliveries held unread by the busy lane").isLessThanOrEqualTo(Lane.INBOX);

    release.countDown();
    Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> receiver.requests("/burst").size() >= published.size());
    List<String> seen = Receiver.withoutRepeats(receiver.requests("/burst")).stream().map(r -> r.json().get("id").stringValue()).toList();
    assertThat(seen).containsExactlyElementsOf(published);
    assertThat(receiver.maxConcurrent("/burst")).isEqualTo(1);
  }

  private Webhook failingOnce(String path) {
    receiver.respond(r -> receiver.requests(path).size() <= 1 ? Reply.status(500) : Reply.status(204));
    Webhook w = Webhook.create(api, "{\"url\": \"" + receiver.url(path) + "\", \"events\": [\"entry.updated\"], \"retry_schedule\": [\"10m\"]}");
    Webhook.publish(api, "entry.updated", "clock-" + w.id(), "{}");
    receiver.await(path, 1, WAIT);
    Awaitility.await().atMost(WAIT).until(() -> w.deliveries("pending").get(0).get("attempt_count").asInt() == 1);
    return w;
  }

  @Test
  void aWallClockStepBackDoesNotStallARetryBeyondItsDelay() {
    failingOnce("/step-back");
    clock.step(Duration.ofHours(-2));
    Pause.millis(300);
    assertThat(receiver.requests("/step-back")).as("not due yet").hasSize(1);
    clock.advance(Duration.ofMinutes(12)); // 10 min ± 10% have passed
    receiver.await("/step-back", 2, WAIT);
  }

  @Test
  void aWallClockStepForwardDoesNotFireARetryBeforeItsDelay() {
    failingOnce("/step-forward");
    clock.step(Duration.ofHours(3));
    Pause.millis(500);
    assertThat(receiver.requests("/step-forward")).as("only the wall clock moved").hasSize(1);
    clock.advance(Duration.ofMinutes(12));
    receiver.await("/step-forward", 2, WAIT);
  }
}
