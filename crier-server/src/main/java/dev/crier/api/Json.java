package dev.crier.api;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reading request bodies as JSON, strictly, and writing answers. */
final class Json {
  static final JsonMapper MAPPER =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

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
   *     body is not JSON (saying where), 422 when it is empty
   */
  static Body body(Context ctx, int limit) {
    String contentType = ctx.header("Content-Type");
    if (contentType != null && !isJson(contentType)) {
      throw ProblemException.of(
          415,
          "unsupported-media-type",
          "Unsupported media type",
          "the body must be application/json, got " + contentType);
    }
    return bodyOfAnyType(ctx, limit);
  }

  /**
   * Reads the body as JSON whatever its declared content type: for clients written against
   * servers that never looked at it (Noah's curl examples send JSON with {@code -d}, which
   * declares a form). Otherwise as {@link #body}.
   */
  static Body bodyOfAnyType(Context ctx, int limit) {
    byte[] bytes = readAtMost(ctx, limit);
    if (bytes.length == 0) {
      throw ProblemException.malformedJson("the request body is empty; a JSON document is required");
    }
    try {
      return new Body(MAPPER.readTree(bytes), bytes.length);
    } catch (JacksonException e) {
      TokenStreamLocation at = e.getLocation();
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      String reason = e.getOriginalMessage();
      int noise = reason.indexOf(" (start marker at");
      if (noise > 0) reason = reason.substring(0, noise);
      throw ProblemException.malformedJson("the body is not valid JSON" + where + ": " + reason);
    }
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
