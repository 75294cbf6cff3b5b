package dev.crier.verify;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a receiver's {@link StandardWebhooks} finds the public keys that {@code v1a} signatures
 * are checked with: a fixed set ({@link #of}) or Crier's published JWK Set ({@link Jwks}).
 *
 * <pre>{@code
 * KeySource keys = Jwks.fetching(URI.create("https://crier.example.com/.well-known/jwks.json"));
 * StandardWebhooks webhooks = StandardWebhooks.ofPublicKeys(keys);
 * }</pre>
 *
 * <p>Thread-safety: implementations must be thread-safe; both provided here are.
 */
public interface KeySource {

  /**
   * The key with this id, if the source has it. A source that fetches may fetch again to find a
   * kid it does not know (a rotation), as often as it allows itself to.
   *
   * <pre>{@code
   * Optional<VerificationKey> key = keys.find(request.header("webhook-key-id"));
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @param kid a key id as received; not trusted
   * @return the key, or empty if the source does not have it
   * @throws VerificationException {@link VerificationException.Reason#KEY_UNAVAILABLE} if the
   *     source cannot say (a fetching source whose keys expired and could not be fetched)
   */
  Optional<VerificationKey> find(String kid);

  /**
   * Every key the source holds now, for a signature that names no kid.
   *
   * <pre>{@code
   * keys.keys().forEach(k -> log.info("trusting {}", k.kid()));
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @return the keys, possibly empty, unmodifiable
   * @throws VerificationException as {@link #find}
   */
  List<VerificationKey> keys();

  /**
   * A source of exactly these keys, for a receiver that pins keys instead of fetching them.
   *
   * <pre>{@code
   * KeySource pinned = KeySource.of(VerificationKey.of(kid, x));
   * }</pre>
   *
   * <p>Thread-safety: the result is immutable, so thread-safe.
   *
   * @param keys the keys; at least one
   * @return the source
   * @throws IllegalArgumentException if there is no key or two share a kid
   */
  static KeySource of(VerificationKey... keys) {
    Objects.requireNonNull(keys, "keys");
    if (keys.length == 0) {
      throw new IllegalArgumentException("at least one key is needed");
    }
    List<VerificationKey> list = List.of(keys);
    if (list.stream().map(VerificationKey::kid).distinct().count() != list.size()) {
      throw new IllegalArgumentException("two keys share a kid");
    }
    return new FixedKeys(list);
  }
}
