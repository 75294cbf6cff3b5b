package dev.crier.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeType;

/**
 * Reads the fields of one JSON object while collecting every problem, each named by its path
 * ({@code [2].subject.url}), so a client learns all that is wrong with a request at once.
 */
final class Fields {
  /** What a timestamp field or parameter must look like, for its error message. */
  static final String TIMESTAMP_RULE = "must be an RFC 3339 timestamp such as 2026-11-24T09:30:00Z";

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
