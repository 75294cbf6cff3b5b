package dev.crier.client;

import java.util.List;
import java.util.Map;

/**
 * JSON for the client without a dependency: reading is crier-verify's strict reader (objects
 * become {@link Map}, arrays {@link List}, numbers {@link Double}); writing is the little this
 * client sends. Stateless, so thread-safe.
 */
final class Json {
  private Json() {}

  /** The parsed value; IllegalArgumentException saying where, for anything not JSON. */
  static Object parse(String text) {
    return dev.crier.verify.internal.Json.parse(text);
  }

  static String escape(String s) {
    return dev.crier.verify.internal.Json.escape(s);
  }

  /** JSON text for maps, lists, strings, numbers, booleans and null (what this client sends). */
  static String write(Object value) {
    StringBuilder out = new StringBuilder();
    write(value, out);
    return out.toString();
  }

  private static void write(Object value, StringBuilder out) {
    if (value == null || value instanceof Boolean) {
      out.append(value);
    } else if (value instanceof Number n) {
      double d = n.doubleValue();
      if (!Double.isFinite(d)) {
        throw new IllegalArgumentException("JSON has no " + d);
      }
      out.append(d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d));
    } else if (value instanceof String s) {
      out.append('"').append(escape(s)).append('"');
    } else if (value instanceof Map<?, ?> m) {
      out.append('{');
      String comma = "";
      for (Map.Entry<?, ?> e : m.entrySet()) {
        out.append(comma).append('"').append(escape(String.valueOf(e.getKey()))).append("\":");
        write(e.getValue(), out);
        comma = ",";
      }
      out.append('}');
    } else if (value instanceof List<?> l) {
      out.append('[');
      for (int i = 0; i < l.size(); i++) {
        out.append(i == 0 ? "" : ",");
        write(l.get(i), out);
      }
      out.append(']');
    } else {
      throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
    }
  }
}
