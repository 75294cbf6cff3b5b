package dev.crier.subscription;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A subscription's signing secrets: the current one and, during a rotation, the previous one
 * until it expires.
 */
public record Secrets(String current, String previous, Instant previousExpiresAt) {

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
