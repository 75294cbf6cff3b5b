package dev.crier.verify;

import static dev.crier.verify.Failures.assertRefused;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crier.verify.VerificationException.Reason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StandardWebhooksToleranceTest {
  static final long TS = 1767225600L;
  static final byte[] BODY = "{}".getBytes(UTF_8);

  final String secret = StandardWebhooks.generateSecret();
  final Map<String, String> headers = StandardWebhooks.of(secret).headers("msg_1", TS, BODY);

  StandardWebhooks receiverAt(Duration sinceSigned) {
    Clock clock = Clock.fixed(Instant.ofEpochSecond(TS).plus(sinceSigned), ZoneOffset.UTC);
    return StandardWebhooks.of(secret).withClock(clock);
  }

  @Test
  void refusesTimestampOlderThanTolerance() {
    VerificationException e =
        assertRefused(
            Reason.TIMESTAMP_TOO_OLD,
            () -> receiverAt(Duration.ofSeconds(301)).verify(headers, BODY));

    assertTrue(e.getMessage().contains("301 s older"), e.getMessage());
    assertTrue(e.getMessage().contains("tolerance of 300 s"), e.getMessage());
  }

  @Test
  void refusesTimestampNewerThanTolerance() {
    VerificationException e =
        assertRefused(
            Reason.TIMESTAMP_TOO_NEW,
            () -> receiverAt(Duration.ofSeconds(-301)).verify(headers, BODY));

    assertTrue(e.getMessage().contains("301 s newer"), e.getMessage());
  }

  @Test
  void acceptsTimestampsAtEitherEdgeOfTheTolerance() {
    assertDoesNotThrow(() -> receiverAt(Duration.ofSeconds(300)).verify(headers, BODY));
    assertDoesNotThrow(() -> receiverAt(Duration.ofSeconds(-300)).verify(headers, BODY));
  }

  @Test
  void comparesWholeSecondsAsTheReferenceImplementationsDo() {
    assertDoesNotThrow(() -> receiverAt(Duration.ofMillis(300_999)).verify(headers, BODY));
  }

  @Test
  void honoursAConfiguredTolerance() {
    StandardWebhooks lenient =
        receiverAt(Duration.ofMinutes(9)).withTolerance(Duration.ofMinutes(10));
    StandardWebhooks strict = receiverAt(Duration.ofSeconds(1)).withTolerance(Duration.ZERO);

    assertDoesNotThrow(() -> lenient.verify(headers, BODY));
    assertDoesNotThrow(
        () -> receiverAt(Duration.ZERO).withTolerance(Duration.ZERO).verify(headers, BODY));
    assertRefused(Reason.TIMESTAMP_TOO_OLD, () -> strict.verify(headers, BODY));
  }

  @Test
  void checksTheTimestampBeforeTheSignature() {
    Map<String, String> forged = new HashMap<>(headers);
    forged.put("webhook-signature", "v1,AAAA");

    assertRefused(
        Reason.TIMESTAMP_TOO_OLD, () -> receiverAt(Duration.ofHours(1)).verify(forged, BODY));
  }

  @Test
  void readsTheTimeFromTheSystemClockByDefault() {
    long now = Instant.now().getEpochSecond();
    Map<String, String> fresh = StandardWebhooks.of(secret).headers("msg_1", now, BODY);

    assertDoesNotThrow(() -> StandardWebhooks.of(secret).verify(fresh, BODY));
    assertRefused(
        Reason.TIMESTAMP_TOO_OLD, () -> StandardWebhooks.of(secret).verify(headers, BODY));
  }
}
