package dev.crier.verify;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StandardWebhooksSigningTest {
  // The example published with the Standard Webhooks specification (and Svix's documentation).
  static final String SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  static final String SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  static final long SPEC_TIMESTAMP = 1614265330L;
  static final byte[] SPEC_BODY = "{\"test\": 2432232314}".getBytes(UTF_8);
  static final String SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

  @Test
  void signsIdTimestampAndBodyAsTheSpecificationExample() {
    String signature = StandardWebhooks.of(SPEC_SECRET).sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);

    assertEquals(SPEC_SIGNATURE, signature);
  }

  @Test
  void signsWithEverySecretInTheOrderGivenSeparatedBySpaces() {
    String other = StandardWebhooks.generateSecret();
    StandardWebhooks rotating = StandardWebhooks.of(SPEC_SECRET, other);

    String signature = rotating.sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);

    String second = StandardWebhooks.of(other).sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);
    assertEquals(SPEC_SIGNATURE + " " + second, signature);
  }

  @Test
  void headersCarryIdTimestampAndSignatureInThatOrder() {
    Map<String, String> headers =
        StandardWebhooks.of(SPEC_SECRET).headers(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);

    assertEquals(
        List.of("webhook-id", "webhook-timestamp", "webhook-signature"),
        List.copyOf(headers.keySet()));
    assertEquals(SPEC_ID, headers.get("webhook-id"));
    assertEquals("1614265330", headers.get("webhook-timestamp"));
    assertEquals(SPEC_SIGNATURE, headers.get("webhook-signature"));
    assertThrows(UnsupportedOperationException.class, () -> headers.put("x", "y"));
  }

  @Test
  void acceptsSecretsWithOrWithoutTheWhsecPrefix() {
    String bare = SPEC_SECRET.substring("whsec_".length());

    assertEquals(
        SPEC_SIGNATURE, StandardWebhooks.of(bare).sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY));
  }

  @Test
  void generatesWhsecSecretsOf32RandomBytes() {
    String first = StandardWebhooks.generateSecret();
    String second = StandardWebhooks.generateSecret();

    assertTrue(first.startsWith("whsec_"), first);
    assertEquals(32, Base64.getDecoder().decode(first.substring(6)).length);
    assertNotEquals(first, second);
    StandardWebhooks.of(first); // usable as it is
  }

  @Test
  void refusesSecretThatIsNotBase64WithoutQuotingIt() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> StandardWebhooks.of(SPEC_SECRET, "whsec_n*t-base64!"));

    assertTrue(e.getMessage().contains("secret 2"), e.getMessage());
    assertFalse(e.getMessage().contains("n*t"), e.getMessage());
  }

  @Test
  void refusesNoSecretOrAnEmptyOne() {
    assertThrows(IllegalArgumentException.class, StandardWebhooks::of);
    assertThrows(IllegalArgumentException.class, () -> StandardWebhooks.of("whsec_"));
    assertThrows(NullPointerException.class, () -> StandardWebhooks.of((String) null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "msg 1", "msg\r\nX-Injected: yes", "msg\t1"})
  void refusesMessageIdsThatCannotBeAHeaderValue(String msgId) {
    StandardWebhooks webhooks = StandardWebhooks.of(SPEC_SECRET);

    assertThrows(
        IllegalArgumentException.class, () -> webhooks.sign(msgId, SPEC_TIMESTAMP, SPEC_BODY));
  }

  @Test
  void refusesNegativeTimestamp() {
    StandardWebhooks webhooks = StandardWebhooks.of(SPEC_SECRET);

    assertThrows(IllegalArgumentException.class, () -> webhooks.sign(SPEC_ID, -1, SPEC_BODY));
  }

  @Test
  void withToleranceAndWithClockReturnCopiesAndLeaveTheOriginalUnchanged() {
    StandardWebhooks original = StandardWebhooks.of(SPEC_SECRET);
    Clock clock = Clock.fixed(Instant.ofEpochSecond(SPEC_TIMESTAMP), ZoneOffset.UTC);

    StandardWebhooks changed = original.withTolerance(Duration.ofMinutes(1)).withClock(clock);

    assertNotEquals(original.toString(), changed.toString());
    assertTrue(original.toString().contains("PT5M"), original.toString());
    assertTrue(changed.toString().contains("PT1M"), changed.toString());
  }

  @Test
  void defaultToleranceIsFiveMinutes() {
    assertEquals(Duration.ofMinutes(5), StandardWebhooks.DEFAULT_TOLERANCE);
  }

  @Test
  void refusesNegativeTolerance() {
    StandardWebhooks webhooks = StandardWebhooks.of(SPEC_SECRET);

    assertThrows(
        IllegalArgumentException.class, () -> webhooks.withTolerance(Duration.ofSeconds(-1)));
  }

  @Test
  void toStringNeverRevealsSecrets() {
    String text = StandardWebhooks.of(SPEC_SECRET, StandardWebhooks.generateSecret()).toString();

    assertTrue(text.contains("2 secret"), text);
    assertFalse(text.contains("MfKQ9r8"), text);
  }
}
