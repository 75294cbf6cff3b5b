package dev.crier.verify;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Objects;

/**
 * An Ed25519 key pair that signs {@code v1a} signatures: a sender's half, the counterpart of a
 * {@link VerificationKey}. Its kid is the RFC 7638 thumbprint of its public JWK, so the same key
 * always has the same id wherever it is restored.
 *
 * <pre>{@code
 * SigningKey key = SigningKey.generate();
 * store(key.kid(), key.verificationKey().x(), encrypt(key.exportPrivateKey()));
 * StandardWebhooks signer = StandardWebhooks.ofSigningKeys(key);
 * }</pre>
 *
 * <p>Thread-safety: immutable, so thread-safe.
 */
public final class SigningKey {
  private final PrivateKey privateKey;
  private final VerificationKey verificationKey;

  private SigningKey(PrivateKey privateKey, VerificationKey verificationKey) {
    this.privateKey = privateKey;
    this.verificationKey = verificationKey;
  }

  /**
   * A new key pair from the JDK's Ed25519 generator (its default {@code SecureRandom}).
   *
   * <pre>{@code
   * SigningKey key = SigningKey.generate();
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @return the key
   */
  public static SigningKey generate() {
    try {
      KeyPair pair = KeyPairGenerator.getInstance(Ed25519.ALGORITHM).generateKeyPair();
      return new SigningKey(pair.getPrivate(), VerificationKey.of(null, pair.getPublic()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 is not available in this JVM (JDK 15+)", e);
    }
  }

  /**
   * A key restored from what {@link #exportPrivateKey()} wrote and its public half. The pair is
   * checked by signing and verifying once, so a private key stored beside the wrong public key is
   * refused here rather than producing signatures nobody can verify.
   *
   * <pre>{@code
   * SigningKey key = SigningKey.restore(decrypt(row.privateKey()), VerificationKey.of(row.kid(), row.x()));
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @param pkcs8Base64 the private key, base64 of its PKCS #8 encoding
   * @param publicKey its public key and kid
   * @return the key
   * @throws IllegalArgumentException if the private key cannot be read or does not match
   */
  public static SigningKey restore(String pkcs8Base64, VerificationKey publicKey) {
    Objects.requireNonNull(pkcs8Base64, "pkcs8Base64");
    Objects.requireNonNull(publicKey, "publicKey");
    PrivateKey key;
    try {
      byte[] der = Base64.getDecoder().decode(pkcs8Base64.strip());
      key = KeyFactory.getInstance(Ed25519.ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      // Not chained: a message about the encoding could quote the key.
      throw new IllegalArgumentException("the private key is not base64 of an Ed25519 PKCS #8 key");
    }
    byte[] probe = {'c', 'r', 'i', 'e', 'r'};
    if (!Ed25519.verify(publicKey.publicKey(), Ed25519.sign(key, probe), probe)) {
      throw new IllegalArgumentException(
          "the private key does not belong to the public key " + publicKey.kid());
    }
    return new SigningKey(key, publicKey);
  }

  /**
   * The key id: the thumbprint for a generated key, or the id it was restored with.
   *
   * <pre>{@code
   * headers.put("webhook-key-id", key.kid());
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @return the kid
   */
  public String kid() {
    return verificationKey.kid();
  }

  /**
   * The public half, to publish.
   *
   * <pre>{@code
   * String jwk = key.verificationKey().toJwk();
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @return the verification key
   */
  public VerificationKey verificationKey() {
    return verificationKey;
  }

  /**
   * The private key as base64 of its PKCS #8 encoding, for storing (encrypted) and {@link
   * #restore}. This is the secret: never log it.
   *
   * <pre>{@code
   * String sealed = box.seal(key.exportPrivateKey());
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @return base64 text
   */
  public String exportPrivateKey() {
    return Base64.getEncoder().encodeToString(privateKey.getEncoded());
  }

  byte[] sign(byte[]... parts) {
    return Ed25519.sign(privateKey, parts);
  }

  /**
   * Names the kid, never the private key.
   *
   * <pre>{@code
   * log.info("signing with {}", key); // SigningKey[kid=...]
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @return {@code SigningKey[kid=...]}
   */
  @Override
  public String toString() {
    return "SigningKey[kid=" + kid() + "]";
  }
}
