package dev.crier.verify;

import static dev.crier.verify.Failures.assertRefused;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crier.verify.VerificationException.Reason;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class HexSignatureTest {
  static final String SECRET = "crier-test-secret";
  static final byte[] BODY = "{\"type\":\"client.create\"}".getBytes(UTF_8);

  @Test
  void namesTheHeaderOfEachVariant() {
    assertEquals("X-Crier-Signature", HexSignature.HMAC_SHA256.headerName());
    assertEquals("X-Noko-Signature", HexSignature.HMAC_SHA256.headerName("Noko"));
    assertEquals("X-Hub-Signature-256", HexSignature.GITHUB.headerName("Noko"));
    assertEquals("X-Hub-Signature-256", HexSignature.GITHUB.headerName());
    assertEquals("X-Spark-Signature", HexSignature.WEBEX.headerName(null));
    assertEquals("Crier", HexSignature.DEFAULT_BRAND);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "No ko", "Noko\r\nX-Evil: 1", "-Noko", "Noko-", "Nöko"})
  void refusesABrandThatCannotBePartOfAHeaderName(String brand) {
    assertThrows(IllegalArgumentException.class, () -> HexSignature.HMAC_SHA256.headerName(brand));
  }

  @Test
  void signsTheGitHubDocumentationExample() {
    String value =
        HexSignature.GITHUB.sign("It's a Secret to Everybody", "Hello, World!".getBytes(UTF_8));

    assertEquals("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", value);
  }

  @Test
  void usesTheSecretsUtf8BytesAsTheKey() {
    // printf '%s' 'Grüße' | openssl dgst -sha256 -hmac 'clé'
    assertEquals(
        "d1a795751079d620b83835d9ef7db1a9f24edd4261c2a2c26a74fda5e0daf7a1",
        HexSignature.HMAC_SHA256.sign("clé", "Grüße".getBytes(UTF_8)));
  }

  @Test
  void writesLowerCaseHexOfTheAlgorithmsLength() {
    assertTrue(HexSignature.HMAC_SHA256.sign(SECRET, BODY).matches("[0-9a-f]{64}"));
    assertTrue(HexSignature.GITHUB.sign(SECRET, BODY).matches("sha256=[0-9a-f]{64}"));
    assertTrue(HexSignature.WEBEX.sign(SECRET, BODY).matches("[0-9a-f]{40}"));
  }

  @ParameterizedTest
  @EnumSource(HexSignature.class)
  void verifiesWhatItSigns(HexSignature variant) {
    String value = variant.sign(SECRET, BODY);

    assertDoesNotThrow(() -> variant.verify(SECRET, BODY, value));
    assertDoesNotThrow(() -> variant.verify(SECRET, BODY, " " + value + " "));
  }

  @ParameterizedTest
  @EnumSource(HexSignature.class)
  void acceptsUpperCaseHex(HexSignature variant) {
    String value = variant.sign(SECRET, BODY);
    String upper = value.toUpperCase(Locale.ROOT).replace("SHA256=", "sha256=");

    assertDoesNotThrow(() -> variant.verify(SECRET, BODY, upper));
  }

  @ParameterizedTest
  @EnumSource(HexSignature.class)
  void refusesTamperedBody(HexSignature variant) {
    String value = variant.sign(SECRET, BODY);

    assertRefused(
        Reason.NO_MATCHING_SIGNATURE, () -> variant.verify(SECRET, "{}".getBytes(UTF_8), value));
  }

  @ParameterizedTest
  @EnumSource(HexSignature.class)
  void refusesAnotherSecret(HexSignature variant) {
    String value = variant.sign(SECRET, BODY);

    assertRefused(Reason.NO_MATCHING_SIGNATURE, () -> variant.verify("other", BODY, value));
  }

  @ParameterizedTest
  @EnumSource(HexSignature.class)
  void refusesMissingValueAsMalformed(HexSignature variant) {
    VerificationException e =
        assertRefused(Reason.MALFORMED, () -> variant.verify(SECRET, BODY, null));
    assertRefused(Reason.MALFORMED, () -> variant.verify(SECRET, BODY, " "));

    assertTrue(e.getMessage().contains("missing"), e.getMessage());
  }

  @Test
  void requiresTheSha256PrefixForGitHub() {
    String bare = HexSignature.HMAC_SHA256.sign(SECRET, BODY);

    VerificationException e =
        assertRefused(Reason.MALFORMED, () -> HexSignature.GITHUB.verify(SECRET, BODY, bare));
    assertTrue(e.getMessage().contains("'sha256='"), e.getMessage());
  }

  @Test
  void refusesHexOfTheWrongLengthNamingTheExpectedAlgorithm() {
    String sha256 = HexSignature.HMAC_SHA256.sign(SECRET, BODY);

    VerificationException e =
        assertRefused(Reason.MALFORMED, () -> HexSignature.WEBEX.verify(SECRET, BODY, sha256));
    assertTrue(e.getMessage().contains("40 hex digits (HmacSHA1)"), e.getMessage());
    assertTrue(e.getMessage().contains("X-Spark-Signature"), e.getMessage());
  }

  @Test
  void refusesCharactersThatAreNotHex() {
    String value = "z".repeat(64);

    assertRefused(Reason.MALFORMED, () -> HexSignature.HMAC_SHA256.verify(SECRET, BODY, value));
  }

  @ParameterizedTest
  @EnumSource(HexSignature.class)
  void refusesAnEmptySecret(HexSignature variant) {
    assertThrows(IllegalArgumentException.class, () -> variant.sign("", BODY));
    assertThrows(IllegalArgumentException.class, () -> variant.verify("", BODY, "00"));
  }
}
