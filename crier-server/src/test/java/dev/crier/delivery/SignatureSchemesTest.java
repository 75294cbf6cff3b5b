package dev.crier.delivery;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.standardwebhooks.exceptions.WebhookVerificationException;
import dev.crier.cli.Version;
import dev.crier.config.Settings;
import dev.crier.testing.Api;
import dev.crier.testing.Engine;
import dev.crier.testing.Receiver;
import dev.crier.testing.Receiver.Reply;
import dev.crier.testing.TestCrier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every signature scheme, checked by code that shares nothing with Crier's signer: the Standard
 * Webhooks reference library for {@code standard}, {@link Mac} for the hex schemes.
 */
class SignatureSchemesTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final AtomicInteger PATHS = new AtomicInteger();

  static TestCrier crier;
  static Api api;
  static Receiver receiver;

  @BeforeAll
  static void start() {
    crier = TestCrier.start(Engine.SQLITE);
    api = crier.api();
    receiver = Receiver.start();
    declareTypes(api);
  }

  @AfterAll
  static void stop() {
    if (receiver != null) receiver.close();
    if (crier != null) crier.close();
  }

  private static void declareTypes(Api api) {
    for (String type : List.of("invoice.paid", "invoice.voided")) {
      var r = api.put("/v1/event-types/" + type, "{\"description\":\"test\"}");
      assertThat(r.status()).as(r.body()).isBetween(200, 201);
    }
  }

  @Test
  void standardSignatureVerifiesWithTheReferenceLibrary() throws Exception {
    Hook hook = Hook.create(api, "standard", "");
    assertThat(hook.secret).startsWith("whsec_");
    publish(api, "std-1", "{\"total\": \"9.99 €\", \"lines\": [1, 2]}");

    Receiver.Request request = receiver.await(hook.path, 1, WAIT).get(0);

    assertThatCode(() -> reference(hook.secret).verify(request.text(), headers(request)))
        .as("the reference library accepts the delivery signed with the webhook's secret")
        .doesNotThrowAnyException();
    String otherSecret = "whsec_" + Base64.getEncoder().encodeToString(new byte[32]);
    assertThatThrownBy(() -> reference(otherSecret).verify(request.text(), headers(request)))
        .as("another secret does not verify it")
        .isInstanceOf(WebhookVerificationException.class);
    assertThat(request.header("webhook-id")).isEqualTo("msg_" + hook.onlyDeliveryId(api));
    long timestamp = Long.parseLong(request.header("webhook-timestamp"));
    assertThat(timestamp).isCloseTo(Instant.now().getEpochSecond(), within(30L));
    assertThat(request.header("webhook-signature")).matches("v1,[A-Za-z0-9+/]+=*");
    assertThat(request.header("x-crier-signature")).as("standard sends no hex signature").isNull();
  }

  @Test
  void hmacSha256IsTheHexHmacOfTheBodyUnderTheSecretsUtf8Bytes() {
    // no secret given: the generated whsec_ string itself, as UTF-8, is the key
    Hook generated = Hook.create(api, "hmac-sha256", "");
    Hook custom = Hook.create(api, "hmac-sha256", ", \"secret\": \"clé-secrète-🔑\"");
    publish(api, "hmac-1", "{\"n\": 1}");

    for (Hook hook : List.of(generated, custom)) {
      Receiver.Request request = receiver.await(hook.path, 1, WAIT).get(0);
      assertThat(request.header("x-crier-signature"))
          .as("X-Crier-Signature for secret %s", hook.secret)
          .isEqualTo(hex("HmacSHA256", hook.secret, request.body()));
      assertThat(request.header("webhook-signature")).isNull();
    }
  }

  @Test
  void githubIsSha256PrefixedHexHmac() {
    Hook hook = Hook.create(api, "github", ", \"secret\": \"It's a Secret to Everybody ü\"");
    publish(api, "gh-1", "{\"n\": 2}");

    Receiver.Request request = receiver.await(hook.path, 1, WAIT).get(0);

    assertThat(request.header("x-hub-signature-256"))
        .isEqualTo("sha256=" + hex("HmacSHA256", hook.secret, request.body()));
  }

  @Test
  void webexIsHexHmacSha1() {
    Hook hook = Hook.create(api, "webex", ", \"secret\": \"spark-secret-ñ-0001\"");
    publish(api, "webex-1", "{\"n\": 3}");

    Receiver.Request request = receiver.await(hook.path, 1, WAIT).get(0);

    assertThat(request.header("x-spark-signature"))
        .isEqualTo(hex("HmacSHA1", hook.secret, request.body()));
  }

  @Test
  void everyRequestCarriesContentTypeUserAgentAndEventType() {
    Hook hook = Hook.create(api, "hmac-sha256", "");
    publish(api, "hdr-1", "{}");

    Receiver.Request request = receiver.await(hook.path, 1, WAIT).get(0);

    assertThat(request.header("content-type")).isEqualTo("application/json");
    assertThat(request.header("user-agent")).isEqualTo("Crier-Webhooks/" + Version.current());
    assertThat(request.header("x-crier-event")).isEqualTo("invoice.paid");
  }

  @Test
  void bodyIsTheDocumentedPayload() {
    Hook hook = Hook.create(api, "standard", "");
    var published =
        api.post(
            "/v1/events",
            """
            {"id": "shape-1", "type": "invoice.voided",
             "subject": {"type": "invoice", "id": "42", "path": "/invoices/42", "url": "https://api.example.com/invoices/42"},
             "data": {"number": "INV-42", "total": 12.5, "tags": ["a", "b"]},
             "changes": {"status": ["open", "void"]},
             "occurred_at": "2026-03-01T10:15:30Z"}
            """);
    assertThat(published.status()).as(published.body()).isEqualTo(202);

    JsonNode body = receiver.await(hook.path, 1, WAIT).get(0).json();

    assertThat(names(body)).containsExactlyInAnyOrder("id", "type", "timestamp", "webhook", "subject", "data", "changes");
    assertThat(body.get("id").stringValue()).isEqualTo("shape-1");
    assertThat(body.get("type").stringValue()).isEqualTo("invoice.voided");
    assertThat(Instant.parse(body.get("timestamp").stringValue())).isEqualTo(Instant.parse("2026-03-01T10:15:30Z"));
    assertThat(names(body.get("webhook"))).containsExactlyInAnyOrder("id", "name");
    assertThat(body.get("webhook").get("id").stringValue()).isEqualTo(hook.id);
    assertThat(body.get("webhook").get("name").stringValue()).isEqualTo(hook.name);
    assertThat(body.get("subject").get("type").stringValue()).isEqualTo("invoice");
    assertThat(body.get("subject").get("id").stringValue()).isEqualTo("42");
    assertThat(body.get("subject").get("path").stringValue()).isEqualTo("/invoices/42");
    assertThat(body.get("subject").get("url").stringValue()).isEqualTo("https://api.example.com/invoices/42");
    assertThat(body.get("data")).isEqualTo(Api.JSON.readTree("{\"number\": \"INV-42\", \"total\": 12.5, \"tags\": [\"a\", \"b\"]}"));
    assertThat(body.get("changes")).isEqualTo(Api.JSON.readTree("{\"status\": [\"open\", \"void\"]}"));
  }

  @Test
  void aRetryKeepsTheWebhookIdAndBodyAndIsSignedAfresh() throws Exception {
    // one step of 1.5 s (±10% jitter): long enough that the retry's timestamp is a later second
    Hook hook = Hook.create(api, "standard", ", \"retry_schedule\": [\"1500ms\"]");
    AtomicInteger seen = new AtomicInteger();
    receiver.respond(r -> r.path().equals(hook.path) && seen.getAndIncrement() == 0 ? Reply.status(500) : Reply.status(204));
    try {
      publish(api, "retry-1", "{\"attempt\": \"both\"}");
      List<Receiver.Request> requests = receiver.await(hook.path, 2, WAIT);
      Receiver.Request first = requests.get(0);
      Receiver.Request second = requests.get(1);

      assertThat(second.header("webhook-id")).isEqualTo(first.header("webhook-id")).startsWith("msg_");
      assertThat(second.body()).as("the retry sends the same body bytes").isEqualTo(first.body());
      assertThat(Long.parseLong(second.header("webhook-timestamp")))
          .as("the retry is signed with the time it was sent")
          .isGreaterThan(Long.parseLong(first.header("webhook-timestamp")));
      assertThat(second.header("webhook-signature")).isNotEqualTo(first.header("webhook-signature"));
      for (Receiver.Request r : requests) {
        assertThatCode(() -> reference(hook.secret).verify(r.text(), headers(r))).doesNotThrowAnyException();
      }
      JsonNode delivery = hook.awaitDelivered(api);
      assertThat(delivery.get("attempt_count").intValue()).isEqualTo(2);
    } finally {
      receiver.respond(r -> Reply.status(204));
    }
  }

  @Test
  void duringARotationBothSecretsSignAndEachSignatureVerifiesAlone() throws Exception {
    Hook hook = Hook.create(api, "standard", "");
    String oldSecret = hook.secret;
    // a delivery before the rotation, so the webhook's sender is running when the secret changes
    publish(api, "rotate-0", "{\"n\": 0}");
    Receiver.Request before = receiver.await(hook.path, 1, WAIT).get(0);
    assertThat(before.header("webhook-signature").split(" ")).hasSize(1);
    assertThat(verifies(oldSecret, before, before.header("webhook-signature"))).isTrue();

    var rotated = api.post("/v1/webhooks/" + hook.id + "/rotate-secret", null);
    assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
    String newSecret = rotated.json().get("secret").stringValue();
    assertThat(newSecret).startsWith("whsec_").isNotEqualTo(oldSecret);
    Instant expires = Instant.parse(rotated.json().get("previous_secret_expires_at").stringValue());
    assertThat(expires).isBetween(Instant.now().plus(Duration.ofHours(23)), Instant.now().plus(Duration.ofHours(25)));

    publish(api, "rotate-1", "{\"n\": 4}");
    Receiver.Request request = receiver.await(hook.path, 2, WAIT).get(1);
    assertThat(request.json().get("id").stringValue()).isEqualTo("rotate-1");

    String[] signatures = request.header("webhook-signature").split(" ");
    assertThat(signatures).as("webhook-signature during the overlap: %s", request.header("webhook-signature")).hasSize(2);
    List<String> verifiedByOld = new ArrayList<>();
    List<String> verifiedByNew = new ArrayList<>();
    for (String signature : signatures) {
      assertThat(signature).startsWith("v1,");
      if (verifies(oldSecret, request, signature)) verifiedByOld.add(signature);
      if (verifies(newSecret, request, signature)) verifiedByNew.add(signature);
    }
    assertThat(verifiedByOld).as("exactly one signature verifies with the old secret alone").hasSize(1);
    assertThat(verifiedByNew).as("exactly one signature verifies with the new secret alone").hasSize(1);
    assertThat(verifiedByOld).doesNotContainAnyElementsOf(verifiedByNew);
    // and the header as sent verifies with either secret
    assertThatCode(() -> reference(oldSecret).verify(request.text(), headers(request))).doesNotThrowAnyException();
    assertThatCode(() -> reference(newSecret).verify(request.text(), headers(request))).doesNotThrowAnyException();
  }

  @Test
  void aRotationWithoutOverlapSignsWithTheNewSecretOnly() throws Exception {
    Hook hook = Hook.create(api, "standard", "");
    String oldSecret = hook.secret;
    publish(api, "rotate-2a", "{\"n\": 0}"); // the webhook's sender is running when the secret changes
    receiver.await(hook.path, 1, WAIT);
    String chosen = "whsec_" + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(UTF_8));
    var rotated =
        api.post("/v1/webhooks/" + hook.id + "/rotate-secret", "{\"secret\": \"" + chosen + "\", \"overlap_seconds\": 0}");
    assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
    assertThat(rotated.json().get("secret").stringValue()).isEqualTo(chosen);

    publish(api, "rotate-2", "{\"n\": 5}");
    Receiver.Request request = receiver.await(hook.path, 2, WAIT).get(1);
    assertThat(request.json().get("id").stringValue()).isEqualTo("rotate-2");

    String header = request.header("webhook-signature");
    assertThat(header.split(" ")).as("webhook-signature with no overlap: %s", header).hasSize(1);
    assertThat(verifies(chosen, request, header)).as("the new secret verifies").isTrue();
    assertThat(verifies(oldSecret, request, header)).as("the old secret no longer does").isFalse();
  }

  @Test
  void aRotationInProgressSurvivesARestart() throws Exception {
    try (TestCrier own = TestCrier.start(Engine.SQLITE)) {
      declareTypes(own.api());
      Hook hook = Hook.create(own.api(), "standard", "");
      var rotated = own.api().post("/v1/webhooks/" + hook.id + "/rotate-secret", "{\"overlap_seconds\": 3600}");
      assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
      String newSecret = rotated.json().get("secret").stringValue();

      own.restart(); // secrets come back from the database, decrypted with the data directory's key
      publish(own.api(), "rotate-restart-1", "{\"n\": 6}");
      Receiver.Request request = receiver.await(hook.path, 1, WAIT).get(0);

      String[] signatures = request.header("webhook-signature").split(" ");
      assertThat(signatures).as("both signatures after a restart: %s", request.header("webhook-signature")).hasSize(2);
      assertThat(verifies(hook.secret, request, signatures[0]) ^ verifies(hook.secret, request, signatures[1]))
          .as("exactly one signature verifies with the old secret")
          .isTrue();
      assertThat(verifies(newSecret, request, signatures[0]) ^ verifies(newSecret, request, signatures[1]))
          .as("exactly one signature verifies with the new secret")
          .isTrue();
    }
  }

  @Test
  void theBrandNamesTheHeadersAndTheUserAgent() {
    try (TestCrier noko = TestCrier.start(Engine.SQLITE, Map.of(Settings.Key.BRAND, "Noko"))) {
      Api nokoApi = noko.api();
      declareTypes(nokoApi);
      Hook hook = Hook.create(nokoApi, "hmac-sha256", "");
      var published = nokoApi.post("/v1/events", "{\"id\": \"noko-1\", \"type\": \"invoice.paid\", \"data\": {}}");
      assertThat(published.status()).as(published.body()).isEqualTo(202);

      Receiver.Request request = receiver.await(hook.path, 1, WAIT).get(0);

      assertThat(request.header("x-noko-signature")).isEqualTo(hex("HmacSHA256", hook.secret, request.body()));
      assertThat(request.header("x-noko-event")).isEqualTo("invoice.paid");
      assertThat(request.header("user-agent")).isEqualTo("Noko-Webhooks/" + Version.current());
      assertThat(request.headers().keySet()).noneMatch(name -> name.startsWith("x-crier-"));
    }
  }

  // --- helpers ---

  /** A webhook made for one test, listening to invoice.* on its own receiver path. */
  record Hook(String id, String name, String secret, String path) {
    static Hook create(Api api, String signature, String extraFields) {
      String path = "/sig-" + PATHS.incrementAndGet();
      String name = "sig " + path;
      var r =
          api.post(
              "/v1/webhooks",
              "{\"name\": \"" + name + "\", \"url\": \"" + receiver.url(path) + "\", \"events\": [\"invoice.*\"],"
                  + " \"signature\": \"" + signature + "\"" + extraFields + "}");
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      assertThat(r.json().get("signature").stringValue()).isEqualTo(signature);
      return new Hook(r.json().get("id").stringValue(), name, r.json().get("secret").stringValue(), path);
    }

    String onlyDeliveryId(Api api) {
      JsonNode items = api.get("/v1/webhooks/" + id + "/deliveries").json().get("items");
      assertThat(items).hasSize(1);
      return items.get(0).get("id").stringValue();
    }

    JsonNode awaitDelivered(Api api) {
      JsonNode[] found = new JsonNode[1];
      Awaitility.await()
          .atMost(WAIT)
          .until(() -> {
            JsonNode items = api.get("/v1/webhooks/" + id + "/deliveries?status=delivered").json().get("items");
            if (items.isEmpty()) return false;
            found[0] = items.get(0);
            return true;
          });
      return found[0];
    }
  }

  private static void publish(Api api, String id, String data) {
    var r = api.post("/v1/events", "{\"id\": \"" + id + "\", \"type\": \"invoice.paid\", \"data\": " + data + "}");
    assertThat(r.status()).as(r.body()).isEqualTo(202);
  }

  private static com.standardwebhooks.Webhook reference(String secret) throws Exception {
    return new com.standardwebhooks.Webhook(secret);
  }

  /** The headers as the reference library reads them. */
  private static Map<String, List<String>> headers(Receiver.Request request) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    request.headers().forEach((k, v) -> out.put(k, List.of(v)));
    return out;
  }

  /** Whether this one signature (of possibly several sent) verifies with this secret alone. */
  private static boolean verifies(String secret, Receiver.Request request, String signature) throws Exception {
    Map<String, List<String>> headers = headers(request);
    headers.put("webhook-signature", List.of(signature));
    try {
      reference(secret).verify(request.text(), headers);
      return true;
    } catch (WebhookVerificationException e) {
      return false;
    }
  }

  private static String hex(String algorithm, String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(secret.getBytes(UTF_8), algorithm));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Set<String> names(JsonNode node) {
    return new TreeSet<>(node.propertyNames());
  }
}
