package dev.crier.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crier.testing.Api;
import dev.crier.testing.AppToken;
import dev.crier.testing.Engine;
import dev.crier.testing.ManualClock;
import dev.crier.testing.Receiver;
import dev.crier.testing.TestCrier;
import dev.crier.verify.Jwks;
import dev.crier.verify.KeySource;
import dev.crier.verify.StandardWebhooks;
import dev.crier.verify.VerificationException;
import dev.crier.verify.VerificationKey;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * v1a signatures with published keys: a real receiver gets Ed25519-signed deliveries and checks
 * them with nothing but Crier's {@code /.well-known/jwks.json}, through a key rotation, with
 * crier-verify and with Node's own crypto.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class SigningKeysTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final AtomicInteger EVENTS = new AtomicInteger();

  @Parameter Engine engine;
  ManualClock clock;
  TestCrier crier;
  Api api;
  Receiver receiver;
  /** What the receiver got, with the JWK Set as fetched then, for the Node check. */
  final List<ObjectNode> nodeCases = new ArrayList<>();

  @BeforeEach
  void start() {
    clock = new ManualClock();
    crier = TestCrier.start(engine, Map.of(), clock);
    api = crier.api();
    crier.declare("invoice.paid");
    receiver = Receiver.start();
  }

  @AfterEach
  void stop() {
    receiver.close();
    crier.close();
  }

  @Test
  void jwksIsPublishedWithoutAKeyWithCacheHeadersAndAnEntityTag() {
    Api anonymous = api.withKey(null);
    Api.Response r = anonymous.get("/.well-known/jwks.json");

    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.header("content-type")).startsWith("application/jwk-set+json");
    assertThat(r.header("cache-control")).isEqualTo("public, max-age=300");
    JsonNode key = r.json().get("keys").get(0);
    assertThat(r.json().get("keys").size()).as("one key, made on first need").isEqualTo(1);
    assertThat(key.get("kty").stringValue()).isEqualTo("OKP");
    assertThat(key.get("crv").stringValue()).isEqualTo("Ed25519");
    assertThat(key.get("use").stringValue()).isEqualTo("sig");
    assertThat(key.get("alg").stringValue()).isEqualTo("EdDSA");
    assertThat(key.get("kid").stringValue())
        .as("the kid is the key's RFC 7638 thumbprint")
        .isEqualTo(VerificationKey.of(null, key.get("x").stringValue()).kid());
    String etag = r.header("etag");
    assertThat(etag).matches("\"[A-Za-z0-9_-]+\"");

    Api.Response again =
        anonymous.withAuthorization(null).send("GET", "/.well-known/jwks.json", null, null);
    assertThat(again.header("etag")).isEqualTo(etag);
    assertThat(conditional(etag)).as("If-None-Match with the current tag").isEqualTo(304);
  }

  @Test
  void aReceiverVerifiesWithThePublishedKeysThroughARotation() throws Exception {
    Hook hook = Hook.create(api, receiver, "standard-ed25519");
    Jwks jwks = Jwks.builder(jwksUri()).clock(clock).build();
    StandardWebhooks verifier = StandardWebhooks.ofPublicKeys(jwks).withClock(clock);
    VerificationKey first = onlyKey(api.get("/.well-known/jwks.json").json());

    Receiver.Request before = deliver(hook);
    assertThat(before.header("webhook-signature")).matches("v1a,[A-Za-z0-9+/]+=*");
    assertThat(before.header("webhook-key-id")).isEqualTo(first.kid());
    assertThatCode(() -> verifier.verify(before.headers(), before.body())).doesNotThrowAnyException();
    capture("before the rotation", before, true);

    Api.Response rotated = api.post("/v1/signing-keys/rotate", "{\"overlap_seconds\": 3600}");
    assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
    JsonNode items = rotated.json().get("items");
    assertThat(items.size()).isEqualTo(2);
    String newKid = items.get(0).get("kid").stringValue();
    assertThat(items.get(1).get("kid").stringValue()).isEqualTo(first.kid());
    assertThat(items.get(0).get("retires_at").isNull()).isTrue();
    assertThat(items.get(1).get("retires_at").stringValue()).isNotNull();
    List<VerificationKey> published = keys(api.get("/.well-known/jwks.json").json());
    assertThat(published).extracting(VerificationKey::kid).containsExactly(newKid, first.kid());
    VerificationKey second = published.get(0);

    Receiver.Request during = deliver(hook);
    assertThat(during.header("webhook-signature")).matches("v1a,\\S+ v1a,\\S+");
    assertThat(during.header("webhook-key-id")).isEqualTo(newKid + " " + first.kid());
    assertThatCode(() -> verifier.verify(during.headers(), during.body()))
        .as("the receiver's cached set (old key only) still verifies during the overlap")
        .doesNotThrowAnyException();
    assertThatCode(() -> onlyWith(first).verify(during.headers(), during.body()))
        .as("the old key alone").doesNotThrowAnyException();
    assertThatCode(() -> onlyWith(second).verify(during.headers(), during.body()))
        .as("the new key alone").doesNotThrowAnyException();
    capture("during the overlap", during, true);
    captureWith("during the overlap, only the old key published", during, List.of(first), true);
    captureWith("during the overlap, only the new key published", during, List.of(second), true);

    clock.advance(Duration.ofHours(2));
    assertThat(keys(api.get("/.well-known/jwks.json").json()))
        .as("after the overlap only the new key is published")
        .containsExactly(second);
    Receiver.Request after = deliver(hook);
    assertThat(after.header("webhook-key-id")).isEqualTo(newKid);
    assertThatCode(() -> verifier.verify(after.headers(), after.body()))
        .as("the receiver refetched the set by itself once its max-age passed")
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> onlyWith(first).verify(after.headers(), after.body()))
        .as("the retired key no longer verifies")
        .isInstanceOfSatisfying(
            VerificationException.class,
            e -> assertThat(e.reason()).isEqualTo(VerificationException.Reason.NO_MATCHING_SIGNATURE));
    capture("after the overlap", after, true);
    captureWith("after the overlap, checked with the retired key", after, List.of(first), false);

    assertNodeAgrees();
  }

  @Test
  void standardPlusEd25519SendsBothSignaturesForAMigration() throws Exception {
    Hook hook = Hook.create(api, receiver, "standard+ed25519");
    Receiver.Request request = deliver(hook);

    assertThat(request.header("webhook-signature")).matches("v1,\\S+ v1a,\\S+");
    assertThatCode(() -> StandardWebhooks.of(hook.secret()).withClock(clock).verify(request.headers(), request.body()))
        .as("receivers still on the secret").doesNotThrowAnyException();
    StandardWebhooks byKeys =
        StandardWebhooks.ofPublicKeys(Jwks.builder(jwksUri()).clock(clock).build()).withClock(clock);
    assertThatCode(() -> byKeys.verify(request.headers(), request.body()))
        .as("receivers on the published keys").doesNotThrowAnyException();
    assertThatCode(
            () ->
                new com.standardwebhooks.Webhook(hook.secret())
                    .verify(request.text(), javaHeaders(request)))
        .as("the Standard Webhooks reference library skips the v1a entry and accepts the v1")
        .doesNotThrowAnyException();
    capture("standard+ed25519", request, true);
    assertNodeAgrees();
  }

  @Test
  void rotationIsTheAdminsAndItsOverlapIsChecked() {
    Api.Response anonymous = api.withKey(null).post("/v1/signing-keys/rotate", "{}");
    assertThat(anonymous.status()).isEqualTo(401);
    crier.declare("entry.created");
    AppToken app = AppToken.issue(api, "Books", receiver.url("/app"), "acme", "entries");
    Api.Response byApp = app.api().post("/v1/signing-keys/rotate", "{}");
    assertThat(byApp.status()).as("the deployment's keys are not an app's to rotate").isEqualTo(403);
    assertThat(app.api().get("/v1/signing-keys").status()).isEqualTo(403);
    assertThat(app.api().get("/.well-known/jwks.json").status()).as("public to anyone").isEqualTo(200);
    Api.Response negative = api.post("/v1/signing-keys/rotate", "{\"overlap_seconds\": -1}");
    assertThat(negative.status()).isEqualTo(422);
    assertThat(negative.body()).contains("overlap_seconds");
    Api.Response unknown = api.post("/v1/signing-keys/rotate", "{\"overlap\": 5}");
    assertThat(unknown.status()).isEqualTo(422);
    assertThat(unknown.body()).contains("overlap").contains("unknown field");
    assertThat(api.get("/v1/signing-keys").json().get("items").size())
        .as("nothing rotated by refused requests").isEqualTo(1);

    Api.Response immediate = api.post("/v1/signing-keys/rotate", "{\"overlap_seconds\": 0}");
    assertThat(immediate.status()).as(immediate.body()).isEqualTo(200);
    assertThat(immediate.json().get("items").size())
        .as("an overlap of 0 retires the old key at once (a leaked key)").isEqualTo(1);
  }

  @Test
  void keysAreStoredSealedAndSurviveARestart() throws Exception {
    String kid = onlyKey(api.get("/.well-known/jwks.json").json()).kid();
    try (Connection c = crier.database().connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT kid, private_key FROM signing_keys")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString("kid")).isEqualTo(kid);
      assertThat(rs.getString("private_key")).as("sealed under the master key").startsWith("v1:");
    }

    crier.restart();
    api = crier.api();
    assertThat(onlyKey(api.get("/.well-known/jwks.json").json()).kid()).isEqualTo(kid);
    Hook hook = Hook.create(api, receiver, "standard-ed25519");
    assertThat(deliver(hook).header("webhook-key-id")).isEqualTo(kid);
  }

  // --- helpers ------------------------------------------------------------------------------

  private record Hook(String path, String secret) {
    static Hook create(Api api, Receiver receiver, String signature) {
      String path = "/hook-" + EVENTS.incrementAndGet();
      Api.Response r =
          api.post(
              "/v1/webhooks",
              "{\"url\": \"" + receiver.url(path) + "\", \"events\": [\"invoice.paid\"], \"signature\": \"" + signature + "\"}");
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      assertThat(r.json().get("signature").stringValue()).isEqualTo(signature);
      return new Hook(path, r.json().get("secret").stringValue());
    }
  }

  private Receiver.Request deliver(Hook hook) {
    int before = receiver.requests(hook.path()).size();
    String id = "evt-" + EVENTS.incrementAndGet();
    Api.Response r = api.post("/v1/events", "{\"id\": \"" + id + "\", \"type\": \"invoice.paid\", \"data\": {\"total\": \"9.99 €\"}}");
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    return receiver.await(hook.path(), before + 1, WAIT).get(before);
  }

  private URI jwksUri() {
    return URI.create(api.base() + "/.well-known/jwks.json");
  }

  private int conditional(String etag) {
    try {
      var request =
          java.net.http.HttpRequest.newBuilder(jwksUri()).header("If-None-Match", etag).GET().build();
      return java.net.http.HttpClient.newHttpClient()
          .send(request, java.net.http.HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private StandardWebhooks onlyWith(VerificationKey key) {
    return StandardWebhooks.ofPublicKeys(KeySource.of(key)).withClock(clock);
  }

  private static List<VerificationKey> keys(JsonNode jwks) {
    return Jwks.parse(jwks.toString());
  }

  private static VerificationKey onlyKey(JsonNode jwks) {
    List<VerificationKey> keys = keys(jwks);
    assertThat(keys).hasSize(1);
    return keys.get(0);
  }

  private static Map<String, List<String>> javaHeaders(Receiver.Request request) {
    Map<String, List<String>> headers = new java.util.HashMap<>();
    request.headers().forEach((k, v) -> headers.put(k, List.of(v)));
    return headers;
  }

  private void capture(String name, Receiver.Request request, boolean valid) {
    nodeCases.add(nodeCase(name, request, api.get("/.well-known/jwks.json").json(), valid));
  }

  private void captureWith(String name, Receiver.Request request, List<VerificationKey> keys, boolean valid) {
    ObjectNode jwks = Api.JSON.createObjectNode();
    ArrayNode list = jwks.putArray("keys");
    keys.forEach(k -> list.add(Api.JSON.readTree(k.toJwk())));
    nodeCases.add(nodeCase(name, request, jwks, valid));
  }

  private ObjectNode nodeCase(String name, Receiver.Request request, JsonNode jwks, boolean valid) {
    ObjectNode c = Api.JSON.createObjectNode();
    c.put("name", name);
    c.set("jwks", jwks);
    ObjectNode headers = c.putObject("headers");
    request.headers().forEach(headers::put);
    c.put("bodyBase64", Base64.getEncoder().encodeToString(request.body()));
    c.put("now", clock.instant().getEpochSecond());
    c.put("valid", valid);
    return c;
  }

  /** Node's crypto, given the captured deliveries, must agree with every verdict above. */
  private void assertNodeAgrees() throws Exception {
    Path script = Path.of("src/test/node/verify-deliveries.mjs").toAbsolutePath();
    assertThat(script).exists();
    Process node = new ProcessBuilder("node", script.toString()).redirectErrorStream(true).start();
    try (OutputStream in = node.getOutputStream()) {
      in.write(Api.JSON.writeValueAsBytes(nodeCases));
    }
    String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("node finished").isTrue();
    assertThat(node.exitValue()).as(output).isZero();
    assertThat(output).contains(nodeCases.size() + " agreed, 0 disagreed");
  }
}
