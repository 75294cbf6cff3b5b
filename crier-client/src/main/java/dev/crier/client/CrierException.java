package dev.crier.client;

import java.util.Objects;

/**
 * Crier refused a request, or could not be reached within the retries. {@link #kind()} says
 * what to do about it, {@link #problem()} carries Crier's answer.
 *
 * <pre>{@code
 * try {
 *   client.publish(event);
 * } catch (CrierException e) {
 *   switch (e.kind()) {
 *     case INVALID -> log.error("fix the event: {}", e.problem().errors());
 *     case UNAVAILABLE -> queueForLater(event); // same id later: still published once
 *     default -> throw e;
 *   }
 * }
 * }</pre>
 *
 * <p>Thread-safety: immutable, so thread-safe.
 */
public final class CrierException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * What kind of refusal it is.
   *
   * <pre>{@code
   * if (e.kind() == CrierException.Kind.CONFLICT) { ... }
   * }</pre>
   *
   * <p>Thread-safety: an enum, so thread-safe.
   */
  public enum Kind {
    /** 400, 413, 415 or 422: the request is wrong; sending it again will not help. */
    INVALID,
    /** 401 or 403: the key is missing, wrong, or may not do this. */
    NOT_AUTHORIZED,
    /** 404: no such webhook, app, token or event (or one this key may not see). */
    NOT_FOUND,
    /** 409: an event id was used before for a different event, or the webhook is not in a state that allows it. */
    CONFLICT,
    /** 429 or 503 after every retry, or no answer at all: try again later, with the same ids. */
    UNAVAILABLE,
    /** Any other answer. */
    UNEXPECTED
  }

  private final transient Problem problem;
  private final Kind kind;

  CrierException(Kind kind, Problem problem, Throwable cause) {
    super(problem.status() + " " + problem.title() + ": " + problem.detail(), cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.problem = problem;
  }

  static Kind kindOf(int status) {
    return switch (status) {
      case 400, 413, 415, 422 -> Kind.INVALID;
      case 401, 403 -> Kind.NOT_AUTHORIZED;
      case 404 -> Kind.NOT_FOUND;
      case 409 -> Kind.CONFLICT;
      case 429, 503 -> Kind.UNAVAILABLE;
      default -> Kind.UNEXPECTED;
    };
  }

  /**
   * What to do about it.
   *
   * <pre>{@code
   * boolean later = e.kind() == CrierException.Kind.UNAVAILABLE;
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @return the kind, never null
   */
  public Kind kind() {
    return kind;
  }

  /**
   * Crier's answer; for no answer at all, status 0 and the transport's error as the detail.
   *
   * <pre>{@code
   * String why = e.problem().detail();
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @return the problem, never null
   */
  public Problem problem() {
    return problem;
  }
}
