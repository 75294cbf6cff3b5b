package dev.crier.signing;

/** Another rotation of the signing keys committed first; nothing was changed by this one. */
public final class RotationConflictException extends RuntimeException {
  public RotationConflictException() {
    super("another rotation of the signing keys happened at the same time; list the keys and retry if needed");
  }
}
