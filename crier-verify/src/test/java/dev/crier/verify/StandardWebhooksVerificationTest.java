package dev.crier.verify;

import static dev.crier.verify.Failures.assertRefused;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crier.verify.VerificationException.Reason;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StandardWebhooksVerificationTest {
  static final String ID = "msg_2zWqHk7Y4bN1pQ8rT5vX";
  static final long TS = 1767225600L;
  static final byte[] BODY =
      "{\"type\":\"client.create\",\"data\":{\"name\":\"Zoë\"}}".getBytes(UTF_8);
  static final Clock AT_TS = Clock.fixed(Instant.ofEpochSecond(TS), ZoneOffset.UTC);

  final String oldSecret = StandardWebhooks.generateSecret();
  final String newSecret = StandardWebhooks.generateSecret();

  StandardWebhooks receiver(String... secrets) {
    return StandardWebhooks.of(secrets).withClock(AT_TS);
  }

  Map<String, String> signedBy(String... secrets) {
    return new HashMap<>(StandardWebhooks.of(secrets).headers(ID, TS, BODY));
  }

  @Test
  void acceptsItsOwnSignature() {
    assertDoesNotThrow(() -> receiver(oldSecret).verify(signedBy(oldSecret), BODY));
  }

  @Test
  void acceptsEitherSignatureDuringRotation() {
    Map<String, String> both = signedBy(oldSecret, newSecret);

    assertDoesNotThrow(() -> receiver(oldSecret).verify(both, BODY));
    assertDoesNotThrow(() -> receiver(newSecret).verify(both, BODY));
  }

  @Test
  void acceptsWhenAnyConfiguredSecretMatches() {
    StandardWebhooks rotatingReceiver = receiver(oldSecret, newSecret);

    assertDoesNotThrow(() -> rotatingReceiver.verify(signedBy(newSecret), BODY));
    assertDoesNotThrow(() -> rotatingReceiver.verify(signedBy(oldSecret), BODY));
  }

  @Test
  void refusesSignatureMadeWithAnotherSecret() {
    assertRefused(
        Reason.NO_MATCHING_SIGNATURE, () -> receiver(newSecret).verify(signedBy(oldSecret), BODY));
  }

  @Test
  void refusesTamperedBody() {
    byte[] tampered = "{\"type\":\"client.create\",\"data\":{\"name\":\"Zoe\"}}".getBytes(UTF_8);

    assertRefused(
        Reason.NO_MATCHING_SIGNATURE,
        () -> receiver(oldSecret).verify(signedBy(oldSecret), tampered));
  }

  @Test
  void refusesTamperedMessageId() {
    Map<String, String> headers = signedBy(oldSecret);
    headers.put("webhook-id", "msg_other");

    assertRefused(Reason.NO_MATCHING_SIGNATURE, () -> receiver(oldSecret).verify(headers, BODY));
  }

  @Test
  void refusesTamperedTimestampEvenWithinTolerance() {
    Map<String, String> headers = signedBy(oldSecret);
    headers.put("webhook-timestamp", Long.toString(TS + 1));

    assertRefused(Reason.NO_MATCHING_SIGNATURE, () -> receiver(oldSecret).verify(headers, BODY));
  }

  @Test
  void looksUpHeaderNamesIgnoringCase() {
    Map<String, String> signed = signedBy(oldSecret);
    Map<String, String> headers = new HashMap<>();
    headers.put("Webhook-Id", signed.get("webhook-id"));
    headers.put("WEBHOOK-TIMESTAMP", signed.get("webhook-timestamp"));
    headers.put("webHook-Signature", signed.get("webhook-signature"));
    Map<String, String> caseInsensitive = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    caseInsensitive.putAll(headers);

    assertDoesNotThrow(() -> receiver(oldSecret).verify(headers, BODY));
    assertDoesNotThrow(() -> receiver(oldSecret).verify(caseInsensitive, BODY));
  }

  @Test
  void acceptsSvixHeaderNames() {
    Map<String, String> signed = signedBy(oldSecret);
    Map<String, String> svix =
        Map.of(
            "svix-id", signed.get("webhook-id"),
            "Svix-Timestamp", signed.get("webhook-timestamp"),
            "svix-signature", signed.get("webhook-signature"));

    assertDoesNotThrow(() -> receiver(oldSecret).verify(svix, BODY));
  }

  @Test
  void prefersWebhookHeadersToSvixOnes() {
    Map<String, String> headers = signedBy(oldSecret);
    headers.put("svix-id", "msg_other");
    headers.put("svix-signature", "v1,AAAA");

    assertDoesNotThrow(() -> receiver(oldSecret).verify(headers, BODY));
  }

  @Test
  void skipsSignaturesOfOtherVersionsAndUndecodableOnes() {
    Map<String, String> headers = signedBy(oldSecret);
    headers.put(
        "webhook-signature",
        "v1a,c29tZXRoaW5nIGVsc2U= v1,***not*base64***  " + headers.get("webhook-signature"));

    assertDoesNotThrow(() -> receiver(oldSecret).verify(headers, BODY));
  }

  @Test
  void refusesHeaderWithoutAnyV1Signature() {
    Map<String, String> headers = signedBy(oldSecret);
    headers.put("webhook-signature", headers.get("webhook-signature").replace("v1,", "v2,"));

    VerificationException e =
        assertRefused(
            Reason.NO_MATCHING_SIGNATURE, () -> receiver(oldSecret).verify(headers, BODY));
    assertTrue(e.getMessage().contains("no v1"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"webhook-id", "webhook-timestamp", "webhook-signature"})
  void refusesMissingOrBlankHeaderAsMalformed(String name) {
    Map<String, String> missing = signedBy(oldSecret);
    missing.remove(name);
    Map<String, String> blank = signedBy(oldSecret);
    blank.put(name, "  ");

    VerificationException e =
        assertRefused(Reason.MALFORMED, () -> receiver(oldSecret).verify(missing, BODY));
    assertTrue(e.getMessage().contains(name), e.getMessage());
    assertRefused(Reason.MALFORMED, () -> receiver(oldSecret).verify(blank, BODY));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "yesterday",
        "-1767225600",
        "1767225600.5",
        "+1767225600",
        "1e9",
        "12345678901234567890"
      })
  void refusesTimestampThatIsNotUnixSecondsAsMalformed(String timestamp) {
    Map<String, String> headers = signedBy(oldSecret);
    headers.put("webhook-timestamp", timestamp);

    assertRefused(Reason.MALFORMED, () -> receiver(oldSecret).verify(headers, BODY));
  }

  @Test
  void refusesTheSameHeaderGivenTwiceWithDifferentValues() {
    Map<String, String> headers = new LinkedHashMap<>(signedBy(oldSecret));
    headers.put("Webhook-Id", "msg_other");

    assertRefused(Reason.MALFORMED, () -> receiver(oldSecret).verify(headers, BODY));
  }

  @Test
  void failureMessagesNeverContainTheExpectedSignature() {
    Map<String, String> headers = signedBy(oldSecret);
    byte[] tampered = "{}".getBytes(UTF_8);
    String forged = StandardWebhooks.of(oldSecret).sign(ID, TS, tampered);

    VerificationException e =
        assertRefused(
            Reason.NO_MATCHING_SIGNATURE, () -> receiver(oldSecret).verify(headers, tampered));
    assertFalse(e.getMessage().contains(forged.substring(3)), e.getMessage());
    assertFalse(e.getMessage().contains(oldSecret.substring(6)), e.getMessage());
  }
}
