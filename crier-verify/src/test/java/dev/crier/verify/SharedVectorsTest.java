package dev.crier.verify;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs every case of vectors.json, the file the Node check (src/test/node) reads too. Its expected
 * values come from openssl (src/test/vectors/make-vectors.sh), so these tests are not circular.
 */
class SharedVectorsTest {

  /** One case; absent fields are null. See make-vectors.sh for what each means. */
  record Vector(
      String name,
      String scheme,
      String brand,
      List<String> secrets,
      List<String> signedBy,
      String id,
      Long timestamp,
      Long now,
      String body,
      Map<String, String> headers,
      String signedRequest,
      Map<String, Object> jwks,
      List<Ed25519Key> signingKeys,
      boolean valid,
      String reason) {

    byte[] bodyBytes() {
      return body.getBytes(UTF_8);
    }
  }

  /** A private key (PKCS #8, base64) and its public x, as a sender of v1a signatures holds it. */
  record Ed25519Key(String pkcs8, String x) {
    SigningKey restore() {
      return SigningKey.restore(pkcs8, VerificationKey.of(null, x));
    }
  }

  static List<Vector> vectors() throws IOException {
    try (InputStream in = SharedVectorsTest.class.getResourceAsStream("/vectors.json")) {
      assertNotNull(in, "vectors.json is not on the test class path");
      return JsonMapper.builder().build().readValue(in, new TypeReference<List<Vector>>() {});
    }
  }

  @TestFactory
  Stream<DynamicTest> everyVectorVerifiesAsExpected() throws IOException {
    return vectors().stream().map(v -> DynamicTest.dynamicTest(v.name(), () -> verify(v)));
  }

  @TestFactory
  Stream<DynamicTest> everySigningVectorIsReproducedExactly() throws IOException {
    return vectors().stream()
        .filter(v -> v.signedBy() != null || v.signingKeys() != null)
        .map(
            v ->
                DynamicTest.dynamicTest(
                    v.name(), () -> assertEquals(expectedSignature(v), sign(v))));
  }

  @TestFactory
  Stream<DynamicTest> everyEd25519SigningVectorNamesItsKeysInOrder() throws IOException {
    return vectors().stream()
        .filter(v -> v.signingKeys() != null)
        .map(
            v ->
                DynamicTest.dynamicTest(
                    v.name(),
                    () ->
                        assertEquals(
                            v.headers().get("webhook-key-id"),
                            ed25519Signer(v)
                                .headers(v.id(), v.timestamp(), v.bodyBytes())
                                .get(StandardWebhooks.KEY_ID_HEADER))));
  }

  @Test
  void vectorsCoverEverySchemeAndEveryFailureReason() throws IOException {
    List<Vector> vectors = vectors();
    Set<String> schemes = vectors.stream().map(Vector::scheme).collect(Collectors.toSet());
    Set<String> reasons =
        vectors.stream().map(Vector::reason).filter(r -> r != null).collect(Collectors.toSet());

    assertEquals(
        Set.of("standard", "ed25519", "hmac-sha256", "github", "webex", "signed-request"),
        schemes);
    for (VerificationException.Reason reason : VerificationException.Reason.values()) {
      if (reason == VerificationException.Reason.KEY_UNAVAILABLE) {
        continue; // a key source that cannot fetch is not a fixed vector: see JwksTest
      }
      assertTrue(reasons.contains(reason.name()), "no vector fails with " + reason);
    }
    assertTrue(
        vectors.stream().anyMatch(v -> v.signedBy() != null && v.signedBy().size() == 2),
        "no rotation vector");
  }

  static void verify(Vector v) {
    Runnable verification =
        switch (v.scheme()) {
          case "standard" -> () -> standard(v, v.secrets()).verify(v.headers(), v.bodyBytes());
          case "ed25519" -> () -> ed25519Verifier(v).verify(v.headers(), v.bodyBytes());
          case "signed-request" ->
              () ->
                  assertEquals(
                      v.body(), SignedRequest.verify(v.signedRequest(), v.secrets().get(0)));
          default ->
              () ->
                  hex(v)
                      .verify(
                          v.secrets().get(0),
                          v.bodyBytes(),
                          v.headers().get(hex(v).headerName(brand(v))));
        };
    if (v.valid()) {
      assertDoesNotThrow(verification::run);
    } else {
      VerificationException e = assertThrows(VerificationException.class, verification::run);
      assertEquals(v.reason(), e.reason().name(), e.getMessage());
    }
  }

  static String sign(Vector v) {
    if (v.scheme().equals("ed25519")) {
      return ed25519Signer(v).sign(v.id(), v.timestamp(), v.bodyBytes());
    }
    assertFalse(v.signedBy().isEmpty(), v.name());
    return switch (v.scheme()) {
      case "standard" -> standard(v, v.signedBy()).sign(v.id(), v.timestamp(), v.bodyBytes());
      case "signed-request" -> SignedRequest.sign(v.body(), v.signedBy().get(0));
      default -> hex(v).sign(v.signedBy().get(0), v.bodyBytes());
    };
  }

  static String expectedSignature(Vector v) {
    return switch (v.scheme()) {
      case "standard", "ed25519" ->
          v.headers().getOrDefault("webhook-signature", v.headers().get("svix-signature"));
      case "signed-request" -> v.signedRequest();
      default -> v.headers().get(hex(v).headerName(brand(v)));
    };
  }

  static StandardWebhooks standard(Vector v, List<String> secrets) {
    long now = v.now() != null ? v.now() : v.timestamp();
    return StandardWebhooks.of(secrets.toArray(String[]::new))
        .withClock(Clock.fixed(Instant.ofEpochSecond(now), ZoneOffset.UTC));
  }

  static StandardWebhooks ed25519Verifier(Vector v) {
    long now = v.now() != null ? v.now() : v.timestamp();
    List<VerificationKey> keys = Jwks.parse(JsonMapper.builder().build().writeValueAsString(v.jwks()));
    return StandardWebhooks.ofPublicKeys(KeySource.of(keys.toArray(VerificationKey[]::new)))
        .withClock(Clock.fixed(Instant.ofEpochSecond(now), ZoneOffset.UTC));
  }

  static StandardWebhooks ed25519Signer(Vector v) {
    return StandardWebhooks.ofSigningKeys(
        v.signingKeys().stream().map(Ed25519Key::restore).toArray(SigningKey[]::new));
  }

  static HexSignature hex(Vector v) {
    return switch (v.scheme()) {
      case "hmac-sha256" -> HexSignature.HMAC_SHA256;
      case "github" -> HexSignature.GITHUB;
      case "webex" -> HexSignature.WEBEX;
      default -> throw new IllegalArgumentException("unknown scheme " + v.scheme());
    };
  }

  static String brand(Vector v) {
    return v.brand() != null ? v.brand() : HexSignature.DEFAULT_BRAND;
  }
}
