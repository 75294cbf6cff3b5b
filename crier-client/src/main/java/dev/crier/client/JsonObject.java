package dev.crier.client;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads one object of Crier's answers; a missing or mistyped member Crier always sends is an
 * UNEXPECTED {@link CrierException} naming it, an optional one is null. Immutable.
 */
record JsonObject(Map<?, ?> members) {
  static JsonObject of(Object json) {
    if (json instanceof Map<?, ?> m) {
      return new JsonObject(m);
    }
    throw unexpected("an answer that is not a JSON object");
  }

  /** The objects of an {@code items} array. */
  static List<JsonObject> items(Object json) {
    List<JsonObject> out = new ArrayList<>();
    if (of(json).members.get("items") instanceof List<?> items) {
      for (Object item : items) {
        out.add(of(item));
      }
    }
    return out;
  }

  String string(String name) {
    if (members.get(name) instanceof String s) {
      return s;
    }
    throw unexpected("an answer without the text \"" + name + "\"");
  }

  String optionalString(String name) {
    return members.get(name) instanceof String s ? s : null;
  }

  long number(String name) {
    if (members.get(name) instanceof Double d) {
      return d.longValue();
    }
    throw unexpected("an answer without the number \"" + name + "\"");
  }

  Double optionalNumber(String name) {
    return members.get(name) instanceof Double d ? d : null;
  }

  boolean bool(String name) {
    return Boolean.TRUE.equals(members.get(name));
  }

  Instant instant(String name) {
    String s = optionalString(name);
    return s == null ? null : Instant.parse(s);
  }

  List<String> strings(String name) {
    List<String> out = new ArrayList<>();
    if (members.get(name) instanceof List<?> list) {
      for (Object item : list) {
        out.add(String.valueOf(item));
      }
    }
    return List.copyOf(out);
  }

  /** A member as JSON text (null when absent or null), such as an event's data. */
  String json(String name) {
    Object value = members.get(name);
    return value == null ? null : Json.write(value);
  }

  static CrierException unexpected(String what) {
    return new CrierException(
        CrierException.Kind.UNEXPECTED, new Problem(200, "about:blank", "Unexpected answer", what, List.of()), null);
  }
}
