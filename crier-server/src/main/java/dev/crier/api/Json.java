package dev.crier.api;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reading request bodies as JSON, strictly, and writing answers. */
final class Json {
  static final JsonMapper MAPPER =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /**
   * The fields of an event whose values are the publisher's own JSON: stored as JSON text (with
   * U+0000 escaped as {@code \u0000}), so they may hold NUL and are delivered with it, as sent.
   */
  static final Set<String> EVENT_PAYLOADS = Set.of("data", "changes");

  /** A body with more bad strings than this names only the first ones. */
  private static final int MAX_TEXT_ERRORS = 20;

  /** Bodies up to this size are read to the end even when refused, so the 413 arrives intact. */
  private static final long DRAIN_LIMIT = 64L << 20;

  private Json() {}

  /** A parsed request body and how many bytes it had. */
  record Body(JsonNode node, int bytes) {}

  /**
   * Reads and parses the request body.
   *
   * @param limit the most bytes accepted; a larger body is refused with 413 without reading it all
   * @throws ProblemException 415 for a non-JSON content type, 413 when too large, 400 when the
   *     body is not JSON (saying where), 422 when it is empty or a string or key in it is not
   *     text Crier can store ({@link Text}), naming each such field
   */
  static Body body(Context ctx, int limit) {
    return body(ctx, limit, Set.of());
  }

  /**
   * As {@link #body(Context, int)}, where the values of the {@code payloads} fields (of the body,
   * or of each object in a body that is an array) may contain U+0000.
   */
  static Body body(Context ctx, int limit, Set<String> payloads) {
    String contentType = ctx.header("Content-Type");
    if (contentType != null && !isJson(contentType)) {
      throw ProblemException.of(
          415,
          "unsupported-media-type",
          "Unsupported media type",
          "the body must be application/json, got " + contentType);
    }
    return read(ctx, limit, payloads);
  }

  /**
   * Reads the body as JSON whatever its declared content type: for clients written against
   * servers that never looked at it (Noah's curl examples send JSON with {@code -d}, which
   * declares a form). Otherwise as {@link #body}.
   */
  static Body bodyOfAnyType(Context ctx, int limit) {
    return read(ctx, limit, Set.of());
  }

  private static Body read(Context ctx, int limit, Set<String> payloads) {
    byte[] bytes = readAtMost(ctx, limit);
    if (bytes.length == 0) {
      throw ProblemException.malformedJson("the request body is empty; a JSON document is required");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (JacksonException e) {
      TokenStreamLocation at = e.getLocation();
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      String reason = e.getOriginalMessage();
      int noise = reason.indexOf(" (start marker at");
      if (noise > 0) reason = reason.substring(0, noise);
      throw ProblemException.malformedJson("the body is not valid JSON" + where + ": " + reason);
    }
    List<FieldError> errors = new ArrayList<>();
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) checkRecord(node.get(i), "[" + i + "]", payloads, errors);
    } else {
      checkRecord(node, "", payloads, errors);
    }
    if (!errors.isEmpty()) throw ProblemException.validation(errors);
    return new Body(node, bytes.length);
  }

  /** Checks every key and string of one record; the values of its {@code payloads} fields may hold NUL. */
  private static void checkRecord(JsonNode node, String path, Set<String> payloads, List<FieldError> errors) {
    if (!node.isObject()) {
      checkText(node, path, false, errors);
      return;
    }
    for (var property : node.properties()) {
      String field = child(path, property.getKey());
      checkKey(property.getKey(), field, false, errors);
      checkText(property.getValue(), field, payloads.contains(property.getKey()), errors);
    }
  }

  private static void checkText(JsonNode node, String path, boolean allowNul, List<FieldError> errors) {
    if (errors.size() >= MAX_TEXT_ERRORS) return;
    if (node.isString()) {
      Text.problem(node.stringValue(), allowNul).ifPresent(reason -> errors.add(new FieldError(path.isEmpty() ? "(body)" : path, reason)));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) checkText(node.get(i), path + "[" + i + "]", allowNul, errors);
    } else if (node.isObject()) {
      for (var property : node.properties()) {
        String field = child(path, property.getKey());
        checkKey(property.getKey(), field, allowNul, errors);
        checkText(property.getValue(), field, allowNul, errors);
      }
    }
  }

  private static void checkKey(String key, String field, boolean allowNul, List<FieldError> errors) {
    if (errors.size() >= MAX_TEXT_ERRORS) return;
    Text.problem(key, allowNul).ifPresent(reason -> errors.add(new FieldError(field, "its name " + reason)));
  }

  private static String child(String path, String key) {
    String name = Text.shown(key);
    return path.isEmpty() ? name : path + "." + name;
  }

  private static boolean isJson(String contentType) {
    String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return type.equals("application/json") || type.endsWith("+json");
  }

  private static byte[] readAtMost(Context ctx, int limit) {
    long declared = ctx.contentLength();
    try (InputStream in = ctx.req().getInputStream()) {
      if (declared > DRAIN_LIMIT) throw tooLarge(limit);
      byte[] bytes = in.readNBytes(limit + 1);
      if (bytes.length > limit) {
        // Read the rest (within reason) so the client, still sending, receives the 413
        // instead of a reset connection.
        long rest = Math.min(declared, DRAIN_LIMIT) - bytes.length;
        while (rest > 0) {
          long skipped = in.skip(rest);
          if (skipped <= 0) break;
          rest -= skipped;
        }
        throw tooLarge(limit);
      }
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ProblemException tooLarge(int limit) {
    return ProblemException.tooLarge("the request body is larger than " + limit + " bytes");
  }

  static void write(Context ctx, int status, Object body) {
    ctx.status(status).contentType("application/json").result(MAPPER.writeValueAsBytes(body));
  }
}
