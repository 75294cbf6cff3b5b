package dev.crier.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeType;

/**
 * Reads the fields of one JSON object while collecting every problem, each named by its path
 * ({@code [2].subject.url}), so a client learns all that is wrong with a request at once.
 */
final class Fields {
  /**
   * What a timestamp field or parameter must look like, for its error message. RFC 3339 years
   * have four digits; a later or earlier instant has no epoch millisecond the stores can keep.
   */
  static final String TIMESTAMP_RULE =
      "must be an RFC 3339 timestamp from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z, such as 2026-11-24T09:30:00Z";

  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

  /** The instant {@code text} names, or empty when it is not a timestamp {@link #TIMESTAMP_RULE} allows. */
  static Optional<Instant> timestamp(String text) {
    try {
      Instant at = OffsetDateTime.parse(text).toInstant();
      return at.isBefore(EARLIEST) || at.isAfter(LATEST) ? Optional.empty() : Optional.of(at);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private final JsonNode node;
  private final String path;
  private final List<FieldError> errors;

  private Fields(JsonNode node, String path, List<FieldError> errors) {
    this.node = node;
    this.path = path;
    this.errors = errors;
  }

  /** The object at {@code path}; when {@code node} is not an object the problem is recorded. */
  static Fields of(JsonNode node, String path, List<FieldError> errors) {
    if (node == null || !node.isObject()) {
      errors.add(
          new FieldError(path.isEmpty() ? "(body)" : path, "must be a JSON object, got " + kind(node)));
      return new Fields(Json.MAPPER.createObjectNode(), path, errors);
    }
    return new Fields(node, path, errors);
  }

  /** Refuses, by name, every field not in {@code allowed}. */
  Fields only(String... allowed) {
    Set<String> known = new HashSet<>(Arrays.asList(allowed));
    for (String name : node.propertyNames()) {
      if (!known.contains(name)) error(name, "unknown field");
    }
    return this;
  }

  boolean has(String name) {
    JsonNode value = node.get(name);
    return value != null && !value.isNull();
  }

  JsonNode raw(String name) {
    JsonNode value = node.get(name);
    return value == null || value.isNull() ? null : value;
  }

  String path(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  void error(String name, String message) {
    errors.add(new FieldError(path(name), message));
  }

  /** A required string: missing, null, not a string or too long are each reported. */
  String requiredString(String name, int maxLength) {
    if (!has(name)) {
      error(name, "is required");
      return null;
    }
    return optionalString(name, maxLength);
  }

  String optionalString(String name, int maxLength) {
    JsonNode value = raw(name);
    if (value == null) return null;
    if (!value.isString()) {
      error(name, "must be a string, got " + kind(value));
      return null;
    }
    String text = value.stringValue();
    if (text.length() > maxLength) {
      error(name, "must be at most " + maxLength + " characters");
      return null;
    }
    return text;
  }

  /** An optional timestamp ({@link #TIMESTAMP_RULE}); null when absent or refused. */
  Instant optionalTimestamp(String name) {
    String text = optionalString(name, 64);
    if (text == null) return null;
    Optional<Instant> at = timestamp(text);
    if (at.isEmpty()) error(name, TIMESTAMP_RULE + ", got '" + text + "'");
    return at.orElse(null);
  }

  /** An optional whole number from {@code min} to {@code max}; null when absent or refused. */
  Integer optionalInteger(String name, int min, int max) {
    JsonNode value = raw(name);
    if (value == null) return null;
    if (value.isIntegralNumber() && value.canConvertToInt() && value.intValue() >= min && value.intValue() <= max) {
      return value.intValue();
    }
    error(name, "must be a whole number from " + min + " to " + max + ", got " + shown(value));
    return null;
  }

  /** An optional number from {@code min} to {@code max} (fractions allowed); null when absent or refused. */
  Double optionalNumber(String name, double min, double max) {
    JsonNode value = raw(name);
    if (value == null) return null;
    if (value.isNumber()) {
      double number = number(value);
      if (number >= min && number <= max) return number;
    }
    error(name, "must be a number from " + plain(min) + " to " + plain(max) + ", got " + shown(value));
    return null;
  }

  /** A JSON number as a double: ±Infinity when it is beyond the double range (1e400, or 400 digits). */
  static double number(JsonNode value) {
    if (value.isIntegralNumber() && !value.canConvertToLong()) {
      return value.bigIntegerValue().signum() * Double.POSITIVE_INFINITY;
    }
    return value.asDouble();
  }

  private static String plain(double number) {
    return BigDecimal.valueOf(number).stripTrailingZeros().toPlainString();
  }

  /** A value for an error message: numbers and short text as they are, anything else by its kind. */
  private static String shown(JsonNode value) {
    if (value.isNumber()) {
      String text = value.toString();
      return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }
    return kind(value);
  }

  /** An optional array of non-empty strings; empty when absent. */
  List<String> strings(String name, int maxLength) {
    JsonNode value = raw(name);
    if (value == null) return List.of();
    if (!value.isArray()) {
      error(name, "must be an array of strings, got " + kind(value));
      return List.of();
    }
    List<String> result = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      JsonNode item = value.get(i);
      if (!item.isString() || item.stringValue().isEmpty() || item.stringValue().length() > maxLength) {
        error(name + "[" + i + "]", "must be a non-empty string of at most " + maxLength + " characters");
      } else {
        result.add(item.stringValue());
      }
    }
    return result;
  }

  /** An optional nested object, as {@link Fields} of its own; null when absent. */
  Fields object(String name) {
    JsonNode value = raw(name);
    if (value == null) return null;
    if (!value.isObject()) {
      error(name, "must be a JSON object, got " + kind(value));
      return null;
    }
    return new Fields(value, path(name), errors);
  }

  static String kind(JsonNode node) {
    if (node == null || node.isMissingNode()) return "nothing";
    JsonNodeType type = node.getNodeType();
    return switch (type) {
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case NULL -> "null";
      default -> type.name().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
