package dev.crier.client;

import java.util.List;

/**
 * An RFC 9457 problem as Crier answers it: what went wrong, in words, and for a validation
 * failure which fields and why.
 *
 * <pre>{@code
 * catch (CrierException e) {
 *   e.problem().errors().forEach(f -> log.warn("{}: {}", f.field(), f.message()));
 * }
 * }</pre>
 *
 * <p>Thread-safety: immutable, so thread-safe.
 *
 * @param status the HTTP status
 * @param type the problem type URI (its last segment names it, such as {@code validation})
 * @param title a short summary
 * @param detail what happened, in words
 * @param errors for a validation failure: each field and why; otherwise empty
 */
public record Problem(int status, String type, String title, String detail, List<FieldError> errors) {

  /**
   * Copies the list.
   *
   * @param status see the record
   * @param type see the record
   * @param title see the record
   * @param detail see the record
   * @param errors see the record
   * @throws NullPointerException if errors is null
   */
  public Problem {
    errors = List.copyOf(errors);
  }

  /**
   * One refused field: a JSON path into the request, such as {@code [2].type}, and the reason.
   *
   * <pre>{@code
   * FieldError first = problem.errors().get(0);
   * }</pre>
   *
   * <p>Thread-safety: immutable, so thread-safe.
   *
   * @param field the path of the field
   * @param message why it was refused
   */
  public record FieldError(String field, String message) {}
}
