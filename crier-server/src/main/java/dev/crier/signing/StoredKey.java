package dev.crier.signing;

import dev.crier.verify.SigningKey;
import java.time.Instant;

/**
 * One generation of the deployment's signing key: the key, when it was made, and when it stops
 * signing (null for the current key, which retires only when a rotation replaces it).
 */
public record StoredKey(int generation, SigningKey key, Instant createdAt, Instant retiresAt) {

  /** Whether it still signs (and is still published) at {@code now}. */
  public boolean liveAt(Instant now) {
    return retiresAt == null || now.isBefore(retiresAt);
  }
}
