package dev.crier.api;

import java.util.List;
import java.util.Map;

/**
 * An RFC 9457 problem to answer with. Thrown by request handling; {@link Problems} writes it as
 * {@code application/problem+json}.
 */
final class ProblemException extends RuntimeException {
  final int status;
  final String type;
  final String title;
  final List<FieldError> errors;
  final Map<String, String> headers;

  ProblemException(
      int status,
      String type,
      String title,
      String detail,
      List<FieldError> errors,
      Map<String, String> headers) {
    super(detail);
    this.status = status;
    this.type = type;
    this.title = title;
    this.errors = errors;
    this.headers = headers;
  }

  static ProblemException of(int status, String type, String title, String detail) {
    return new ProblemException(status, type, title, detail, List.of(), Map.of());
  }

  static ProblemException badRequest(String detail) {
    return of(400, "bad-request", "Bad request", detail);
  }

  static ProblemException malformedJson(String detail) {
    return of(400, "malformed-json", "Malformed JSON", detail);
  }

  static ProblemException invalidQuery(List<FieldError> errors) {
    return new ProblemException(
        400,
        "invalid-query",
        "Invalid query parameters",
        describe(errors),
        List.copyOf(errors),
        Map.of());
  }

  static ProblemException validation(List<FieldError> errors) {
    return new ProblemException(
        422, "validation", "Validation failed", describe(errors), List.copyOf(errors), Map.of());
  }

  static ProblemException notFound(String detail) {
    return of(404, "not-found", "Not found", detail);
  }

  static ProblemException tooLarge(String detail) {
    return of(413, "too-large", "Content too large", detail);
  }

  static ProblemException unavailable(String type, String detail, int retryAfterSeconds) {
    return new ProblemException(
        503,
        type,
        "Service unavailable",
        detail,
        List.of(),
        Map.of("Retry-After", Integer.toString(retryAfterSeconds)));
  }

  private static String describe(List<FieldError> errors) {
    if (errors.size() == 1) return errors.get(0).field() + ": " + errors.get(0).message();
    return errors.size() + " fields are invalid; see errors";
  }
}
