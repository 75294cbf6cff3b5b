package dev.crier.verify;

/**
 * A request that failed verification: its signature, its timestamp or its format is not what the
 * scheme requires. {@link #reason()} says which; the message says why in words, and never contains
 * a secret or the signature the library expected.
 *
 * <p>It is unchecked on purpose. Refusing a request is an ordinary outcome that a receiver handles
 * in one place (answer 400 or 401), usually inside a framework's handler lambda, where a checked
 * exception would only be caught and rethrown. And forgetting to catch it is safe: it still unwinds
 * the handler, so an unverified request is never processed by accident (it fails closed).
 *
 * <pre>{@code
 * try {
 *   webhooks.verify(headers, body);
 * } catch (VerificationException e) {
 *   int status = e.reason() == VerificationException.Reason.MALFORMED ? 400 : 401;
 *   return respond(status, e.getMessage());
 * }
 * }</pre>
 *
 * <p>Thread-safety: immutable, so thread-safe.
 */
public final class VerificationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Why a request failed verification.
   *
   * <pre>{@code
   * if (e.reason() == VerificationException.Reason.TIMESTAMP_TOO_OLD) { log.warn("replay?"); }
   * }</pre>
   *
   * <p>Thread-safety: an enum, so thread-safe.
   */
  public enum Reason {
    /** A header or value is missing or does not have the scheme's format. */
    MALFORMED,
    /** The format is right but no signature matches the body under any configured secret. */
    NO_MATCHING_SIGNATURE,
    /** The signed timestamp is further in the past than the tolerance allows (a replay?). */
    TIMESTAMP_TOO_OLD,
    /** The signed timestamp is further in the future than the tolerance allows (clock skew?). */
    TIMESTAMP_TOO_NEW,
    /**
     * The public keys to check a {@code v1a} signature with could not be obtained (a {@link
     * Jwks} whose set expired and cannot be fetched): not a forgery, but not verified either.
     */
    KEY_UNAVAILABLE
  }

  private final Reason reason;

  VerificationException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  VerificationException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /**
   * Which rule the request broke.
   *
   * <pre>{@code
   * VerificationException.Reason why = e.reason();
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @return the reason, never null
   */
  public Reason reason() {
    return reason;
  }
}
