package dev.crier.subscription;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A subscription's signing secrets: the current one and, during a rotation, the previous one
 * until it expires.
 */
public record Secrets(String current, String previous, Instant previousExpiresAt) {

  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  /** A new secret of 32 random bytes as hex (broadcast receivers, app secrets). */
  public static String randomHex() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return java.util.HexFormat.of().formatHex(bytes);
  }

  public static Secrets of(String current) {
    return new Secrets(current, null, null);
  }

  /** The secrets to sign with at {@code now}: the current one first. */
  public List<String> valid(Instant now) {
    List<String> valid = new ArrayList<>(2);
    valid.add(current);
    if (previous != null && previousExpiresAt != null && now.isBefore(previousExpiresAt)) {
      valid.add(previous);
    }
    return valid;
  }

  @Override
  public String toString() {
    return "Secrets[****]";
  }
}
