package dev.crier.storage;

import java.util.List;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** JSON columns (lists and header maps stored as JSON text), the same on both engines. */
final class Json {
  static final JsonMapper MAPPER = JsonMapper.builder().build();
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private static final TypeReference<List<Long>> LONGS = new TypeReference<>() {};

  private Json() {}

  static String stringList(List<String> values) {
    return values == null || values.isEmpty() ? null : MAPPER.writeValueAsString(values);
  }

  static List<String> parseStringList(String json) {
    return json == null ? List.of() : List.copyOf(MAPPER.readValue(json, STRINGS));
  }

  static String longList(List<Long> values) {
    return MAPPER.writeValueAsString(values);
  }

  static List<Long> parseLongList(String json) {
    return json == null ? List.of() : List.copyOf(MAPPER.readValue(json, LONGS));
  }

  /** Headers as a JSON array of [name, value] pairs, keeping order and repeats. */
  static String headers(List<Map.Entry<String, String>> headers) {
    if (headers == null) return null;
    // The streaming generator, not a list of lists through databind: this runs twice for every
    // delivery recorded, and the profile of the latency bench showed the databind path at 5%.
    java.io.StringWriter out = new java.io.StringWriter(64 + 48 * headers.size());
    try (tools.jackson.core.JsonGenerator g = MAPPER.createGenerator(out)) {
      g.writeStartArray();
      for (Map.Entry<String, String> header : headers) {
        g.writeStartArray();
        g.writeString(header.getKey());
        g.writeString(header.getValue());
        g.writeEndArray();
      }
      g.writeEndArray();
    }
    return out.toString();
  }

  static List<Map.Entry<String, String>> parseHeaders(String json) {
    if (json == null) return null;
    List<List<String>> pairs = MAPPER.readValue(json, new TypeReference<List<List<String>>>() {});
    return pairs.stream().map(p -> Map.entry(p.get(0), p.get(1))).toList();
  }
}
