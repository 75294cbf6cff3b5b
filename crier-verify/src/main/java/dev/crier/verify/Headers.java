package dev.crier.verify;

import dev.crier.verify.VerificationException.Reason;
import java.util.Map;

/** Case-insensitive header lookup in any {@link Map}. Stateless, so thread-safe. */
final class Headers {
  private Headers() {}

  /**
   * The value of a header, stripped, or null if absent or blank. HTTP header names are
   * case-insensitive, and a caller's map may be a plain {@code HashMap} keyed as received, so this
   * scans rather than calling {@code get}.
   *
   * @throws VerificationException if the header is given twice (in different cases) with different
   *     values: which one the sender meant cannot be known
   */
  static String find(Map<String, String> headers, String name) {
    String found = null;
    for (Map.Entry<String, String> header : headers.entrySet()) {
      if (header.getKey() == null || !header.getKey().equalsIgnoreCase(name)) {
        continue;
      }
      String value = header.getValue() == null ? null : header.getValue().strip();
      if (value == null || value.isEmpty()) {
        continue;
      }
      if (found != null && !found.equals(value)) {
        throw new VerificationException(
            Reason.MALFORMED, "header " + name + " is given twice with different values");
      }
      found = value;
    }
    return found;
  }

  /** Like {@link #find}, but a missing header is a {@link Reason#MALFORMED} failure. */
  static String require(Map<String, String> headers, String name) {
    String value = find(headers, name);
    if (value == null) {
      throw missing(name);
    }
    return value;
  }

  static VerificationException missing(String name) {
    return new VerificationException(Reason.MALFORMED, "header " + name + " is missing or empty");
  }
}
