package dev.crier.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.config.Settings;
import dev.crier.testing.Api;
import dev.crier.testing.Engine;
import dev.crier.testing.Receiver;
import dev.crier.testing.TestCrier;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * With {@code CRIER_ALLOW_PRIVATE_TARGETS=false}, no delivery reaches an internal address: each is
 * a failed attempt with a clear error (the webhook halts on its empty schedule), never a request
 * and never a crash. The guard does not touch the database, so SQLite is enough.
 */
class SsrfGuardTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String HINT = "set CRIER_ALLOW_PRIVATE_TARGETS=true to allow private targets";
  private static final AtomicInteger EVENTS = new AtomicInteger();

  static TestCrier crier;
  static Api api;
  static Receiver receiver;

  @BeforeAll
  static void start() {
    receiver = Receiver.start();
    crier = TestCrier.start(Engine.SQLITE, Map.of(Settings.Key.ALLOW_PRIVATE_TARGETS, "false"));
    api = crier.api();
    var declared = api.put("/v1/event-types/probe.sent", "{\"description\":\"test\"}");
    assertThat(declared.status()).as(declared.body()).isBetween(200, 201);
  }

  @AfterAll
  static void stop() {
    try {
      assertThat(receiver.requests()).as("no delivery ever reached the loopback receiver").isEmpty();
    } finally {
      receiver.close();
      crier.close();
    }
  }

  static Stream<Arguments> forbiddenTargets() {
    int port = Integer.parseInt(receiver.url("").replaceAll(".*:", ""));
    // the addresses as the error names them: what the guard saw after resolving the URL's host
    return Stream.of(
        Arguments.of("http://127.0.0.1:" + port + "/x", "127.0.0.1 (loopback)"),
        Arguments.of("http://localhost:" + port + "/", "localhost: 127.0.0.1 (loopback)"),
        Arguments.of("http://10.0.0.1/", "10.0.0.1 (private)"),
        Arguments.of("http://172.16.0.1/", "172.16.0.1 (private)"),
        Arguments.of("http://192.168.1.1/", "192.168.1.1 (private)"),
        Arguments.of("http://169.254.169.254/latest/meta-data", "169.254.169.254 (link-local)"),
        Arguments.of("http://100.64.0.1/", "100.64.0.1 (CGNAT)"),
        Arguments.of("http://224.0.0.1/", "224.0.0.1 (multicast)"),
        Arguments.of("http://0.0.0.0/", "0.0.0.0 (unspecified)"),
        Arguments.of("http://[::1]:" + port + "/", "0:0:0:0:0:0:0:1 (loopback)"),
        Arguments.of("http://[fc00::1]/", "fc00:0:0:0:0:0:0:1 (unique local)"),
        Arguments.of("http://[fe80::1]/", "fe80:0:0:0:0:0:0:1 (link-local)"),
        // Java reads an IPv4-mapped literal as the IPv4 address it carries
        Arguments.of("http://[::ffff:127.0.0.1]:" + port + "/", "127.0.0.1 (loopback)"),
        Arguments.of("http://[ff02::1]/", "ff02:0:0:0:0:0:0:1 (multicast)"),
        Arguments.of("http://[::]/", "0:0:0:0:0:0:0:0 (unspecified)"),
        Arguments.of("http://[64:ff9b:1::a00:1]/", "64:ff9b:1:0:0:0:a00:1 (NAT64 local-use)"),
        Arguments.of("http://[2001::1]/", "2001:0:0:0:0:0:0:1 (Teredo)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("forbiddenTargets")
  void aDeliveryToAnInternalAddressIsARefusedAttemptAndHaltsTheWebhook(String url, String refused) {
    var created =
        api.post(
            "/v1/webhooks",
            "{\"url\": \"" + url + "\", \"events\": [\"probe.sent\"], \"retry_schedule\": []}");
    assertThat(created.status()).as("creating a webhook to %s is allowed: %s", url, created.body()).isEqualTo(201);
    String id = created.json().get("id").stringValue();

    String eventId = "probe-" + EVENTS.incrementAndGet();
    var published = api.post("/v1/events", "{\"id\": \"" + eventId + "\", \"type\": \"probe.sent\", \"data\": {}}");
    assertThat(published.status()).as(published.body()).isEqualTo(202);

    Awaitility.await("webhook to " + url + " halts")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> api.get("/v1/webhooks/" + id).json().get("status").stringValue().equals("halted"));
    JsonNode delivery = onlyDelivery(id, eventId);
    assertThat(delivery.get("status").stringValue()).isEqualTo("failed");
    assertThat(delivery.get("attempt_count").intValue()).isEqualTo(1);
    assertThat(delivery.get("last_response_status").isNull()).as("no response: nothing was sent").isTrue();
    assertRefused(url, refused, delivery.get("last_error").stringValue());

    JsonNode detail = api.get("/v1/deliveries/" + delivery.get("id").stringValue()).json();
    JsonNode attempts = detail.get("attempts");
    assertThat(attempts).as("attempt log of %s", detail).hasSize(1);
    assertRefused(url, refused, attempts.get(0).get("error").stringValue());
    assertThat(attempts.get(0).get("response").isNull()).isTrue();

    assertThat(receiver.requests()).as("the receiver on 127.0.0.1 was never reached").isEmpty();
    assertThat(api.get("/healthz").status()).as("Crier keeps serving").isEqualTo(200);
  }

  /** The exact error; for a host name, the addresses it resolved to may include more (::1). */
  private static void assertRefused(String url, String refused, String error) {
    if (refused.startsWith("localhost: ")) {
      assertThat(error).as("error for %s", url).startsWith("refused to connect to " + refused).endsWith("; " + HINT);
    } else {
      assertThat(error).as("error for %s", url).isEqualTo("refused to connect to " + refused + "; " + HINT);
    }
  }

  private static JsonNode onlyDelivery(String webhookId, String eventId) {
    JsonNode items = api.get("/v1/webhooks/" + webhookId + "/deliveries").json().get("items");
    assertThat(items).hasSize(1);
    assertThat(items.get(0).get("event_id").stringValue()).isEqualTo(eventId);
    return items.get(0);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"ftp://x/", "http://user:pass@example.com/", "file:///etc/passwd", "notaurl"})
  void aUrlThatIsNotPlainHttpIsRefusedAtCreation(String url) {
    var response =
        api.post("/v1/webhooks", "{\"url\": \"" + url + "\", \"events\": [\"probe.sent\"]}");

    assertThat(response.status()).as(response.body()).isEqualTo(422);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    List<String> fields = response.json().get("errors").valueStream().map(e -> e.get("field").stringValue()).toList();
    assertThat(fields).as(response.body()).containsExactly("url");
  }
}
