package dev.crier.verify;

import java.util.List;
import java.util.Optional;

/** {@link KeySource#of}: a fixed list. Immutable, so thread-safe. */
final class FixedKeys implements KeySource {
  private final List<VerificationKey> keys;

  FixedKeys(List<VerificationKey> keys) {
    this.keys = keys;
  }

  @Override
  public Optional<VerificationKey> find(String kid) {
    return keys.stream().filter(k -> k.kid().equals(kid)).findFirst();
  }

  @Override
  public List<VerificationKey> keys() {
    return keys;
  }

  @Override
  public String toString() {
    return "KeySource" + keys.stream().map(VerificationKey::kid).toList();
  }
}
