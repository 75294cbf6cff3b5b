package dev.crier.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.testing.Api;
import dev.crier.testing.Engine;
import dev.crier.testing.Pause;
import dev.crier.testing.Receiver;
import dev.crier.testing.Receiver.Reply;
import dev.crier.testing.TestCrier;
import dev.crier.verify.SignedRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/** Apps, tokens, scopes, permissions and channel subscriptions, as the SalesKing seed has them. */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class AppsAndChannelsTest {
  @Parameter Engine engine;
  static TestCrier crier;
  static Api admin;
  @AutoClose Receiver receiver = Receiver.start();

  @BeforeParameterizedClassInvocation
  static void start(Engine engine) {
    crier = TestCrier.start(engine, Map.of(dev.crier.config.Settings.Key.ALLOW_HTTP_CALLBACKS, "true"));
    admin = crier.api();
    crier.declare("client.create", "client.update", "invoice.delete", "timer.running");
    admin.put("/v1/event-types/person.create", "{\"description\":\"irregular plural\", \"scope\": \"people\"}");
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    crier.close();
  }

  /** An app rooted at the receiver, and a token for it. */
  record Integration(String appId, String secret, String tokenId, String token, Api api) {}

  Integration integration(String account, String scope, String permissions) {
    var app = admin.post("/v1/apps", "{\"name\": \"Books\", \"url\": \"" + receiver.url("/app") + "\"}");
    assertThat(app.status()).as(app.body()).isEqualTo(201);
    String appId = app.json().get("id").stringValue();
    var token =
        admin.post(
            "/v1/apps/" + appId + "/tokens",
            "{\"account\": \"" + account + "\", \"user_id\": \"u-1\", \"sub_domain\": \"729831939\", \"scope\": \"" + scope + "\", \"permissions\": " + permissions + "}");
    assertThat(token.status()).as(token.body()).isEqualTo(201);
    String plain = token.json().get("access_token").stringValue();
    return new Integration(appId, app.json().get("secret").stringValue(), token.json().get("id").stringValue(), plain, admin.withKey(plain));
  }

  static String subscribe(Integration i, String channel, String callback) {
    var r = i.api().post("/api/subs", "{\"sub\": {\"channel\": \"" + channel + "\", \"callback_url\": \"" + callback + "\"}}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("sub").get("id").stringValue();
  }

  @Test
  void theSeedsSignedRequestVectorHolds() throws Exception {
    String vector = "60673142fdda45f3185cbd51c070596950a9178e20f785703723ad8e0ff04833.eyJrZXkiOiJ2YWx1ZSJ9";
    assertThat(SignedRequest.sign("{\"key\":\"value\"}", "secret")).isEqualTo(vector);
    assertThat(hmacHex("secret", "eyJrZXkiOiJ2YWx1ZSJ9")).isEqualTo(vector.substring(0, 64));
    assertThat(SignedRequest.parse(vector, "secret")).isEqualTo("{\"key\":\"value\"}");
  }

  @Test
  void anIntegratorListsChannelsSubscribesAndReceivesASignedRequest() throws Exception {
    Integration i = integration("acme", "clients api/clients", "[]");
    var channels = i.api().get("/api/subs/channels");
    assertThat(channels.json().isArray()).isTrue();
    List<String> names = new ArrayList<>();
    channels.json().forEach(n -> names.add(n.stringValue()));
    assertThat(names).contains("client.create", "invoice.delete").noneMatch(n -> n.startsWith("crier."));

    String sub = subscribe(i, "client.create", receiver.url("/app/hooks/clients"));
    assertThat(i.api().get("/api/subs").json().get("subs").findValuesAsString("id")).contains(sub);
    admin.post("/v1/events", "{\"type\": \"client.create\", \"account\": \"acme\", \"subject\": {\"url\": \"https://api.example.com/clients/7\"}, \"data\": {\"name\": \"Noko\"}}");

    Receiver.Request request = receiver.await("/app/hooks/clients", 1, Duration.ofSeconds(10)).get(0);
    assertThat(request.header("content-type")).startsWith("application/x-www-form-urlencoded");
    assertThat(request.text()).startsWith("signed_request=");
    String value = URLDecoder.decode(request.text().substring("signed_request=".length()), StandardCharsets.UTF_8);
    String[] parts = value.split("\\.");
    assertThat(parts[0]).isEqualTo(hmacHex(i.secret(), parts[1]));
    assertThat(parts[1]).doesNotContain("=");
    JsonNode json = Api.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
    assertThat(SignedRequest.parse(value, i.secret())).isEqualTo(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    assertThat(json.get("obj").get("client").get("name").stringValue()).isEqualTo("Noko");
    assertThat(json.get("obj").get("links").get(0).get("href").stringValue()).isEqualTo("https://api.example.com/clients/7");
    assertThat(json.get("company_id").stringValue()).isEqualTo("acme");
    assertThat(json.get("user_id").stringValue()).isEqualTo("u-1");
    assertThat(json.get("sub_domain").stringValue()).isEqualTo("729831939");
    assertThat(json.get("access_token").stringValue()).isEqualTo(i.token());
    assertThat(json.get("algorithm").stringValue()).isEqualTo("HMAC-SHA256");
    assertThat(json.get("issued_at").stringValue()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    assertThat(json.has("expires")).isTrue();
  }

  @Test
  void theScopeDecidesWhichChannelsATokenMayHear() {
    Integration i = integration("acme", "clients:create api/invoices", "[]");
    subscribe(i, "client.create", receiver.url("/app/ok"));
    var update = i.api().post("/api/subs", "{\"sub\": {\"channel\": \"client.update\", \"callback_url\": \"" + receiver.url("/app/x") + "\"}}");
    assertThat(update.status()).isEqualTo(403);
    assertThat(update.json().get("detail").stringValue()).contains("clients:update");
    var api = i.api().post("/api/subs", "{\"sub\": {\"channel\": \"invoice.delete\", \"callback_url\": \"" + receiver.url("/app/x") + "\"}}");
    assertThat(api.status()).as("api/ scopes grant no notifications").isEqualTo(403);
    Integration people = integration("acme", "people", "[]");
    subscribe(people, "person.create", receiver.url("/app/people"));
    var webhook = i.api().post("/v1/webhooks", "{\"url\": \"" + receiver.url("/app/wh") + "\", \"events\": [\"invoice.delete\"]}");
    assertThat(webhook.status()).as("webhooks made with a token obey its scope too").isEqualTo(403);
  }

  @Test
  void callbacksMustBeInsideTheAppAndChannelsDeclared() {
    Integration i = integration("acme", "clients", "[]");
    var outside = i.api().post("/api/subs", "{\"sub\": {\"channel\": \"client.create\", \"callback_url\": \"https://elsewhere.example.com/hook\"}}");
    assertThat(outside.status()).isEqualTo(422);
    assertThat(outside.json().get("errors").get(0).get("field").stringValue()).isEqualTo("callback_url");
    assertThat(outside.json().get("errors").get(0).get("message").stringValue()).contains("inside the app's URL");
    var sibling = i.api().post("/api/subs", "{\"sub\": {\"channel\": \"client.create\", \"callback_url\": \"" + receiver.url("/application") + "\"}}");
    assertThat(sibling.status()).as("a path beside the app's, not under it").isEqualTo(422);
    var undeclared = i.api().post("/api/subs", "{\"sub\": {\"channel\": \"client.explode\", \"callback_url\": \"" + receiver.url("/app/x") + "\"}}");
    assertThat(undeclared.status()).isEqualTo(422);
    assertThat(undeclared.json().get("errors").get(0).get("field").stringValue()).isEqualTo("channel");
    assertThat(admin.post("/api/subs", "{\"sub\": {\"channel\": \"client.create\", \"callback_url\": \"https://x\"}}").status())
        .as("only app tokens hold channel subscriptions")
        .isEqualTo(403);
  }

  @Test
  void revokingATokenDeletesItsSubscriptionsAndLocksItOut() {
    Integration i = integration("acme", "clients", "[]");
    String sub = subscribe(i, "client.create", receiver.url("/app/rev"));
    var webhook = i.api().post("/v1/webhooks", "{\"url\": \"" + receiver.url("/app/wh") + "\", \"events\": [\"client.update\"]}");
    String webhookId = webhook.json().get("id").stringValue();
    assertThat(admin.get("/v1/subscriptions/" + sub).status()).isEqualTo(200);
    assertThat(admin.delete("/v1/tokens/" + i.tokenId()).status()).isEqualTo(204);
    assertThat(admin.get("/v1/subscriptions/" + sub).status()).isEqualTo(404);
    assertThat(admin.get("/v1/webhooks/" + webhookId).status()).isEqualTo(404);
    assertThat(i.api().get("/api/subs").status()).isEqualTo(401);
    admin.post("/v1/events", "{\"type\": \"client.create\", \"account\": \"acme\"}");
    Pause.millis(500);
    assertThat(receiver.requests()).isEmpty();
  }

  @Test
  void anExpiredTokenIsRefused() {
    var app = admin.post("/v1/apps", "{\"name\": \"Short\", \"url\": \"https://short.example.com\"}");
    var token =
        admin.post(
            "/v1/apps/" + app.json().get("id").stringValue() + "/tokens",
            "{\"account\": \"acme\", \"scope\": \"clients\", \"expires_at\": \"" + Instant.now().plusMillis(800) + "\"}");
    String plain = token.json().get("access_token").stringValue();
    assertThat(admin.withKey(plain).get("/api/subs").status()).isEqualTo(200);
    Pause.millis(1200);
    assertThat(admin.withKey(plain).get("/api/subs").status()).isEqualTo(401);
  }

  @Test
  void anEventTheUserMayNotSeeIsFilteredAtDeliveryTimeEvenIfRolesChangeAfterPublish() {
    Integration i = integration("acme", "invoices clients", "[\"invoices:delete\"]");
    receiver.respond(r -> receiver.requests().size() == 1 ? Reply.status(503) : Reply.status(204));
    var webhook = i.api().post("/v1/webhooks", "{\"url\": \"" + receiver.url("/app/perm") + "\", \"events\": [\"invoice.delete\", \"client.create\"], \"retry_schedule\": [\"1s\"]}");
    String id = webhook.json().get("id").stringValue();
    admin.post("/v1/events", "{\"id\": \"perm-0-" + id + "\", \"type\": \"client.create\", \"account\": \"acme\"}");
    admin.post("/v1/events", "{\"id\": \"perm-1-" + id + "\", \"type\": \"invoice.delete\", \"account\": \"acme\", \"required_permissions\": [\"invoices:delete\"]}");
    receiver.await("/app/perm", 1, Duration.ofSeconds(10));
    assertThat(admin.put("/v1/tokens/" + i.tokenId() + "/permissions", "{\"permissions\": []}").status()).isEqualTo(200);

    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> deliveries(i.api(), id, "filtered").size() == 1);
    JsonNode filtered = deliveries(i.api(), id, "filtered").get(0);
    assertThat(filtered.get("event_id").stringValue()).isEqualTo("perm-1-" + id);
    assertThat(filtered.get("last_error").stringValue()).contains("invoices:delete");
    assertThat(receiver.requests("/app/perm")).extracting(r -> r.json().get("id").stringValue()).containsOnly("perm-0-" + id);

    admin.put("/v1/tokens/" + i.tokenId() + "/permissions", "{\"permissions\": [\"invoices:delete\"]}");
    admin.post("/v1/events", "{\"id\": \"perm-2-" + id + "\", \"type\": \"invoice.delete\", \"account\": \"acme\", \"required_permissions\": [\"invoices:delete\"]}");
    receiver.await("/app/perm", 3, Duration.ofSeconds(10));
  }

  @Test
  void appsAndAccountsAreIsolatedOnEverySubscriptionKind() {
    Integration acme = integration("acme", "clients timers", "[]");
    Integration globex = integration("globex", "clients timers", "[]");
    String sub = subscribe(acme, "client.create", receiver.url("/app/iso-sub"));
    String webhook = acme.api().post("/v1/webhooks", "{\"url\": \"" + receiver.url("/app/iso-wh") + "\", \"events\": [\"client.create\"]}").json().get("id").stringValue();
    long broadcast =
        acme.api().post("/v1/broadcast-receivers", "{\"name\": \"t\", \"url\": \"" + receiver.url("/app/iso-bc") + "\", \"subjects\": [\"timer\"], \"interval_seconds\": 1}")
            .json().get("id").longValue();

    var watchCreated = acme.api().post("/v1/watches", "{\"pattern\": \"/projects/1\", \"endpoint\": \"" + receiver.url("/app/iso-watch") + "\"}");
    assertThat(watchCreated.status()).as(watchCreated.body()).isEqualTo(201);
    String watch = watchCreated.json().get("id").stringValue();
    assertThat(acme.api().post("/v1/watches", "{\"pattern\": \"/projects/2\", \"endpoint\": \"https://elsewhere.example.com/w\"}").status())
        .as("a token's watch endpoint lies inside its app").isEqualTo(422);
    for (String path : List.of("/v1/subscriptions/" + sub, "/api/subs/" + sub, "/v1/webhooks/" + webhook, "/v1/broadcast-receivers/" + broadcast, "/v1/watches/" + watch)) {
      assertThat(globex.api().get(path).status()).as(path).isEqualTo(404);
      assertThat(acme.api().get(path).status()).as(path).isEqualTo(200);
      assertThat(admin.get(path).status()).as(path).isEqualTo(200);
    }
    assertThat(globex.api().get("/v1/webhooks").json().get("items")).isEmpty();
    assertThat(globex.api().get("/v1/watches").json().get("items")).isEmpty();
    assertThat(globex.api().get("/api/subs").json().get("subs")).isEmpty();
    assertThat(globex.api().delete("/v1/webhooks/" + webhook).status()).isEqualTo(404);
    assertThat(globex.api().post("/v1/events", "{\"type\": \"client.create\"}").status()).as("publishing is the provider's").isEqualTo(403);

    admin.post("/v1/events", "[{\"type\": \"client.create\", \"account\": \"globex\", \"subject\": {\"path\": \"/projects/1/x\"}}, {\"type\": \"timer.running\", \"account\": \"globex\", \"subject\": {\"url\": \"https://x/timers/1\"}}]");
    admin.post("/v1/events", "[{\"type\": \"client.create\", \"account\": \"acme\", \"data\": {\"who\": \"acme\"}, \"subject\": {\"path\": \"/projects/1/y\"}}, {\"type\": \"timer.running\", \"account\": \"acme\", \"subject\": {\"url\": \"https://x/timers/2\"}}]");
    receiver.await("/app/iso-sub", 1, Duration.ofSeconds(10));
    receiver.await("/app/iso-wh", 1, Duration.ofSeconds(10));
    receiver.await("/app/iso-bc", 1, Duration.ofSeconds(10));
    receiver.await("/app/iso-watch", 1, Duration.ofSeconds(10));
    Pause.millis(1500);
    assertThat(receiver.requests("/app/iso-wh")).hasSize(1);
    assertThat(receiver.requests("/app/iso-wh").get(0).json().get("data").get("who").stringValue()).isEqualTo("acme");
    assertThat(receiver.requests("/app/iso-sub")).hasSize(1);
    assertThat(receiver.requests("/app/iso-bc")).hasSize(1);
    assertThat(receiver.requests("/app/iso-watch")).hasSize(1);
    assertThat(receiver.requests("/app/iso-watch").get(0).json().get("path").stringValue()).isEqualTo("/projects/1/y");
    assertThat(receiver.requests("/app/iso-bc").get(0).json().get("subject").get("url").stringValue()).isEqualTo("https://x/timers/2");
  }

  @Test
  void appAndTokenManagementIsTheProvidersAndNeverShowsSecretsTwice() {
    Integration i = integration("acme", "clients", "[\"clients:read\"]");
    JsonNode app = admin.get("/v1/apps/" + i.appId()).json();
    assertThat(app.has("secret")).isFalse();
    JsonNode token = admin.get("/v1/tokens/" + i.tokenId()).json();
    assertThat(token.has("access_token")).isFalse();
    assertThat(token.get("scope").stringValue()).isEqualTo("clients");
    assertThat(i.api().get("/v1/apps").status()).isEqualTo(403);
    assertThat(i.api().get("/v1/event-types").status()).as("a token may read the catalog").isEqualTo(200);
    assertThat(i.api().put("/v1/event-types/client.create", "{\"description\": \"mine\"}").status()).isEqualTo(403);
    var rotated = admin.post("/v1/apps/" + i.appId() + "/rotate-secret", "");
    assertThat(rotated.json().get("secret").stringValue()).isNotEqualTo(i.secret());
    var badScope = admin.post("/v1/apps/" + i.appId() + "/tokens", "{\"account\": \"acme\", \"scope\": \"Clients!\"}");
    assertThat(badScope.status()).isEqualTo(422);
    assertThat(admin.post("/v1/apps", "{\"name\": \"x\", \"url\": \"ftp://x\"}").status()).isEqualTo(422);
  }

  private static List<JsonNode> deliveries(Api api, String webhook, String status) {
    List<JsonNode> all = new ArrayList<>();
    api.get("/v1/webhooks/" + webhook + "/deliveries?status=" + status).json().get("items").forEach(all::add);
    return all;
  }

  static String hmacHex(String secret, String text) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
  }
}
