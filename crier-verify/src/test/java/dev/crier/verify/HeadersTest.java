package dev.crier.verify;

import static dev.crier.verify.Failures.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.crier.verify.VerificationException.Reason;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeadersTest {
  @Test
  void findsAHeaderWhateverTheCaseOfItsName() {
    Map<String, String> headers = Map.of("X-Crier-Signature", "abc");

    assertEquals("abc", Headers.find(headers, "x-crier-signature"));
    assertEquals("abc", Headers.find(headers, "X-CRIER-SIGNATURE"));
  }

  @Test
  void treatsAbsentNullAndBlankValuesAsMissing() {
    Map<String, String> headers = new HashMap<>();
    headers.put("a", null);
    headers.put("b", "   ");
    headers.put(null, "orphan");

    assertNull(Headers.find(headers, "a"));
    assertNull(Headers.find(headers, "b"));
    assertNull(Headers.find(headers, "c"));
    assertRefused(Reason.MALFORMED, () -> Headers.require(headers, "c"));
  }

  @Test
  void stripsSurroundingWhitespace() {
    assertEquals("abc", Headers.find(Map.of("h", " abc\t"), "h"));
  }

  @Test
  void acceptsTheSameHeaderTwiceWithTheSameValue() {
    assertEquals("1", Headers.find(Map.of("webhook-id", "1", "Webhook-Id", "1"), "webhook-id"));
  }

  @Test
  void refusesTheSameHeaderTwiceWithDifferentValues() {
    assertRefused(
        Reason.MALFORMED,
        () -> Headers.find(Map.of("webhook-id", "1", "Webhook-Id", "2"), "webhook-id"));
  }
}
