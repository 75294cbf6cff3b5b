package dev.crier.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.testing.Api;
import dev.crier.testing.AppToken;
import dev.crier.testing.Engine;
import dev.crier.testing.Receiver;
import dev.crier.testing.TestCrier;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What an app token's subscriptions hear is bounded by the token's user's rights on every kind:
 * a broadcast receiver's notices need the latest event's required permissions, and a token
 * revoked while a subscription is being made leaves no subscription behind.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class AppTokenRightsTest {
  @Parameter Engine engine;
  static TestCrier crier;
  static Api admin;
  @AutoClose Receiver receiver = Receiver.start();

  @BeforeParameterizedClassInvocation
  static void start(Engine engine) {
    crier = TestCrier.start(engine);
    admin = crier.api();
    crier.declare("timer.running");
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    crier.close();
  }

  private AppToken token(String permissions) {
    AppToken t = AppToken.issue(admin, "Timers", receiver.url("/app"), "acme", "timers");
    var set = admin.put("/v1/tokens/" + t.tokenId() + "/permissions", "{\"permissions\": " + permissions + "}");
    assertThat(set.status()).as(set.body()).isLessThan(300);
    return t;
  }

  private String receiverFor(AppToken t, String path) {
    var r = t.api().post("/v1/broadcast-receivers",
        "{\"name\": \"r\", \"url\": \"" + receiver.url("/app" + path) + "\", \"subjects\": [\"timer\"], \"interval_seconds\": 1}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return Long.toString(r.json().get("id").longValue());
  }

  @Test
  void aBroadcastReceiverHearsOnlyEventsItsUserMayRead() {
    AppToken plain = token("[]");
    AppToken payroll = token("[\"payroll.read\"]");
    String plainId = receiverFor(plain, "/plain");
    receiverFor(payroll, "/payroll");
    admin.post("/v1/events", "["
        + "{\"type\": \"timer.running\", \"account\": \"acme\", \"required_permissions\": [\"payroll.read\"], \"subject\": {\"url\": \"https://api.example.com/timers/1\"}},"
        + "{\"type\": \"timer.running\", \"account\": \"acme\", \"subject\": {\"url\": \"https://api.example.com/timers/2\"}}]");

    assertThat(receiver.await("/app/payroll", 2, Duration.ofSeconds(15))).as("the user with the permission hears both").hasSize(2);
    assertThat(receiver.await("/app/plain", 1, Duration.ofSeconds(15)).get(0).json().get("subject").get("url").stringValue())
        .endsWith("/timers/2");
    Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
        assertThat(plain.api().get("/v1/broadcast-receivers/" + plainId + "/attempts").body()).contains("lacks the permission payroll.read"));
    assertThat(receiver.requests("/app/plain")).hasSize(1);
  }

  @Test
  void aTokenRevokedWhileSubscriptionsAreBeingMadeLeavesNoneBehind() throws Exception {
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      // Three rounds: each makes up to six 401s, and 20 in a minute would get this address a 429.
      for (int round = 0; round < 3; round++) {
        AppToken t = token("[]");
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> creates = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          creates.add(pool.submit(() -> {
            go.await();
            return t.api().post("/v1/webhooks", "{\"url\": \"" + receiver.url("/app/race") + "\", \"events\": [\"timer.running\"]}").status();
          }));
        }
        Future<Integer> revoke = pool.submit(() -> {
          go.await();
          return admin.delete("/v1/tokens/" + t.tokenId()).status();
        });
        go.countDown();
        assertThat(revoke.get()).isEqualTo(204);
        for (Future<Integer> create : creates) assertThat(create.get()).as("made before the revoke, or refused").isIn(201, 401);
        assertThat(ownedBy(t.tokenId())).as("round " + round + ": subscriptions of a revoked token").isZero();
      }
    }
  }

  private int ownedBy(String tokenId) throws Exception {
    try (Connection c = crier.database().connect();
        var statement = c.prepareStatement("SELECT count(*) FROM subscriptions WHERE owner = ?")) {
      statement.setString(1, tokenId);
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
