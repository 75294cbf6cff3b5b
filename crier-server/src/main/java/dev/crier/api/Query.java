package dev.crier.api;

import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads query parameters, collecting every problem before answering 400 with all of them. */
final class Query {
  private final Context ctx;
  private final List<FieldError> errors = new ArrayList<>();

  Query(Context ctx, String... known) {
    this.ctx = ctx;
    List<String> allowed = Arrays.asList(known);
    for (var param : ctx.queryParamMap().entrySet()) {
      String name = Text.shown(param.getKey());
      if (!allowed.contains(param.getKey())) {
        errors.add(new FieldError(name, "unknown query parameter"));
        continue;
      }
      for (String value : param.getValue()) {
        Text.problem(value, false).ifPresent(reason -> errors.add(new FieldError(name, reason)));
      }
    }
  }

  /** The value of a known parameter; null when absent, empty, or refused by the constructor. */

  String string(String name) {
    String value = ctx.queryParam(name);
    if (value == null || value.isEmpty() || Text.problem(value, false).isPresent()) return null;
    return value;
  }

  Long longValue(String name) {
    String value = string(name);
    if (value == null) return null;
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      errors.add(new FieldError(name, "must be a cursor returned as 'next', got '" + value + "'"));
      return null;
    }
  }

  int intValue(String name, int fallback, int min, int max) {
    String value = string(name);
    if (value == null) return fallback;
    try {
      int parsed = Integer.parseInt(value);
      if (parsed >= min && parsed <= max) return parsed;
    } catch (NumberFormatException e) {
      // reported below
    }
    errors.add(new FieldError(name, "must be a whole number from " + min + " to " + max + ", got '" + value + "'"));
    return fallback;
  }

  Instant instant(String name) {
    String value = string(name);
    if (value == null) return null;
    Instant at = Fields.timestamp(value).orElse(null);
    if (at == null) errors.add(new FieldError(name, Fields.TIMESTAMP_RULE + ", got '" + value + "'"));
    return at;
  }

  String oneOf(String name, String fallback, String... allowed) {
    String value = string(name);
    if (value == null) return fallback;
    if (Arrays.asList(allowed).contains(value)) return value;
    errors.add(new FieldError(name, "must be one of " + String.join(", ", allowed) + ", got '" + value + "'"));
    return fallback;
  }

  /** Records a problem found by the caller, reported with the others by {@link #done}. */
  void error(String name, String message) {
    errors.add(new FieldError(name, message));
  }

  /** Throws 400 naming every bad parameter, if there was any. */
  void done() {
    if (!errors.isEmpty()) throw ProblemException.invalidQuery(errors);
  }
}
