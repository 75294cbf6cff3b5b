package dev.crier.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.config.Settings;
import dev.crier.testing.Api;
import dev.crier.testing.Engine;
import dev.crier.testing.ManualClock;
import dev.crier.testing.Pause;
import dev.crier.testing.Receiver;
import dev.crier.testing.Receiver.Reply;
import dev.crier.testing.TestCrier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * An access token from issue to end: stored only hashed (and sealed), revoked together with every
 * subscription made with it in one transaction, and obeyed at delivery time, so that a token that
 * ends between publish and delivery gets nothing more.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class TokenLifecycleTest {
  @Parameter Engine engine;
  static TestCrier crier;
  static ManualClock clock;
  static Api admin;
  @AutoClose Receiver receiver = Receiver.start();

  @BeforeParameterizedClassInvocation
  static void start(Engine engine) {
    clock = new ManualClock();
    crier = TestCrier.start(engine, Map.of(Settings.Key.ALLOW_HTTP_CALLBACKS, "true"), clock);
    admin = crier.api();
    crier.declare("client.create", "timer.running");
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    crier.close();
  }

  record Caller(String tokenId, String token, Api api) {}

  private Caller integration(String extra) {
    var app = admin.post("/v1/apps", "{\"name\": \"Books\", \"url\": \"" + receiver.url("/app") + "\"}");
    assertThat(app.status()).as(app.body()).isEqualTo(201);
    var token =
        admin.post(
            "/v1/apps/" + app.json().get("id").stringValue() + "/tokens",
            "{\"account\": \"acme\", \"user_id\": \"u-1\", \"scope\": \"clients timers\"" + extra + "}");
    assertThat(token.status()).as(token.body()).isEqualTo(201);
    String plain = token.json().get("access_token").stringValue();
    return new Caller(token.json().get("id").stringValue(), plain, admin.withKey(plain));
  }

  @Test
  void aTokenIsStoredOnlyAsItsHashAndASealedCopy() throws Exception {
    Caller c = integration("");
    c.api().post("/api/subs", "{\"sub\": {\"channel\": \"client.create\", \"callback_url\": \"" + receiver.url("/app/stored") + "\"}}");
    List<String> tokenRow = row("SELECT * FROM tokens WHERE id = ?", c.tokenId());
    assertThat(tokenRow).isNotEmpty();
    assertThat(tokenRow).contains(sha256Hex(c.token()));
    String secretPart = c.token().substring("crt_".length());
    for (String table : List.of("tokens", "subscriptions", "apps")) {
      for (String value : everyValue(table)) {
        assertThat(value).as(table).doesNotContain(secretPart);
      }
    }
    assertThat(c.api().get("/api/subs").status()).as("the hash still finds the token").isEqualTo(200);
  }

  @Test
  void revokingDeletesEveryKindOfSubscriptionMadeWithTheToken() throws Exception {
    Caller c = integration("");
    Caller other = integration("");
    List<String> paths = List.of("/v1/webhooks/", "/v1/broadcast-receivers/", "/v1/watches/", "/v1/subscriptions/");
    List<String> mine = subscribeToEverything(c, "/app/revoked-" + System.nanoTime());
    List<String> theirs = subscribeToEverything(other, "/app/kept-" + System.nanoTime());
    // a broadcast subject waiting for its (daily) flush: rows beside the subscription itself
    admin.post("/v1/events", "{\"type\": \"timer.running\", \"account\": \"acme\", \"subject\": {\"url\": \"https://x/timers/revoked\"}}");
    assertThat(count("SELECT count(*) FROM broadcast_pending WHERE subscription_id = ?", mine.get(1))).isEqualTo(1);

    assertThat(admin.delete("/v1/tokens/" + c.tokenId()).status()).isEqualTo(204);
    for (int i = 0; i < 4; i++) {
      assertThat(admin.get(paths.get(i) + mine.get(i)).status()).as(paths.get(i)).isEqualTo(404);
      assertThat(admin.get(paths.get(i) + theirs.get(i)).status()).as("another token's " + paths.get(i)).isEqualTo(200);
    }
    assertThat(count("SELECT count(*) FROM subscriptions WHERE owner = ?", c.tokenId())).isZero();
    assertThat(count("SELECT count(*) FROM broadcast_pending WHERE subscription_id = ?", mine.get(1))).isZero();
    assertThat(admin.get("/v1/tokens/" + c.tokenId()).json().get("revoked_at").isNull()).isFalse();
    assertThat(c.api().get("/v1/webhooks").status()).isEqualTo(401);
  }

  @Test
  void aRevocationThatCannotDeleteTheSubscriptionsRevokesNothing() throws Exception {
    Caller c = integration("");
    List<String> mine = subscribeToEverything(c, "/app/atomic-" + System.nanoTime());
    execute(
        engine == Engine.SQLITE
            ? List.of("CREATE TRIGGER refuse_delete BEFORE DELETE ON subscriptions BEGIN SELECT RAISE(ABORT, 'refused by the test'); END")
            : List.of(
                "CREATE FUNCTION refuse_delete() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$ LANGUAGE plpgsql",
                "CREATE TRIGGER refuse_delete BEFORE DELETE ON subscriptions FOR EACH ROW EXECUTE FUNCTION refuse_delete()"));
    try {
      // refused by the database: an error answer (422 where the store classes it as refused data), never a half revocation
      assertThat(admin.delete("/v1/tokens/" + c.tokenId()).status()).isGreaterThanOrEqualTo(400);
    } finally {
      execute(List.of(engine == Engine.SQLITE ? "DROP TRIGGER refuse_delete" : "DROP TRIGGER refuse_delete ON subscriptions"));
    }
    assertThat(admin.get("/v1/tokens/" + c.tokenId()).json().get("revoked_at").isNull()).as("the token is not half revoked").isTrue();
    assertThat(c.api().get("/v1/watches").json().get("items")).hasSize(1);
    assertThat(c.api().get("/v1/broadcast-receivers").json().get("items")).hasSize(1);
    assertThat(count("SELECT count(*) FROM subscriptions WHERE owner = ?", c.tokenId())).isEqualTo(4);
    assertThat(mine).hasSize(4);
  }

  @Test
  void aTokenThatExpiresBetweenPublishAndDeliveryGetsNothingMore() {
    Caller c = integration(", \"expires_at\": \"" + clock.instant().plus(Duration.ofHours(1)) + "\"");
    var sub = c.api().post("/api/subs", "{\"sub\": {\"channel\": \"client.create\", \"callback_url\": \"" + receiver.url("/app/expiring") + "\"}}");
    String id = sub.json().get("sub").get("id").stringValue();
    receiver.respond(r -> Reply.status(503));
    admin.post("/v1/events", "{\"id\": \"exp-1-" + id + "\", \"type\": \"client.create\", \"account\": \"acme\"}");
    admin.post("/v1/events", "{\"id\": \"exp-2-" + id + "\", \"type\": \"client.create\", \"account\": \"acme\"}");
    receiver.await("/app/expiring", 1, Duration.ofSeconds(10));
    receiver.respond(r -> Reply.status(204));
    // the failure is judged (its retry timed on the clock as it is now) before the clock jumps
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> deliveries(id, "pending").stream().anyMatch(d -> d.get("attempt_count").intValue() == 1));

    clock.advance(Duration.ofHours(2)); // the retry is due, and the token has expired
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> deliveries(id, "filtered").size() == 2);
    assertThat(deliveries(id, "filtered").get(0).get("last_error").stringValue()).contains("revoked or has expired");
    assertThat(receiver.requests("/app/expiring")).as("only the attempt before expiry").hasSize(1);
    assertThat(c.api().get("/api/subs").status()).isEqualTo(401);
  }

  @Test
  void aTokenRevokedBetweenPublishAndDeliveryGetsNothingMore() {
    Caller c = integration("");
    var sub = c.api().post("/api/subs", "{\"sub\": {\"channel\": \"client.create\", \"callback_url\": \"" + receiver.url("/app/revoking") + "\"}}");
    String id = sub.json().get("sub").get("id").stringValue();
    receiver.respond(r -> Reply.status(503));
    admin.post("/v1/events", "[{\"type\": \"client.create\", \"account\": \"acme\"}, {\"type\": \"client.create\", \"account\": \"acme\"}]");
    receiver.await("/app/revoking", 1, Duration.ofSeconds(10));
    receiver.respond(r -> Reply.status(204));

    assertThat(admin.delete("/v1/tokens/" + c.tokenId()).status()).isEqualTo(204);
    clock.advance(Duration.ofHours(2)); // the retry, and the delivery queued behind it, are due
    Pause.millis(1000);
    assertThat(receiver.requests("/app/revoking")).as("nothing after the revocation").hasSize(1);
    assertThat(admin.get("/v1/subscriptions/" + id).status()).isEqualTo(404);
  }

  /** A webhook, a broadcast receiver, a watch and a channel subscription, by id in that order. */
  private List<String> subscribeToEverything(Caller c, String path) {
    var webhook = c.api().post("/v1/webhooks", "{\"url\": \"" + receiver.url(path + "/wh") + "\", \"events\": [\"client.create\"]}");
    var broadcast =
        c.api().post("/v1/broadcast-receivers", "{\"name\": \"t\", \"url\": \"" + receiver.url(path + "/bc") + "\", \"subjects\": [\"timer\"], \"interval_seconds\": 86400}");
    var watch = c.api().post("/v1/watches", "{\"pattern\": \"/lifecycle/" + System.nanoTime() + "\", \"endpoint\": \"" + receiver.url(path + "/watch") + "\"}");
    var sub = c.api().post("/api/subs", "{\"sub\": {\"channel\": \"client.create\", \"callback_url\": \"" + receiver.url(path + "/sub") + "\"}}");
    for (var created : List.of(webhook, broadcast, watch, sub)) assertThat(created.status()).as(created.body()).isEqualTo(201);
    return List.of(
        webhook.json().get("id").stringValue(),
        Long.toString(broadcast.json().get("id").longValue()),
        watch.json().get("id").asString(),
        sub.json().get("sub").get("id").stringValue());
  }

  private static List<JsonNode> deliveries(String sub, String status) {
    List<JsonNode> all = new ArrayList<>();
    admin.get("/v1/subscriptions/" + sub + "/deliveries?status=" + status).json().get("items").forEach(all::add);
    return all;
  }

  private static List<String> row(String sql, String id) throws Exception {
    List<String> values = new ArrayList<>();
    try (Connection c = crier.database().connect();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, id);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) values.add(rs.getString(i));
        }
      }
    }
    return values;
  }

  private static List<String> everyValue(String table) throws Exception {
    List<String> values = new ArrayList<>();
    try (Connection c = crier.database().connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
      while (rs.next()) {
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          if (rs.getString(i) != null) values.add(rs.getString(i));
        }
      }
    }
    return values;
  }

  private static long count(String sql, String id) throws Exception {
    try (Connection c = crier.database().connect();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, id);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static void execute(List<String> statements) throws Exception {
    try (Connection c = crier.database().connect();
        Statement s = c.createStatement()) {
      for (String sql : statements) s.execute(sql);
    }
  }

  private static String sha256Hex(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}
