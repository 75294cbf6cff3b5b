package dev.crier.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.crier.testing.Api;
import dev.crier.testing.Engine;
import dev.crier.testing.Pause;
import dev.crier.testing.Receiver;
import dev.crier.testing.TestCrier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Which webhooks an event reaches: the Webex-style data filter, and the in-memory index of
 * subscriptions following every change made through the API.
 *
 * <p>Webhooks here are ordered, so once a later event has arrived every earlier one that was
 * going to arrive has arrived: "not delivered" needs no waiting.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class WhoHearsWhatTest {
  @Parameter Engine engine;
  static TestCrier crier;
  static Api api;
  @AutoClose Receiver receiver = Receiver.start();

  @BeforeParameterizedClassInvocation
  static void start(Engine engine) {
    crier = TestCrier.start(engine);
    api = crier.api();
    crier.declare("order.placed", "alpha.one", "beta.one", "gamma.one", "delta.one");
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    crier.close();
  }

  @Test
  void aFilterDeliversOnlyEventsWhoseDataMatchesEveryCondition() {
    Webhook w =
        Webhook.create(
            api,
            "{\"url\": \"" + receiver.url("/filtered") + "\", \"events\": [\"order.placed\"], \"filter\": \"status=paid&customer.country=NZ\"}");
    assertThat(w.get().get("filter").stringValue()).isEqualTo("status=paid&customer.country=NZ");
    String p = w.id() + "-";
    Webhook.publish(api, "order.placed", p + "match", "{\"status\": \"paid\", \"customer\": {\"country\": \"NZ\"}, \"n\": 1}");
    Webhook.publish(api, "order.placed", p + "wrong-status", "{\"status\": \"pending\", \"customer\": {\"country\": \"NZ\"}}");
    Webhook.publish(api, "order.placed", p + "wrong-nested", "{\"status\": \"paid\", \"customer\": {\"country\": \"AU\"}}");
    Webhook.publish(api, "order.placed", p + "half-missing", "{\"status\": \"paid\"}");
    Webhook.publish(api, "order.placed", p + "container", "{\"status\": {\"is\": \"paid\"}, \"customer\": {\"country\": \"NZ\"}}");
    Webhook.publish(api, "order.placed", p + "last", "{\"status\": \"paid\", \"customer\": {\"country\": \"NZ\"}, \"n\": 2}");

    receiver.await("/filtered", 2, Duration.ofSeconds(10));
    assertThat(ids("/filtered")).containsExactly(p + "match", p + "last");
    assertThat(w.deliveries(null)).as("events that do not match make no delivery at all").hasSize(2);
  }

  @Test
  void afterAPatchOfEventsTheNewPatternIsHeardAndTheOldOneNot() {
    Webhook w = Webhook.create(api, "{\"url\": \"" + receiver.url("/patched") + "\", \"events\": [\"alpha.*\"]}");
    String p = w.id() + "-";
    Webhook.publish(api, "alpha.one", p + "a1", "{}");
    receiver.await("/patched", 1, Duration.ofSeconds(10));

    var patched = api.send("PATCH", "/v1/webhooks/" + w.id(), "{\"events\": [\"beta.*\"]}", "application/json");
    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    Webhook.publish(api, "alpha.one", p + "a2", "{}");
    Webhook.publish(api, "beta.one", p + "b1", "{}");

    receiver.await("/patched", 2, Duration.ofSeconds(10));
    assertThat(ids("/patched")).containsExactly(p + "a1", p + "b1");
    assertThat(w.deliveries(null)).extracting(d -> d.get("event_id").stringValue()).containsExactly(p + "b1", p + "a1");
  }

  @Test
  void aDeletedWebhookGetsNothing() throws Exception {
    Webhook doomed = Webhook.create(api, "{\"url\": \"" + receiver.url("/deleted") + "\", \"events\": [\"gamma.one\"]}");
    Webhook witness = Webhook.create(api, "{\"url\": \"" + receiver.url("/witness") + "\", \"events\": [\"gamma.one\"]}");
    Webhook.publish(api, "gamma.one", doomed.id() + "-before", "{}");
    receiver.await("/deleted", 1, Duration.ofSeconds(10));
    receiver.await("/witness", 1, Duration.ofSeconds(10));

    assertThat(api.delete("/v1/webhooks/" + doomed.id()).status()).isEqualTo(204);
    Webhook.publish(api, "gamma.one", doomed.id() + "-after", "{}");
    // the publish answer comes after its commit, which writes the delivery rows of every match;
    // the delivery made before the delete stays in the log
    assertThat(eventsDeliveredTo(doomed.id())).containsExactly(doomed.id() + "-before");
    receiver.await("/witness", 2, Duration.ofSeconds(10));
    Pause.millis(500);
    assertThat(ids("/deleted")).containsExactly(doomed.id() + "-before");
    assertThat(api.get("/v1/webhooks/" + doomed.id()).status()).isEqualTo(404);
  }

  /**
   * On a shared database a backstop compares the index with the table every 15 s. It once read
   * the table, then the index, and took a webhook created in between for a deleted one, so the
   * events published until the next comparison made no delivery for it. Here comparisons run
   * back to back while webhooks are created: after each one, every webhook whose creation was
   * answered must still be in the index, and at the end each must hear an event.
   */
  @Test
  void webhooksCreatedWhileTheIndexIsReconciledStayInIt() throws Exception {
    assumeTrue(engine == Engine.POSTGRESQL, "the reconcile runs on a shared database only");
    var engineUnderTest = crier.crier().engine();
    var stop = new java.util.concurrent.atomic.AtomicBoolean();
    List<String> created = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.Set<String> dropped = java.util.concurrent.ConcurrentHashMap.newKeySet();
    Thread reconciling = Thread.ofVirtual().start(() -> {
      while (!stop.get()) {
        engineUnderTest.reconcile();
        // each was put in the index before its creation was answered, so none may be missing
        for (String id : List.copyOf(created)) if (!engineUnderTest.indexes(id)) dropped.add(id);
      }
    });
    List<Thread> creators = new java.util.ArrayList<>();
    for (int t = 0; t < 4; t++) {
      creators.add(Thread.ofVirtual().start(() -> {
        for (int i = 0; i < 50; i++) {
          created.add(Webhook.create(api, "{\"url\": \"" + receiver.url("/reconciled") + "\", \"events\": [\"delta.one\"]}").id());
        }
      }));
    }
    for (Thread t : creators) t.join();
    stop.set(true);
    reconciling.join();

    assertThat(dropped).as("webhooks a reconcile took out of the index").isEmpty();
    Webhook.publish(api, "delta.one", "reconciled-after", "{}");
    List<String> unheard = new java.util.ArrayList<>();
    for (String id : created) if (!eventsDeliveredTo(id).contains("reconciled-after")) unheard.add(id);
    assertThat(unheard).as("webhooks the next event made no delivery for").isEmpty();
  }

  private static List<String> eventsDeliveredTo(String subscription) throws Exception {
    try (Connection c = crier.database().connect();
        PreparedStatement s = c.prepareStatement(
            "SELECT e.id FROM deliveries d JOIN events e ON e.seq = d.event_seq WHERE d.subscription_id = ?")) {
      s.setString(1, subscription);
      List<String> ids = new java.util.ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) ids.add(rs.getString(1));
      }
      return ids;
    }
  }

  private List<String> ids(String path) {
    return receiver.requests(path).stream().map(r -> r.json().get("id").stringValue()).toList();
  }
}
