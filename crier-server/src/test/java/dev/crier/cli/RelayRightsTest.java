package dev.crier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.testing.Api;
import dev.crier.testing.AppToken;
import dev.crier.testing.Engine;
import dev.crier.testing.TestCrier;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A relay listener holds the rights it connected with only as long as they last: it hears the
 * webhooks it was allowed at connect (by id), is cut off when one is deleted or disabled or its
 * token revoked, and a relay name is never handed to another account.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class RelayRightsTest {
  @Parameter Engine engine;
  static TestCrier crier;
  static Api admin;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

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

  /** A raw server-sent-events stream, as crier listen holds it: every line read, and whether it ended. */
  static final class Stream implements AutoCloseable {
    final List<String> lines = new CopyOnWriteArrayList<>();
    final AtomicBoolean ended = new AtomicBoolean();
    private volatile InputStream body;

    Stream(String name, String key) throws Exception {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(admin.base() + "/v1/relay/" + name + "/listen"))
              .header("Authorization", "Bearer " + key)
              .header("Accept", "text/event-stream")
              .build();
      HttpResponse<InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
      body = response.body();
      Thread.ofVirtual().start(() -> {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
          String line;
          while ((line = reader.readLine()) != null) lines.add(line);
        } catch (IOException e) {
          lines.add("io: " + e);
        } finally {
          ended.set(true);
        }
      });
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ended.get() || lines.contains("event: connected"));
    }

    boolean connected() {
      return lines.contains("event: connected") && !ended.get();
    }

    void awaitCutOff() {
      Awaitility.await().atMost(Duration.ofSeconds(8)).until(ended::get);
      assertThat(lines).as("the stream says why it ended").anyMatch(l -> l.startsWith("data:") && l.contains("disconnected"));
    }

    long deliveries() {
      return lines.stream().filter(l -> l.equals("event: delivery")).count();
    }

    @Override
    public void close() throws IOException {
      body.close();
    }
  }

  private static String relay() {
    return "rights-" + System.nanoTime();
  }

  private static String webhook(Api api, String url) {
    var created = api.post("/v1/webhooks", "{\"url\": \"" + url + "\", \"events\": [\"timer.running\"]}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("id").stringValue();
  }

  private static AppToken token(String account) {
    return AppToken.issue(admin, "Relay " + account, "https://" + account + ".example.com", account, "timers");
  }

  @Test
  void aListenerIsCutOffTheMomentItsWebhookIsDeleted() throws Exception {
    AppToken acme = token("acme");
    String name = relay();
    String id = webhook(acme.api(), "relay:" + name);
    try (Stream stream = new Stream(name, acme.token())) {
      assertThat(stream.connected()).as(stream.lines.toString()).isTrue();
      assertThat(acme.api().delete("/v1/webhooks/" + id).status()).isEqualTo(204);
      stream.awaitCutOff();
    }
  }

  @Test
  void aListenerIsCutOffWhenItsWebhookIsDisabled() throws Exception {
    String name = relay();
    String id = webhook(admin, "relay:" + name);
    try (Stream stream = new Stream(name, TestCrier.ADMIN_KEY)) {
      assertThat(stream.connected()).isTrue();
      assertThat(admin.post("/v1/webhooks/" + id + "/disable", "").status()).isEqualTo(200);
      stream.awaitCutOff();
    }
  }

  @Test
  void aListenerIsCutOffWhenItsTokenIsRevoked() throws Exception {
    AppToken acme = token("acme");
    String name = relay();
    webhook(acme.api(), "relay:" + name);
    try (Stream stream = new Stream(name, acme.token())) {
      assertThat(stream.connected()).isTrue();
      assertThat(admin.delete("/v1/tokens/" + acme.tokenId()).status()).isEqualTo(204);
      stream.awaitCutOff();
    }
  }

  @Test
  void aListenerIsCutOffWhenItsAppIsDeleted() throws Exception {
    AppToken acme = token("acme");
    String name = relay();
    webhook(acme.api(), "relay:" + name);
    try (Stream stream = new Stream(name, acme.token())) {
      assertThat(stream.connected()).isTrue();
      assertThat(admin.delete("/v1/apps/" + acme.appId()).status()).isEqualTo(204);
      stream.awaitCutOff();
    }
  }

  @Test
  void anOldStreamNeverHearsAnotherAccountThatTakesTheSameName() throws Exception {
    AppToken acme = token("acme");
    String name = relay();
    String id = webhook(acme.api(), "relay:" + name);
    try (Stream stream = new Stream(name, acme.token())) {
      acme.api().delete("/v1/webhooks/" + id);
      admin.delete("/v1/tokens/" + acme.tokenId());

      AppToken globex = token("globex");
      var taken = globex.api().post("/v1/webhooks", "{\"url\": \"relay:" + name + "\", \"events\": [\"timer.running\"]}");
      assertThat(taken.status()).as(taken.body()).isEqualTo(422);
      assertThat(taken.json().get("errors").get(0).get("field").stringValue()).isEqualTo("url");
      assertThat(taken.body()).contains("belongs to another account");
      admin.post("/v1/events", "{\"type\": \"timer.running\", \"account\": \"globex\", \"data\": {\"secret\": 1}}");
      stream.awaitCutOff();
      assertThat(stream.deliveries()).isZero();
    }
  }

  @Test
  void aRelayNameStaysWithItsAccountAfterItsWebhooksAreGone() {
    AppToken acme = token("acme");
    String name = relay();
    String id = webhook(acme.api(), "relay:" + name);
    acme.api().delete("/v1/webhooks/" + id);
    AppToken acmeAgain = token("acme");
    String again = webhook(acmeAgain.api(), "relay:" + name); // the same account: its name again
    assertThat(acmeAgain.api().delete("/v1/webhooks/" + again).status()).isEqualTo(204);
    AppToken globex = token("globex");
    var taken = globex.api().post("/v1/webhooks", "{\"url\": \"relay:" + name + "\", \"events\": [\"timer.running\"]}");
    assertThat(taken.status()).as(taken.body()).isEqualTo(422);
    String other = webhook(globex.api(), "https://globex.example.com/hook");
    var moved = globex.api().send("PATCH", "/v1/webhooks/" + other, "{\"url\": \"relay:" + name + "\"}", "application/json");
    assertThat(moved.status()).as(moved.body()).isEqualTo(422);
    var byAdmin = admin.post("/v1/webhooks", "{\"url\": \"relay:" + name + "\", \"events\": [\"timer.running\"]}");
    assertThat(byAdmin.status()).as("the admin's own relays are an account of their own").isEqualTo(422);
  }

  @Test
  void aListenerStillHearsItsOwnWebhook() throws Exception {
    AppToken acme = token("acme");
    String name = relay();
    webhook(acme.api(), "relay:" + name);
    try (Stream stream = new Stream(name, acme.token())) {
      admin.post("/v1/events", "{\"type\": \"timer.running\", \"account\": \"acme\"}");
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> stream.deliveries() == 1);
      assertThat(stream.connected()).isTrue();
    }
  }
}
