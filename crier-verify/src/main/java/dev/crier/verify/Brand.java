package dev.crier.verify;

import java.util.Objects;
import java.util.regex.Pattern;

/** Checks a brand before it becomes part of a header name. Stateless, so thread-safe. */
final class Brand {
  static final String DEFAULT = "Crier";

  // Letters, digits and inner hyphens: always a valid header-name token, never an injection.
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9]+(-[A-Za-z0-9]+)*");

  private Brand() {}

  static String check(String brand) {
    Objects.requireNonNull(brand, "brand");
    if (!VALID.matcher(brand).matches()) {
      throw new IllegalArgumentException(
          "brand must be letters and digits, optionally joined by hyphens, got '" + brand + "'");
    }
    return brand;
  }
}
