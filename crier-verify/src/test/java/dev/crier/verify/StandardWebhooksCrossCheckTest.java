package dev.crier.verify;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Checks both directions against com.standardwebhooks:standardwebhooks, an implementation we did
 * not write. It reads the system clock with no way to inject one, so what it verifies is signed
 * "now".
 */
class StandardWebhooksCrossCheckTest {
  static final String PAYLOAD =
      "{\"type\":\"entry.updated\",\"data\":{\"description\":\"café ✓\"}}";
  static final byte[] BODY = PAYLOAD.getBytes(UTF_8);

  final String secret = StandardWebhooks.generateSecret();

  static Map<String, List<String>> asMultiMap(Map<String, String> headers) {
    Map<String, List<String>> multi = new LinkedHashMap<>();
    headers.forEach((name, value) -> multi.put(name, List.of(value)));
    return multi;
  }

  @Test
  void theReferenceLibraryAcceptsOurSignature() throws Exception {
    long now = Instant.now().getEpochSecond();
    Map<String, String> headers = StandardWebhooks.of(secret).headers("msg_cross", now, BODY);

    assertDoesNotThrow(() -> new Webhook(secret).verify(PAYLOAD, asMultiMap(headers)));
  }

  @Test
  void theReferenceLibraryAcceptsEitherOfOurRotationSignatures() throws Exception {
    String next = StandardWebhooks.generateSecret();
    long now = Instant.now().getEpochSecond();
    Map<String, String> headers = StandardWebhooks.of(secret, next).headers("msg_cross", now, BODY);

    assertDoesNotThrow(() -> new Webhook(secret).verify(PAYLOAD, asMultiMap(headers)));
    assertDoesNotThrow(() -> new Webhook(next).verify(PAYLOAD, asMultiMap(headers)));
  }

  @Test
  void theReferenceLibraryRefusesOurSignatureOverAnotherBody() {
    long now = Instant.now().getEpochSecond();
    Map<String, String> headers = StandardWebhooks.of(secret).headers("msg_cross", now, BODY);

    assertThrows(
        WebhookVerificationException.class,
        () -> new Webhook(secret).verify(PAYLOAD + " ", asMultiMap(headers)));
  }

  @Test
  void weAcceptTheReferenceLibrarysSignature() throws Exception {
    long timestamp = 1767225600L;
    String signature = new Webhook(secret).sign("msg_cross", timestamp, PAYLOAD);
    Clock clock = Clock.fixed(Instant.ofEpochSecond(timestamp), ZoneOffset.UTC);
    Map<String, String> headers =
        Map.of(
            "webhook-id",
            "msg_cross",
            "webhook-timestamp",
            Long.toString(timestamp),
            "webhook-signature",
            signature);

    assertDoesNotThrow(() -> StandardWebhooks.of(secret).withClock(clock).verify(headers, BODY));
  }

  @Test
  void weSignExactlyAsTheReferenceLibrary() throws Exception {
    String bare = secret.substring("whsec_".length());

    assertEquals(
        new Webhook(secret).sign("msg_cross", 1767225600L, PAYLOAD),
        StandardWebhooks.of(bare).sign("msg_cross", 1767225600L, BODY));
  }
}
