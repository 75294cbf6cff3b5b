package dev.crier.verify;

import static dev.crier.verify.Failures.assertRefused;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crier.verify.VerificationException.Reason;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class SignedRequestTest {
  // Seed 002: SalesKing's published example.
  static final String SEED_JSON = "{\"key\":\"value\"}";
  static final String SEED_SIGNED =
      "60673142fdda45f3185cbd51c070596950a9178e20f785703723ad8e0ff04833.eyJrZXkiOiJ2YWx1ZSJ9";

  /** A signed_request over an arbitrary payload text, as a forger with the secret could make. */
  static String signRaw(String payload, String secret) {
    byte[] mac = Hmac.compute(Hmac.SHA256, secret.getBytes(UTF_8), payload.getBytes(UTF_8));
    return HexFormat.of().formatHex(mac) + "." + payload;
  }

  @Test
  void signsTheSalesKingExampleExactly() {
    assertEquals(SEED_SIGNED, SignedRequest.sign(SEED_JSON, "secret"));
  }

  @Test
  void verifiesTheSalesKingExampleAndReturnsItsJson() {
    assertEquals(SEED_JSON, SignedRequest.verify(SEED_SIGNED, "secret"));
  }

  @Test
  void signsTheBase64urlTextNotTheJson() {
    String base64url = SEED_SIGNED.substring(SEED_SIGNED.indexOf('.') + 1);

    assertEquals(SEED_SIGNED, signRaw(base64url, "secret"));
  }

  @Test
  void writesBase64urlWithoutPadding() {
    String signed = SignedRequest.sign("{\"key\":\"values\"}", "secret");

    assertFalse(signed.contains("="), signed);
    assertEquals("eyJrZXkiOiJ2YWx1ZXMifQ", signed.substring(65));
  }

  @Test
  void acceptsPaddedBase64url() {
    // Computed with openssl over the padded text, as src/test/vectors/make-vectors.sh does.
    String padded =
        "05993db74b8cf35162a984b64ba690612343e269a55d259028593a16c1c07a2d.eyJrZXkiOiJ2YWx1ZXMifQ==";

    assertEquals("{\"key\":\"values\"}", SignedRequest.verify(padded, "secret"));
  }

  @Test
  void roundTripsUtf8JsonThatNeedsTheUrlSafeAlphabet() {
    String json = "{\"note\":\"Grüße ✓ ~~~???>>>\"}";
    String signed = SignedRequest.sign(json, "app-secret");

    assertTrue(signed.contains("-") || signed.contains("_"), signed);
    assertEquals(json, SignedRequest.verify(signed, "app-secret"));
  }

  @Test
  void refusesWrongSecret() {
    assertRefused(
        Reason.NO_MATCHING_SIGNATURE, () -> SignedRequest.verify(SEED_SIGNED, "not-secret"));
  }

  @Test
  void refusesTamperedPayload() {
    String otherPayload =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString("{\"key\":\"other\"}".getBytes(UTF_8));
    String tampered = SEED_SIGNED.substring(0, 65) + otherPayload;

    assertRefused(Reason.NO_MATCHING_SIGNATURE, () -> SignedRequest.verify(tampered, "secret"));
  }

  @Test
  void refusesTamperedSignature() {
    String tampered = "7" + SEED_SIGNED.substring(1);

    assertRefused(Reason.NO_MATCHING_SIGNATURE, () -> SignedRequest.verify(tampered, "secret"));
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(
      strings = {
        "",
        " ",
        "no-dot-at-all",
        ".eyJrZXkiOiJ2YWx1ZSJ9",
        "60673142fdda45f3185cbd51c070596950a9178e20f785703723ad8e0ff04833.",
        "60673142fdda45f3185cbd51c070596950a9178e20f785703723ad8e0ff0483.eyJrZXkiOiJ2YWx1ZSJ9",
        "zz673142fdda45f3185cbd51c070596950a9178e20f785703723ad8e0ff04833.eyJrZXkiOiJ2YWx1ZSJ9",
        "60673142fdda45f3185cbd51c070596950a9178e20f785703723ad8e0ff04833.eyJrZXki.OiJ2YWx1ZSJ9"
      })
  void refusesValuesThatAreNotHexDotBase64urlAsMalformed(String value) {
    assertRefused(Reason.MALFORMED, () -> SignedRequest.verify(value, "secret"));
  }

  @Test
  void refusesASignedPayloadThatIsNotBase64url() {
    String signed = signRaw("not*base64", "secret");

    VerificationException e =
        assertRefused(Reason.MALFORMED, () -> SignedRequest.verify(signed, "secret"));
    assertTrue(e.getMessage().contains("base64url"), e.getMessage());
  }

  @Test
  void refusesASignedPayloadThatIsNotUtf8() {
    String notUtf8 =
        Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[] {(byte) 0xff, 0x7b});
    String signed = signRaw(notUtf8, "secret");

    VerificationException e =
        assertRefused(Reason.MALFORMED, () -> SignedRequest.verify(signed, "secret"));
    assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
  }

  @Test
  void refusesAnEmptySecret() {
    assertThrows(IllegalArgumentException.class, () -> SignedRequest.sign(SEED_JSON, ""));
    assertThrows(IllegalArgumentException.class, () -> SignedRequest.verify(SEED_SIGNED, ""));
  }

  @Test
  void namesTheFormField() {
    assertEquals("signed_request", SignedRequest.FORM_FIELD);
  }
}
