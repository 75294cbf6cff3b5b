package dev.crier.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.crier.verify.VerificationException.Reason;
import org.junit.jupiter.api.function.Executable;

/** Asserts that a verification fails for a given reason. */
final class Failures {
  private Failures() {}

  static VerificationException assertRefused(Reason reason, Executable verification) {
    VerificationException e = assertThrows(VerificationException.class, verification);
    assertEquals(reason, e.reason(), () -> "wrong reason; message: " + e.getMessage());
    return e;
  }
}
