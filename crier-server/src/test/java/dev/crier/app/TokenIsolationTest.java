package dev.crier.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.config.Settings;
import dev.crier.testing.Api;
import dev.crier.testing.Engine;
import dev.crier.testing.Pause;
import dev.crier.testing.Receiver;
import dev.crier.testing.TestCrier;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What separates one app token from another, one axis at a time: another app of the same account,
 * and another account of the same app. On every subscription kind the other caller sees an empty
 * list and a 404 for each id and action, as if the subscription did not exist.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class TokenIsolationTest {
  @Parameter Engine engine;
  static TestCrier crier;
  static Api admin;
  @AutoClose Receiver receiver = Receiver.start();

  @BeforeParameterizedClassInvocation
  static void start(Engine engine) {
    crier = TestCrier.start(engine, Map.of(Settings.Key.ALLOW_HTTP_CALLBACKS, "true"));
    admin = crier.api();
    crier.declare("client.create", "timer.running");
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    crier.close();
  }

  record Caller(String appId, String tokenId, String token, Api api) {}

  /** The four kinds of subscription one caller made, by id. */
  record Owned(String webhook, String broadcast, String watch, String sub) {}

  private String app() {
    var app = admin.post("/v1/apps", "{\"name\": \"Books\", \"url\": \"" + receiver.url("/app") + "\"}");
    assertThat(app.status()).as(app.body()).isEqualTo(201);
    return app.json().get("id").stringValue();
  }

  private static Caller token(String appId, String account) {
    var token =
        admin.post("/v1/apps/" + appId + "/tokens", "{\"account\": \"" + account + "\", \"user_id\": \"u\", \"scope\": \"clients timers\"}");
    assertThat(token.status()).as(token.body()).isEqualTo(201);
    String plain = token.json().get("access_token").stringValue();
    return new Caller(appId, token.json().get("id").stringValue(), plain, admin.withKey(plain));
  }

  /** One subscription of every kind, made by {@code c}, all delivering under {@code path}. */
  private Owned subscribeToEverything(Caller c, String path) {
    String tag = Long.toString(System.nanoTime());
    var webhook = c.api().post("/v1/webhooks", "{\"url\": \"" + receiver.url(path + "/wh") + "\", \"events\": [\"client.create\"]}");
    var broadcast =
        c.api().post("/v1/broadcast-receivers", "{\"name\": \"t\", \"url\": \"" + receiver.url(path + "/bc") + "\", \"subjects\": [\"timer\"], \"interval_seconds\": 1}");
    var watch = c.api().post("/v1/watches", "{\"pattern\": \"/iso/" + tag + "\", \"endpoint\": \"" + receiver.url(path + "/watch") + "\"}");
    var sub = c.api().post("/api/subs", "{\"sub\": {\"channel\": \"client.create\", \"callback_url\": \"" + receiver.url(path + "/sub") + "\"}}");
    for (var created : List.of(webhook, broadcast, watch, sub)) assertThat(created.status()).as(created.body()).isEqualTo(201);
    return new Owned(
        webhook.json().get("id").stringValue(),
        Long.toString(broadcast.json().get("id").longValue()),
        watch.json().get("id").asString(),
        sub.json().get("sub").get("id").stringValue());
  }

  /** Every route that names one of these subscriptions: reads, changes and actions. */
  private static List<String[]> routesOf(Owned o) {
    String wh = "/v1/webhooks/" + o.webhook();
    String bc = "/v1/broadcast-receivers/" + o.broadcast();
    String w = "/v1/watches/" + o.watch();
    return List.of(
        new String[] {"GET", wh, null},
        new String[] {"PATCH", wh, "{\"name\": \"mine now\"}"},
        new String[] {"POST", wh + "/disable", ""},
        new String[] {"POST", wh + "/enable", ""},
        new String[] {"POST", wh + "/resume", ""},
        new String[] {"POST", wh + "/ping", ""},
        new String[] {"POST", wh + "/rotate-secret", ""},
        new String[] {"GET", wh + "/deliveries", null},
        new String[] {"GET", bc, null},
        new String[] {"PATCH", bc, "{\"name\": \"mine now\"}"},
        new String[] {"POST", bc + "/add-subjects", "{\"subjects\": [\"client\"]}"},
        new String[] {"POST", bc + "/remove-subjects", "{\"subjects\": [\"timer\"]}"},
        new String[] {"POST", bc + "/disable", ""},
        new String[] {"POST", bc + "/enable", ""},
        new String[] {"POST", bc + "/reroll-secret", ""},
        new String[] {"GET", bc + "/attempts", null},
        new String[] {"GET", w, null},
        new String[] {"POST", w + "/resume", ""},
        new String[] {"GET", w + "/deliveries", null},
        new String[] {"GET", "/api/subs/" + o.sub(), null},
        new String[] {"PUT", "/api/subs/" + o.sub(), "{\"sub\": {\"channel\": \"client.create\"}}"},
        new String[] {"GET", "/v1/subscriptions/" + o.sub(), null},
        new String[] {"PATCH", "/v1/subscriptions/" + o.sub(), "{\"channel\": \"client.create\"}"},
        new String[] {"GET", "/v1/subscriptions/" + o.sub() + "/deliveries", null},
        new String[] {"DELETE", wh, null},
        new String[] {"DELETE", bc, null},
        new String[] {"DELETE", w, null},
        new String[] {"DELETE", "/api/subs/" + o.sub(), null},
        new String[] {"DELETE", "/v1/subscriptions/" + o.sub(), null});
  }

  private static void assertInvisibleTo(Caller stranger, Caller owner, Owned o) {
    assertThat(stranger.api().get("/v1/webhooks").json().get("items")).isEmpty();
    assertThat(stranger.api().get("/v1/broadcast-receivers").json().get("items")).isEmpty();
    assertThat(stranger.api().get("/v1/watches").json().get("items")).isEmpty();
    assertThat(stranger.api().get("/api/subs").json().get("subs")).isEmpty();
    assertThat(stranger.api().get("/v1/subscriptions").json().get("items")).isEmpty();
    for (String[] route : routesOf(o)) {
      var answer = stranger.api().send(route[0], route[1], route[2], "application/json");
      assertThat(answer.status()).as(route[0] + " " + route[1] + ": " + answer.body()).isEqualTo(404);
    }
    // nothing the stranger tried changed anything
    assertThat(owner.api().get("/v1/webhooks/" + o.webhook()).json().get("name").stringValue()).isNotEqualTo("mine now");
    assertThat(owner.api().get("/v1/webhooks/" + o.webhook()).json().get("status").stringValue()).isEqualTo("active");
    assertThat(owner.api().get("/v1/broadcast-receivers/" + o.broadcast()).json().get("subjects").toString()).isEqualTo("[\"timer\"]");
    assertThat(owner.api().get("/v1/watches/" + o.watch()).status()).isEqualTo(200);
    assertThat(owner.api().get("/api/subs/" + o.sub()).status()).isEqualTo(200);
    assertThat(owner.api().get("/v1/webhooks").json().get("items")).hasSize(1);
    assertThat(owner.api().get("/v1/broadcast-receivers").json().get("items")).hasSize(1);
    assertThat(owner.api().get("/v1/watches").json().get("items")).hasSize(1);
    assertThat(owner.api().get("/api/subs").json().get("subs")).hasSize(1);
    assertThat(owner.api().get("/v1/subscriptions").json().get("items")).hasSize(1);
  }

  @Test
  void anotherAppOfTheSameAccountSeesNoneOfAnAppsSubscriptions() {
    Caller owner = token(app(), "acme");
    Caller otherApp = token(app(), "acme");
    Owned o = subscribeToEverything(owner, "/app/apps");
    assertInvisibleTo(otherApp, owner, o);
  }

  @Test
  void anotherAccountOfTheSameAppSeesNoneOfItsSubscriptions() {
    String app = app();
    Caller acme = token(app, "acme");
    Caller globex = token(app, "globex");
    Owned o = subscribeToEverything(acme, "/app/accounts");
    assertInvisibleTo(globex, acme, o);
  }

  @Test
  void eventsOfAnotherAccountReachNoKindOfSubscriptionOfTheSameApp() {
    String app = app();
    Caller acme = token(app, "acme");
    String tag = Long.toString(System.nanoTime());
    String root = "/projects/" + tag;
    acme.api().post("/v1/webhooks", "{\"url\": \"" + receiver.url("/app/ev/wh") + "\", \"events\": [\"client.create\"]}");
    acme.api().post("/v1/broadcast-receivers", "{\"name\": \"t\", \"url\": \"" + receiver.url("/app/ev/bc") + "\", \"subjects\": [\"timer\"], \"interval_seconds\": 1}");
    acme.api().post("/v1/watches", "{\"pattern\": \"" + root + "\", \"endpoint\": \"" + receiver.url("/app/ev/watch") + "\"}");
    acme.api().post("/api/subs", "{\"sub\": {\"channel\": \"client.create\", \"callback_url\": \"" + receiver.url("/app/ev/sub") + "\"}}");
    token(app, "globex"); // the same app holds a token for the other account too

    publish("globex", root + "/globex", "https://x/timers/globex-" + tag);
    publish("acme", root + "/acme", "https://x/timers/acme-" + tag);
    for (String kind : List.of("wh", "bc", "watch", "sub")) receiver.await("/app/ev/" + kind, 1, Duration.ofSeconds(10));
    Pause.millis(1500); // a broadcast interval: a globex timer would have been flushed by now
    for (String kind : List.of("wh", "sub")) {
      assertThat(receiver.requests("/app/ev/" + kind)).as(kind).hasSize(1);
    }
    assertThat(receiver.requests("/app/ev/wh").get(0).json().get("data").get("account").stringValue()).isEqualTo("acme");
    assertThat(receiver.requests("/app/ev/watch")).extracting(r -> r.json().get("path").stringValue()).containsExactly(root + "/acme");
    assertThat(receiver.requests("/app/ev/bc")).extracting(r -> r.json().get("subject").get("url").stringValue())
        .containsExactly("https://x/timers/acme-" + tag);
  }

  private static void publish(String account, String path, String timer) {
    var r =
        admin.post(
            "/v1/events",
            "[{\"type\": \"client.create\", \"account\": \"" + account + "\", \"data\": {\"account\": \"" + account + "\"}, \"subject\": {\"path\": \"" + path + "\"}},"
                + " {\"type\": \"timer.running\", \"account\": \"" + account + "\", \"subject\": {\"url\": \"" + timer + "\"}}]");
    assertThat(r.status()).as(r.body()).isEqualTo(202);
  }
}
