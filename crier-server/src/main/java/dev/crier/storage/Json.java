package dev.crier.storage;

import java.util.List;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** JSON columns: lists of strings stored as JSON text, the same on both engines. */
final class Json {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  private Json() {}

  static String stringList(List<String> values) {
    return values == null || values.isEmpty() ? null : MAPPER.writeValueAsString(values);
  }

  static List<String> parseStringList(String json) {
    return json == null ? List.of() : List.copyOf(MAPPER.readValue(json, STRINGS));
  }
}
