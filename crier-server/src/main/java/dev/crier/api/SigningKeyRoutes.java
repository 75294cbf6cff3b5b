package dev.crier.api;

import dev.crier.signing.RotationConflictException;
import dev.crier.signing.SigningKeys;
import dev.crier.signing.StoredKey;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The deployment's v1a signing keys: the public JWK Set at {@code /.well-known/jwks.json} (no key
 * needed, cacheable), and for the admin {@code /v1/signing-keys} and its rotation.
 */
final class SigningKeyRoutes {
  static final String JWKS_PATH = "/.well-known/jwks.json";

  private final SigningKeys keys;
  private final int maxBodyBytes;

  SigningKeyRoutes(SigningKeys keys, int maxBodyBytes) {
    this.keys = keys;
    this.maxBodyBytes = maxBodyBytes;
  }

  void register(RoutesConfig routes) {
    routes.get(JWKS_PATH, this::jwks);
    routes.get("/v1/signing-keys", ctx -> Json.write(ctx, 200, render(keys.live())));
    routes.post("/v1/signing-keys/rotate", this::rotate);
  }

  /**
   * The live public keys, newest first. max-age is far shorter than the default overlap, so a
   * receiver that only refreshes on expiry still has the new key before the old one stops signing.
   */
  private void jwks(Context ctx) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    ArrayNode list = out.putArray("keys");
    for (StoredKey key : keys.live()) {
      list.add(Json.MAPPER.readTree(key.key().verificationKey().toJwk()));
    }
    byte[] body = Json.MAPPER.writeValueAsBytes(out);
    String etag = "\"" + digest(body) + "\"";
    ctx.header("Cache-Control", "public, max-age=" + SigningKeys.PUBLISHED_MAX_AGE.toSeconds());
    ctx.header("ETag", etag);
    if (matches(ctx.header("If-None-Match"), etag)) {
      ctx.status(304);
      return;
    }
    ctx.status(200).contentType("application/jwk-set+json").result(body);
  }

  private static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) return false;
    return Arrays.stream(ifNoneMatch.split(","))
        .map(String::trim)
        .anyMatch(tag -> tag.equals("*") || tag.equals(etag) || tag.equals("W/" + etag));
  }

  private void rotate(Context ctx) {
    List<FieldError> errors = new ArrayList<>();
    Duration overlap = SigningKeys.DEFAULT_OVERLAP;
    if (ctx.contentLength() > 0) {
      Fields f = Fields.of(Json.body(ctx, maxBodyBytes).node(), "", errors).only("overlap_seconds");
      Double seconds = f.optionalNumber("overlap_seconds", 0, SigningKeys.MAX_OVERLAP.toSeconds());
      if (seconds != null) overlap = Duration.ofMillis(Math.round(seconds * 1000));
    }
    if (!errors.isEmpty()) throw ProblemException.validation(errors);
    try {
      Json.write(ctx, 200, render(keys.rotate(overlap)));
    } catch (RotationConflictException e) {
      throw ProblemException.of(409, "conflict", "Conflict", e.getMessage());
    }
  }

  private static ObjectNode render(List<StoredKey> live) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    ArrayNode items = out.putArray("items");
    for (StoredKey key : live) {
      ObjectNode item = items.addObject();
      item.put("kid", key.key().kid());
      item.put("generation", key.generation());
      item.put("x", key.key().verificationKey().x());
      item.put("created_at", key.createdAt().toString());
      item.put("retires_at", key.retiresAt() == null ? null : key.retiresAt().toString());
    }
    return out;
  }

  private static String digest(byte[] body) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(body);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(hash, 16));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }
}
