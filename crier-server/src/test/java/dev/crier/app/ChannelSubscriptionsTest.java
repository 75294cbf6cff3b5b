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
import java.time.Duration;
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
 * Channel subscriptions through both of their APIs (SalesKing's {@code /api/subs}, Crier's
 * {@code /v1/subscriptions}), where a callback may point, how they retry and halt, and the
 * provider's management of the apps behind them.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class ChannelSubscriptionsTest {
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
    crier.declare("client.create", "client.update", "project.create");
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    crier.close();
  }

  record Integration(String appId, String tokenId, Api api) {}

  private static Integration integration(String appUrl, String scope) {
    var app = admin.post("/v1/apps", "{\"name\": \"Books\", \"url\": \"" + appUrl + "\"}");
    assertThat(app.status()).as(app.body()).isEqualTo(201);
    String appId = app.json().get("id").stringValue();
    var token = admin.post("/v1/apps/" + appId + "/tokens", "{\"account\": \"acme\", \"scope\": \"" + scope + "\"}");
    assertThat(token.status()).as(token.body()).isEqualTo(201);
    return new Integration(appId, token.json().get("id").stringValue(), admin.withKey(token.json().get("access_token").stringValue()));
  }

  private Integration integration() {
    return integration(receiver.url("/app"), "clients");
  }

  private static void publish(String id, String type) {
    var r = admin.post("/v1/events", "{\"id\": \"" + id + "\", \"type\": \"" + type + "\", \"account\": \"acme\", \"data\": {\"id\": \"" + id + "\"}}");
    assertThat(r.status()).as(r.body()).isEqualTo(202);
  }

  @Test
  void putChangesChannelAndCallbackAndDeliveriesFollow() {
    Integration i = integration();
    var created = i.api().post("/api/subs", "{\"sub\": {\"channel\": \"client.create\", \"callback_url\": \"" + receiver.url("/app/old") + "\"}}");
    String id = created.json().get("sub").get("id").stringValue();

    var put = i.api().put("/api/subs/" + id, "{\"sub\": {\"channel\": \"client.update\", \"callback_url\": \"" + receiver.url("/app/new") + "\"}}");
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    assertThat(put.json().get("sub").get("channel").stringValue()).isEqualTo("client.update");
    assertThat(put.json().get("sub").get("callback_url").stringValue()).isEqualTo(receiver.url("/app/new"));
    assertThat(i.api().get("/api/subs/" + id).json().get("sub").get("channel").stringValue()).isEqualTo("client.update");

    publish("put-old-" + id, "client.create");
    publish("put-new-" + id, "client.update");
    receiver.await("/app/new", 1, Duration.ofSeconds(10));
    // ordered: had the old channel still been heard, its event would have come first
    assertThat(receiver.requests("/app/new")).hasSize(1);
    assertThat(receiver.requests("/app/old")).isEmpty();
    assertThat(i.api().get("/v1/subscriptions/" + id + "/deliveries").json().get("items").findValuesAsString("event_id"))
        .containsExactly("put-new-" + id);
  }

  @Test
  void deleteRemovesTheSubscriptionFromBothApisAndFromDelivery() {
    Integration i = integration();
    var created = i.api().post("/api/subs", "{\"sub\": {\"channel\": \"client.create\", \"callback_url\": \"" + receiver.url("/app/gone") + "\"}}");
    String id = created.json().get("sub").get("id").stringValue();
    var deleted = i.api().delete("/api/subs/" + id);
    assertThat(deleted.status()).isEqualTo(204);
    assertThat(i.api().get("/api/subs/" + id).status()).isEqualTo(404);
    assertThat(i.api().get("/v1/subscriptions/" + id).status()).isEqualTo(404);
    assertThat(i.api().get("/api/subs").json().get("subs")).isEmpty();
    assertThat(i.api().delete("/api/subs/" + id).status()).isEqualTo(404);

    var witness = i.api().post("/api/subs", "{\"sub\": {\"channel\": \"client.create\", \"callback_url\": \"" + receiver.url("/app/witness") + "\"}}");
    publish("gone-" + id, "client.create");
    receiver.await("/app/witness", 1, Duration.ofSeconds(10));
    Pause.millis(500);
    assertThat(receiver.requests("/app/gone")).isEmpty();
    assertThat(i.api().delete("/v1/subscriptions/" + witness.json().get("sub").get("id").stringValue()).status()).isEqualTo(204);
    assertThat(i.api().get("/v1/subscriptions").json().get("items")).isEmpty();
  }

  @Test
  void crierStyleRoutesCreateListAndPatchTheSameSubscriptions() {
    Integration i = integration();
    var created = i.api().post("/v1/subscriptions", "{\"channel\": \"client.create\", \"callback_url\": \"" + receiver.url("/app/v1") + "\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode sub = created.json();
    String id = sub.get("id").stringValue();
    assertThat(sub.get("channel").stringValue()).isEqualTo("client.create");
    assertThat(sub.get("status").stringValue()).isEqualTo("active");
    assertThat(sub.get("app_id").stringValue()).isEqualTo(i.appId());
    assertThat(sub.get("account").stringValue()).isEqualTo("acme");
    assertThat(i.api().get("/api/subs/" + id).json().get("sub").get("callback_url").stringValue()).isEqualTo(receiver.url("/app/v1"));

    JsonNode list = i.api().get("/v1/subscriptions").json().get("items");
    assertThat(list).hasSize(1);
    assertThat(list.get(0).get("id").stringValue()).isEqualTo(id);
    assertThat(admin.get("/v1/subscriptions").json().get("items").findValuesAsString("id")).contains(id);

    var patched = i.api().send("PATCH", "/v1/subscriptions/" + id, "{\"callback_url\": \"" + receiver.url("/app/v1/moved") + "\"}", "application/json");
    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    assertThat(patched.json().get("callback_url").stringValue()).isEqualTo(receiver.url("/app/v1/moved"));
    assertThat(patched.json().get("channel").stringValue()).as("unchanged when not given").isEqualTo("client.create");
    publish("v1-" + id, "client.create");
    receiver.await("/app/v1/moved", 1, Duration.ofSeconds(10));
    assertThat(receiver.requests("/app/v1")).isEmpty();

    var unknown = i.api().send("PATCH", "/v1/subscriptions/" + id, "{\"channel\": \"client.explode\"}", "application/json");
    assertThat(unknown.status()).isEqualTo(422);
    var outOfScope = i.api().send("PATCH", "/v1/subscriptions/" + id, "{\"channel\": \"project.create\"}", "application/json");
    assertThat(outOfScope.status()).isEqualTo(403);
    assertThat(i.api().get("/v1/subscriptions/" + id).json().get("channel").stringValue()).isEqualTo("client.create");
  }

  @Test
  void aCallbackMustShareTheAppsSchemeHostAndPortAndLieUnderItsPath() {
    Integration i = integration("http://books.example.com:8080/app", "projects");
    String[] refused = {
      "https://books.example.com:8080/app/hook", // another scheme
      "http://books.example.com:9090/app/hook", // another port
      "http://books.example.com/app/hook", // the default port is another port too
      "http://other.example.com:8080/app/hook", // another host
      "http://books.example.com:8080/apple/hook", // beside the app's path, not under it
      "http://books.example.com:8080/hook", // above it
    };
    for (String url : refused) {
      var r = i.api().post("/api/subs", "{\"sub\": {\"channel\": \"project.create\", \"callback_url\": \"" + url + "\"}}");
      assertThat(r.status()).as(url).isEqualTo(422);
      assertThat(r.json().get("errors").get(0).get("field").stringValue()).isEqualTo("callback_url");
      assertThat(r.json().get("errors").get(0).get("message").stringValue()).as(url).contains("inside the app's URL");
    }
    for (String url : List.of("http://books.example.com:8080/app/hooks/projects", "http://BOOKS.example.com:8080/app", "http://books.example.com:8080/app/")) {
      var r = i.api().post("/api/subs", "{\"sub\": {\"channel\": \"project.create\", \"callback_url\": \"" + url + "\"}}");
      assertThat(r.status()).as(url + ": " + r.body()).isEqualTo(201);
      i.api().delete("/api/subs/" + r.json().get("sub").get("id").stringValue());
    }
  }

  @Test
  void aFailingCallbackIsRetriedOnTheScheduleThenHaltsAndHoldsBackLaterEvents() {
    Integration i = integration();
    var created = i.api().post("/api/subs", "{\"sub\": {\"channel\": \"client.create\", \"callback_url\": \"" + receiver.url("/app/failing") + "\"}}");
    String id = created.json().get("sub").get("id").stringValue();
    receiver.respond(r -> Reply.status(500).withBody("broken"));
    publish("halt-1-" + id, "client.create");
    publish("halt-2-" + id, "client.create");
    receiver.await("/app/failing", 1, Duration.ofSeconds(10));

    // the default schedule: 10s, 1m, 5m, 30m, 2h, 6h (each ±10%); seven hours covers any step
    for (int attempt = 2; attempt <= 7; attempt++) {
      int expected = attempt;
      clock.advance(Duration.ofHours(7));
      receiver.await("/app/failing", expected, Duration.ofSeconds(10));
    }
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> admin.get("/v1/subscriptions/" + id).json().get("status").stringValue().equals("halted"));
    clock.advance(Duration.ofHours(7));
    Pause.millis(500);
    List<Receiver.Request> sent = receiver.requests("/app/failing");
    assertThat(sent).as("one attempt and six retries, then nothing").hasSize(7);
    assertThat(sent).allMatch(r -> r.text().startsWith("signed_request="));

    JsonNode failed = admin.get("/v1/subscriptions/" + id + "/deliveries?status=failed").json().get("items");
    assertThat(failed).hasSize(1);
    assertThat(failed.get(0).get("event_id").stringValue()).isEqualTo("halt-1-" + id);
    assertThat(failed.get(0).get("attempt_count").intValue()).isEqualTo(7);
    assertThat(failed.get(0).get("last_response_status").intValue()).isEqualTo(500);
    assertThat(admin.get("/v1/subscriptions/" + id + "/deliveries?status=pending").json().get("items").findValuesAsString("event_id"))
        .as("the later event waits behind the halt")
        .containsExactly("halt-2-" + id);

    receiver.respond(r -> Reply.status(204));
    var resumed = i.api().post("/v1/subscriptions/" + id + "/resume", "");
    assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
    assertThat(resumed.json().get("status").stringValue()).isEqualTo("active");
    List<Receiver.Request> all = receiver.await("/app/failing", 9, Duration.ofSeconds(10));
    assertThat(all.subList(7, 9)).extracting(ChannelSubscriptionsTest::objectId)
        .as("resumed from the failed event, in order")
        .containsExactly("halt-1-" + id, "halt-2-" + id);
    assertThat(i.api().post("/v1/subscriptions/" + id + "/resume", "").status()).as("only a halted one resumes").isEqualTo(409);
  }

  @Test
  void aDisabledSubscriptionHearsNothingUntilEnabled() {
    Integration i = integration();
    var created = i.api().post("/api/subs", "{\"sub\": {\"channel\": \"client.create\", \"callback_url\": \"" + receiver.url("/app/off") + "\"}}");
    String id = created.json().get("sub").get("id").stringValue();
    assertThat(i.api().post("/v1/subscriptions/" + id + "/disable", "").json().get("status").stringValue()).isEqualTo("disabled");
    publish("off-1-" + id, "client.create");
    var enabled = admin.post("/v1/subscriptions/" + id + "/enable", "");
    assertThat(enabled.status()).as("the provider may enable it too").isEqualTo(200);
    assertThat(enabled.json().get("status").stringValue()).isEqualTo("active");
    publish("off-2-" + id, "client.create");
    assertThat(objectId(receiver.await("/app/off", 1, Duration.ofSeconds(10)).get(0)))
        .as("what was published while it was disabled is not delivered")
        .isEqualTo("off-2-" + id);
  }

  /** The client id inside a signed_request's payload. */
  private static String objectId(Receiver.Request r) {
    String value = java.net.URLDecoder.decode(r.text().substring("signed_request=".length()), java.nio.charset.StandardCharsets.UTF_8);
    String payload = new String(java.util.Base64.getUrlDecoder().decode(value.split("\\.")[1]), java.nio.charset.StandardCharsets.UTF_8);
    return Api.JSON.readTree(payload).get("obj").get("client").get("id").stringValue();
  }

  @Test
  void theProviderUpdatesAndDeletesApps() {
    Integration i = integration();
    var sub = i.api().post("/api/subs", "{\"sub\": {\"channel\": \"client.create\", \"callback_url\": \"" + receiver.url("/app/owned") + "\"}}");
    String subId = sub.json().get("sub").get("id").stringValue();

    var patched = admin.send("PATCH", "/v1/apps/" + i.appId(), "{\"name\": \"Books 2\", \"url\": \"" + receiver.url("/app2") + "\"}", "application/json");
    assertThat(patched.status()).as(patched.body()).isEqualTo(200);
    assertThat(patched.json().get("name").stringValue()).isEqualTo("Books 2");
    assertThat(patched.json().has("secret")).isFalse();
    assertThat(admin.get("/v1/apps/" + i.appId()).json().get("url").stringValue()).isEqualTo(receiver.url("/app2"));
    var outside = i.api().post("/api/subs", "{\"sub\": {\"channel\": \"client.create\", \"callback_url\": \"" + receiver.url("/app/x") + "\"}}");
    assertThat(outside.status()).as("callbacks now lie under the new URL").isEqualTo(422);
    assertThat(i.api().post("/api/subs", "{\"sub\": {\"channel\": \"client.create\", \"callback_url\": \"" + receiver.url("/app2/x") + "\"}}").status())
        .isEqualTo(201);
    assertThat(admin.send("PATCH", "/v1/apps/" + i.appId(), "{\"url\": \"ftp://books\"}", "application/json").status()).isEqualTo(422);
    assertThat(i.api().send("PATCH", "/v1/apps/" + i.appId(), "{\"name\": \"mine\"}", "application/json").status()).isEqualTo(403);

    assertThat(i.api().delete("/v1/apps/" + i.appId()).status()).as("only the provider deletes apps").isEqualTo(403);
    assertThat(admin.delete("/v1/apps/" + i.appId()).status()).isEqualTo(204);
    assertThat(admin.get("/v1/apps/" + i.appId()).status()).isEqualTo(404);
    assertThat(admin.get("/v1/subscriptions/" + subId).status()).as("its subscriptions go with it").isEqualTo(404);
    assertThat(admin.get("/v1/tokens/" + i.tokenId()).status()).isEqualTo(404);
    assertThat(i.api().get("/api/subs").status()).as("and its tokens").isEqualTo(401);
    assertThat(admin.delete("/v1/apps/" + i.appId()).status()).isEqualTo(404);
  }
}
