package dev.crier.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.testing.Api;
import dev.crier.testing.AppToken;
import dev.crier.testing.Engine;
import dev.crier.testing.Receiver;
import dev.crier.testing.TestCrier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * What an app token may not reach even where a subscription kind has no event-type selector:
 * another integration's relay name, event types outside its scope heard through a path watch,
 * and another integration's delivery logs.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class TokenBoundariesTest {
  @Parameter Engine engine;
  static TestCrier crier;
  static Api admin;
  @AutoClose Receiver receiver = Receiver.start();

  @BeforeParameterizedClassInvocation
  static void start(Engine engine) {
    crier = TestCrier.start(engine, Map.of(dev.crier.config.Settings.Key.ALLOW_HTTP_CALLBACKS, "true"));
    admin = crier.api();
    crier.declare("client.create", "timer.running");
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    crier.close();
  }

  /** An app rooted at the receiver's /app, and a token of it for {@code account}. */
  AppToken integration(String account, String scope) {
    return AppToken.issue(admin, "Books", receiver.url("/app"), account, scope);
  }

  @Test
  void aRelayNameBelongsToTheIntegrationThatTookItFirst() throws Exception {
    AppToken first = integration("acme", "clients");
    AppToken second = integration("acme", "clients");
    String name = "relay:team-" + System.nanoTime();
    var mine = first.api().post("/v1/webhooks", "{\"url\": \"" + name + "\", \"events\": [\"client.create\"]}");
    assertThat(mine.status()).as(mine.body()).isEqualTo(201);
    var again = first.api().post("/v1/webhooks", "{\"url\": \"" + name + "\", \"events\": [\"client.create\"]}");
    assertThat(again.status()).as("the same integration may use its own name twice").isEqualTo(201);

    var theirs = second.api().post("/v1/webhooks", "{\"url\": \"" + name + "\", \"events\": [\"client.create\"]}");
    assertThat(theirs.status()).isEqualTo(422);
    assertThat(theirs.json().get("errors").get(0).get("field").stringValue()).isEqualTo("url");
    assertThat(theirs.json().get("errors").get(0).get("message").stringValue()).contains("used by another integration");

    var other = second.api().post("/v1/webhooks", "{\"url\": \"" + receiver.url("/app/hook") + "\", \"events\": [\"client.create\"]}");
    assertThat(other.status()).isEqualTo(201);
    var moved = second.api().send("PATCH", "/v1/webhooks/" + other.json().get("id").stringValue(), "{\"url\": \"" + name + "\"}", "application/json");
    assertThat(moved.status()).as("nor may it move a webhook onto the name").isEqualTo(422);

    assertThat(listen(second.token(), name.substring(6))).contains("event: error").contains("no relay named");
    assertThat(listen(first.token(), "nobody-" + System.nanoTime())).contains("event: error");
  }

  /** What the relay's server-sent-events stream says at once to a listener (it closes on refusal). */
  private static String listen(String token, String name) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(crier.api().base() + "/v1/relay/" + name + "/listen"))
            .header("Authorization", "Bearer " + token)
            .header("Accept", "text/event-stream")
            .timeout(Duration.ofSeconds(10))
            .build();
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }
  }

  @Test
  void aWatchMadeWithATokenHearsOnlyTheEventTypesInItsScope() {
    AppToken i = integration("acme", "clients");
    String root = "/projects/" + System.nanoTime();
    var watch = i.api().post("/v1/watches", "{\"pattern\": \"" + root + "\", \"endpoint\": \"" + receiver.url("/app/watch") + "\"}");
    assertThat(watch.status()).as(watch.body()).isEqualTo(201);
    String id = watch.json().get("id").asString();

    publish("timer.running", "acme", root + "/timer");
    publish("client.create", "acme", root + "/clients/1");
    publish("client.create", "globex", root + "/clients/2");

    List<Receiver.Request> got = receiver.await("/app/watch", 1, Duration.ofSeconds(10));
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> statuses(i.api(), "/v1/watches/" + id + "/deliveries").size() == 2
        && !statuses(i.api(), "/v1/watches/" + id + "/deliveries").contains("pending"));
    assertThat(got).hasSize(1);
    assertThat(got.get(0).json().get("type").stringValue()).isEqualTo("client");

    JsonNode log = i.api().get("/v1/watches/" + id + "/deliveries").json().get("items");
    JsonNode filtered = log.get(1);
    assertThat(filtered.get("event_type").stringValue()).isEqualTo("timer.running");
    assertThat(filtered.get("status").stringValue()).isEqualTo("filtered");
    assertThat(filtered.get("last_error").stringValue()).contains("scope").contains("timers:running");
    assertThat(log.get(0).get("status").stringValue()).isEqualTo("delivered");
    assertThat(receiver.requests("/app/watch")).hasSize(1);
  }

  @Test
  void everyKindThatDeliversHasADeliveryLogOnlyItsOwnerSees() {
    AppToken owner = integration("acme", "clients");
    AppToken stranger = integration("acme", "clients");
    var sub = owner.api().post("/api/subs", "{\"sub\": {\"channel\": \"client.create\", \"callback_url\": \"" + receiver.url("/app/subs") + "\"}}");
    assertThat(sub.status()).as(sub.body()).isEqualTo(201);
    String subId = sub.json().get("sub").get("id").stringValue();
    String root = "/teams/" + System.nanoTime();
    var watch = owner.api().post("/v1/watches", "{\"pattern\": \"" + root + "\", \"endpoint\": \"" + receiver.url("/app/w2") + "\"}");
    String watchId = watch.json().get("id").asString();

    publish("client.create", "acme", root + "/clients/9");
    receiver.await("/app/subs", 1, Duration.ofSeconds(10));
    receiver.await("/app/w2", 1, Duration.ofSeconds(10));

    for (String log : List.of("/v1/subscriptions/" + subId + "/deliveries", "/v1/watches/" + watchId + "/deliveries")) {
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> statuses(owner.api(), log).equals(List.of("delivered")));
      JsonNode item = owner.api().get(log).json().get("items").get(0);
      assertThat(item.get("event_type").stringValue()).isEqualTo("client.create");
      assertThat(item.get("subscription_id").asString()).isIn(subId, watchId);
      assertThat(admin.get(log).status()).isEqualTo(200);
      assertThat(stranger.api().get(log).status()).as("another integration's log is not found").isEqualTo(404);
      var one = owner.api().get("/v1/deliveries/" + item.get("id").stringValue());
      assertThat(one.json().get("attempts")).hasSize(1);
      assertThat(stranger.api().get("/v1/deliveries/" + item.get("id").stringValue()).status()).isEqualTo(404);
    }
    assertThat(owner.api().get("/v1/webhooks/" + subId + "/deliveries").status())
        .as("a channel subscription is not a webhook")
        .isEqualTo(404);
  }

  @Test
  void noahsRoutesFindOnlyTheCallersOwnWatches() {
    AppToken owner = integration("acme", "clients");
    AppToken stranger = integration("acme", "clients");
    String body = "{\"pattern\": \"//noah/application/x" + System.nanoTime() + "\", \"endpoint\": \"" + receiver.url("/app/noah") + "\"}";
    var created = owner.api().put("/w/", body);
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    String name = created.json().get("name").stringValue();

    assertThat(stranger.api().get("/v1/watches/" + name).status()).isEqualTo(404);
    assertThat(stranger.api().get("/v1/watches").json().get("items")).isEmpty();
    var refused = stranger.api().send("DELETE", "/w/", body, "application/json");
    assertThat(refused.status()).isEqualTo(404);
    assertThat(refused.json().get("error_message").stringValue()).isEqualTo("Resource not found");
    assertThat(owner.api().get("/v1/watches/" + name).status()).as("the owner's watch is still there").isEqualTo(200);

    var deleted = owner.api().send("DELETE", "/w/", body, "application/json");
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.json().get("action").stringValue()).isEqualTo("delete");
    assertThat(owner.api().get("/v1/watches/" + name).status()).isEqualTo(404);
  }

  @Test
  void aBroadcastReceiverMadeWithATokenHearsOnlyEventTypesInItsScope() {
    AppToken i = integration("acme", "timers:running");
    var receiverMade =
        i.api().post("/v1/broadcast-receivers", "{\"name\": \"t\", \"url\": \"" + receiver.url("/app/b") + "\", \"subjects\": [\"timer\"], \"interval_seconds\": 1}");
    assertThat(receiverMade.status()).as(receiverMade.body()).isEqualTo(201);
    String id = receiverMade.json().get("id").asString();
    admin.put("/v1/event-types/timer.stopped", "{\"description\": \"declared after the receiver was made\"}");

    String stopped = "https://api.example.com/timers/stopped-" + System.nanoTime();
    String running = "https://api.example.com/timers/running-" + System.nanoTime();
    admin.post("/v1/events", "{\"type\": \"timer.stopped\", \"account\": \"acme\", \"subject\": {\"url\": \"" + stopped + "\"}}");
    admin.post("/v1/events", "{\"type\": \"timer.running\", \"account\": \"acme\", \"subject\": {\"url\": \"" + running + "\"}}");

    Receiver.Request heard = receiver.await("/app/b", 1, Duration.ofSeconds(10)).get(0);
    assertThat(heard.json().get("subject").get("url").stringValue()).isEqualTo(running);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> i.api().get("/v1/broadcast-receivers/" + id + "/attempts").json().get("items").size() == 1);
    JsonNode refused = i.api().get("/v1/broadcast-receivers/" + id + "/attempts").json().get("items").get(0);
    assertThat(refused.toString()).contains("timers:stopped").contains(stopped);
    assertThat(receiver.requests("/app/b")).hasSize(1);
  }

  @Test
  void aMalformedRelayReportIsRefusedByField() {
    var r = admin.post("/v1/relay/anyone/results/some-id", "{\"status\": 200, \"headers\": [[\"a\"]], \"body\": \"%%%\", \"duration_ms\": \"soon\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(422);
    assertThat(r.json().get("errors").findValuesAsString("field")).containsExactlyInAnyOrder("headers", "body", "duration_ms");
  }

  private static void publish(String type, String account, String path) {
    var r = admin.post("/v1/events", "{\"type\": \"" + type + "\", \"account\": \"" + account + "\", \"subject\": {\"path\": \"" + path + "\"}}");
    assertThat(r.status()).as(r.body()).isEqualTo(202);
  }

  private static List<String> statuses(Api api, String log) {
    return api.get(log).json().get("items").findValuesAsString("status");
  }
}
