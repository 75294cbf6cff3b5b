package dev.crier.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.testing.Api;
import dev.crier.testing.Engine;
import dev.crier.testing.ManualClock;
import dev.crier.testing.Receiver;
import dev.crier.testing.Receiver.Reply;
import dev.crier.testing.TestCrier;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
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

/**
 * Channel subscriptions go through the same ordered engine as webhooks: a failing callback is
 * retried on the default schedule while later events wait, halts when it is exhausted, and is
 * resumed (or disabled and enabled) by the integrator or the provider.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class ChannelSubscriptionHaltingTest {
  @Parameter Engine engine;
  static TestCrier crier;
  static ManualClock clock;
  static Api admin;
  @AutoClose Receiver receiver = Receiver.start();

  @BeforeParameterizedClassInvocation
  static void start(Engine engine) {
    clock = new ManualClock();
    crier = TestCrier.start(engine, Map.of(dev.crier.config.Settings.Key.ALLOW_HTTP_CALLBACKS, "true"), clock);
    admin = crier.api();
    admin.put("/v1/event-types/client.create", "{\"description\":\"test\"}");
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    crier.close();
  }

  @Test
  void aFailingCallbackIsRetriedThenHaltsAndResumesInOrder() {
    Api token = token();
    String id = subscribe(token, receiver.url("/app/halt"));
    receiver.respond(r -> Reply.status(500));
    publish("c-1");
    publish("c-2");
    receiver.await("/app/halt", 1, Duration.ofSeconds(10));
    for (Duration step : List.of(Duration.ofSeconds(12), Duration.ofSeconds(70), Duration.ofMinutes(6), Duration.ofMinutes(35), Duration.ofMinutes(140), Duration.ofMinutes(400))) {
      int seen = receiver.requests("/app/halt").size();
      clock.advance(step);
      receiver.await("/app/halt", seen + 1, Duration.ofSeconds(10));
    }
    awaitStatus(token, id, "halted");
    List<Receiver.Request> failed = receiver.requests("/app/halt");
    assertThat(failed).hasSize(7);
    assertThat(failed).extracting(ChannelSubscriptionHaltingTest::objectId).containsOnly("c-1");

    receiver.respond(r -> Reply.status(204));
    var resumed = token.post("/v1/subscriptions/" + id + "/resume", "");
    assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
    assertThat(resumed.json().get("status").stringValue()).isEqualTo("active");
    List<Receiver.Request> all = receiver.await("/app/halt", 9, Duration.ofSeconds(10));
    assertThat(all.subList(7, 9)).extracting(ChannelSubscriptionHaltingTest::objectId).containsExactly("c-1", "c-2");
    assertThat(token.post("/v1/subscriptions/" + id + "/resume", "").status()).as("only a halted one resumes").isEqualTo(409);
  }

  @Test
  void aDisabledSubscriptionHearsNothingUntilEnabled() {
    Api token = token();
    String id = subscribe(token, receiver.url("/app/off"));
    var disabled = token.post("/v1/subscriptions/" + id + "/disable", "");
    assertThat(disabled.json().get("status").stringValue()).isEqualTo("disabled");
    publish("d-1");
    var enabled = admin.post("/v1/subscriptions/" + id + "/enable", "");
    assertThat(enabled.status()).as("the provider may enable it too").isEqualTo(200);
    assertThat(enabled.json().get("status").stringValue()).isEqualTo("active");
    publish("d-2");
    assertThat(objectId(receiver.await("/app/off", 1, Duration.ofSeconds(10)).get(0)))
        .as("what was published while it was disabled is not delivered")
        .isEqualTo("d-2");
  }

  private Api token() {
    var app = admin.post("/v1/apps", "{\"name\": \"Books\", \"url\": \"" + receiver.url("/app") + "\"}");
    String appId = app.json().get("id").stringValue();
    var token = admin.post("/v1/apps/" + appId + "/tokens", "{\"account\": \"acme\", \"user_id\": \"u-1\", \"scope\": \"clients\", \"permissions\": []}");
    return admin.withKey(token.json().get("access_token").stringValue());
  }

  private static String subscribe(Api token, String callback) {
    var r = token.post("/api/subs", "{\"sub\": {\"channel\": \"client.create\", \"callback_url\": \"" + callback + "\"}}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("sub").get("id").stringValue();
  }

  private static void publish(String clientId) {
    var r = admin.post("/v1/events", "{\"type\": \"client.create\", \"account\": \"acme\", \"subject\": {\"id\": \"" + clientId + "\"}, \"data\": {\"id\": \"" + clientId + "\"}}");
    assertThat(r.status()).as(r.body()).isEqualTo(202);
  }

  private static void awaitStatus(Api token, String id, String status) {
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> status.equals(token.get("/v1/subscriptions/" + id).json().get("status").stringValue()));
  }

  /** The client id inside a signed_request's payload. */
  private static String objectId(Receiver.Request r) {
    String value = URLDecoder.decode(r.text().substring("signed_request=".length()), StandardCharsets.UTF_8);
    String payload = new String(Base64.getUrlDecoder().decode(value.split("\\.")[1]), StandardCharsets.UTF_8);
    return Api.JSON.readTree(payload).get("obj").get("client").get("id").stringValue();
  }
}
