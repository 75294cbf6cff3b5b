package dev.crier.verify;

import dev.crier.verify.internal.Json;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * An Ed25519 public key and its key id ({@code kid}): what a receiver verifies {@code v1a}
 * signatures with. Crier publishes these as JWKs ({@code kty: OKP}, {@code crv: Ed25519}) at
 * {@code /.well-known/jwks.json}; {@link Jwks} fetches them, or a receiver that pins one key builds
 * it here from the JWK's {@code kid} and {@code x}.
 *
 * <pre>{@code
 * VerificationKey key = VerificationKey.of("0h3qQ...", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
 * StandardWebhooks webhooks = StandardWebhooks.ofPublicKeys(KeySource.of(key));
 * }</pre>
 *
 * <p>Thread-safety: immutable, so thread-safe.
 */
public final class VerificationKey {
  private final String kid;
  private final String x;
  private final PublicKey key;

  private VerificationKey(String kid, String x, PublicKey key) {
    this.kid = kid;
    this.x = x;
    this.key = key;
  }

  /**
   * The key with this id and raw public key.
   *
   * <pre>{@code
   * VerificationKey key = VerificationKey.of(jwk.get("kid"), jwk.get("x"));
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @param kid the key id; null for the key's RFC 7638 thumbprint (what Crier uses as its kid)
   * @param x the 32-byte public key in base64url, as a JWK's {@code x} (padding is tolerated)
   * @return the key
   * @throws IllegalArgumentException if {@code x} is not base64url of 32 bytes, or the kid is empty
   *     or holds spaces or control characters
   */
  public static VerificationKey of(String kid, String x) {
    Objects.requireNonNull(x, "x");
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(x.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("x must be base64url of an Ed25519 public key");
    }
    return of(kid, raw);
  }

  static VerificationKey of(String kid, byte[] raw) {
    PublicKey key = Ed25519.publicKey(raw);
    String x = Ed25519.base64Url(raw);
    String id = kid == null ? Ed25519.thumbprint(x) : checkKid(kid);
    return new VerificationKey(id, x, key);
  }

  static VerificationKey of(String kid, PublicKey key) {
    return of(kid, Ed25519.raw(key));
  }

  static String checkKid(String kid) {
    if (kid.isEmpty() || kid.length() > 200 || kid.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
      throw new IllegalArgumentException(
          "a kid must be 1 to 200 characters without spaces or control characters");
    }
    return kid;
  }

  /**
   * The key id, as the {@code webhook-key-id} header names it.
   *
   * <pre>{@code
   * log.info("verified with key {}", key.kid());
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @return the kid, never null
   */
  public String kid() {
    return kid;
  }

  /**
   * The raw public key in unpadded base64url: a JWK's {@code x}.
   *
   * <pre>{@code
   * String x = key.x(); // "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @return 43 base64url characters
   */
  public String x() {
    return x;
  }

  /**
   * The key as a JWK (RFC 8037): {@code kty}, {@code crv}, {@code x}, {@code kid}, {@code use} and
   * {@code alg}, in that order, on one line.
   *
   * <pre>{@code
   * String jwks = "{\"keys\":[" + key.toJwk() + "]}";
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @return the JSON object
   */
  public String toJwk() {
    return "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\""
        + x
        + "\",\"kid\":\""
        + Json.escape(kid)
        + "\",\"use\":\"sig\",\"alg\":\"EdDSA\"}";
  }

  PublicKey publicKey() {
    return key;
  }

  /**
   * Equal when both the kid and the public key are.
   *
   * <pre>{@code
   * boolean same = jwks.keys().contains(VerificationKey.of(kid, x));
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @param other any object
   * @return whether it is the same key under the same id
   */
  @Override
  public boolean equals(Object other) {
    return other instanceof VerificationKey that && kid.equals(that.kid) && x.equals(that.x);
  }

  /**
   * Consistent with {@link #equals}.
   *
   * <pre>{@code
   * Set<VerificationKey> trusted = new HashSet<>(jwks.keys());
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @return a hash of the kid and the key
   */
  @Override
  public int hashCode() {
    return Arrays.hashCode(new Object[] {kid, x});
  }

  /**
   * The kid and the public key (neither is secret).
   *
   * <pre>{@code
   * log.info("trusting {}", key);
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @return {@code VerificationKey[kid=..., x=...]}
   */
  @Override
  public String toString() {
    return "VerificationKey[kid=" + kid + ", x=" + x + "]";
  }
}
