package dev.crier.subscription;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * A Webex-style filter on the event's data: {@code key=value} conditions joined by {@code &}, all
 * of which must hold. A key may be a dotted path into nested objects ({@code project.id=7}).
 */
public record DataFilter(String text, Map<String, String> conditions) {

  /** Parses a filter; empty or null text is no filter. */
  public static Optional<DataFilter> parse(String text) {
    if (text == null || text.isBlank()) return Optional.empty();
    Map<String, String> conditions = new LinkedHashMap<>();
    for (String part : text.split("&")) {
      int eq = part.indexOf('=');
      if (eq <= 0) throw new IllegalArgumentException("each condition must be key=value, got '" + part + "'");
      conditions.put(
          java.net.URLDecoder.decode(part.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8),
          java.net.URLDecoder.decode(part.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
    }
    return Optional.of(new DataFilter(text, Map.copyOf(conditions)));
  }

  /** Whether {@code data} (the event's data object, or null) satisfies every condition. */
  public boolean matches(JsonNode data) {
    if (data == null) return false;
    for (var condition : conditions.entrySet()) {
      JsonNode value = data;
      for (String key : condition.getKey().split("\\.")) {
        value = value == null ? null : value.get(key);
      }
      if (value == null || value.isNull() || value.isContainer()) return false;
      if (!value.asString().equals(condition.getValue())) return false;
    }
    return true;
  }
}
