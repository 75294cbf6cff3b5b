package dev.crier.subscription;

/**
 * The app token (or its app) a subscription was being made with was revoked before the
 * subscription was committed: nothing was written, so no subscription outlives its token.
 */
public final class OwnerRevokedException extends RuntimeException {
  public OwnerRevokedException(String message) {
    super(message);
  }
}
