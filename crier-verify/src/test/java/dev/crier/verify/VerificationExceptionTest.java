package dev.crier.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crier.verify.VerificationException.Reason;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerificationExceptionTest {
  @Test
  void isUncheckedSoHandlersNeedNoThrowsClause() {
    assertTrue(RuntimeException.class.isAssignableFrom(VerificationException.class));
  }

  @Test
  void carriesItsReasonAndMessage() {
    VerificationException e = new VerificationException(Reason.TIMESTAMP_TOO_NEW, "why");

    assertEquals(Reason.TIMESTAMP_TOO_NEW, e.reason());
    assertEquals("why", e.getMessage());
  }

  @Test
  void hasExactlyTheFiveReasons() {
    assertEquals(
        List.of(
            Reason.MALFORMED,
            Reason.NO_MATCHING_SIGNATURE,
            Reason.TIMESTAMP_TOO_OLD,
            Reason.TIMESTAMP_TOO_NEW,
            Reason.KEY_UNAVAILABLE),
        List.of(Reason.values()));
  }
}
