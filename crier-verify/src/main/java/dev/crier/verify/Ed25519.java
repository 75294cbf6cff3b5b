package dev.crier.verify;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.EdECPoint;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * Ed25519 (RFC 8032) through the JDK's own provider, and the conversions between its encodings and
 * a JWK's raw {@code x}. Stateless, so thread-safe: a {@link Signature} is made per call because
 * one is not shareable.
 */
final class Ed25519 {
  static final String ALGORITHM = "Ed25519";
  static final int PUBLIC_KEY_BYTES = 32;
  static final int SIGNATURE_BYTES = 64;

  // The DER of SubjectPublicKeyInfo { AlgorithmIdentifier { 1.3.101.112 }, BIT STRING (32 bytes) }
  // (RFC 8410): a raw key with this prefix is the X.509 encoding the JDK reads and writes.
  private static final byte[] X509_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };

  private Ed25519() {}

  static PublicKey publicKey(byte[] raw) {
    if (raw.length != PUBLIC_KEY_BYTES) {
      throw new IllegalArgumentException(
          "an Ed25519 public key is " + PUBLIC_KEY_BYTES + " bytes, got " + raw.length);
    }
    byte[] der = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + raw.length);
    System.arraycopy(raw, 0, der, X509_PREFIX.length, raw.length);
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage());
    }
  }

  /** RFC 8032 section 5.1.2: y in little-endian, the top bit of the last byte saying x is odd. */
  static byte[] raw(PublicKey key) {
    if (!(key instanceof EdECPublicKey ed) || !ALGORITHM.equals(ed.getParams().getName())) {
      throw new IllegalArgumentException("not an Ed25519 public key");
    }
    EdECPoint point = ed.getPoint();
    byte[] bigEndian = point.getY().toByteArray(); // y < 2^255: 32 bytes, 33 with a sign byte
    byte[] raw = new byte[PUBLIC_KEY_BYTES];
    for (int i = 0; i < PUBLIC_KEY_BYTES && i < bigEndian.length; i++) {
      raw[i] = bigEndian[bigEndian.length - 1 - i];
    }
    if (point.isXOdd()) {
      raw[PUBLIC_KEY_BYTES - 1] |= (byte) 0x80;
    }
    return raw;
  }

  static byte[] sign(PrivateKey key, byte[]... parts) {
    try {
      Signature signature = Signature.getInstance(ALGORITHM);
      signature.initSign(key);
      for (byte[] part : parts) {
        signature.update(part);
      }
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed (JDK 15 or newer is needed)", e);
    }
  }

  /** False for a wrong signature and for one that is not even 64 bytes; never throws on input. */
  static boolean verify(PublicKey key, byte[] signature, byte[]... parts) {
    if (signature.length != SIGNATURE_BYTES) {
      return false;
    }
    try {
      Signature verifier = Signature.getInstance(ALGORITHM);
      verifier.initVerify(key);
      for (byte[] part : parts) {
        verifier.update(part);
      }
      return verifier.verify(signature);
    } catch (java.security.SignatureException malformed) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 verification is not available in this JVM", e);
    }
  }

  /** The RFC 7638 thumbprint of the key's JWK, as RFC 8037 defines it for OKP keys. */
  static String thumbprint(String x) {
    String canonical = "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"" + x + "\"}";
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(UTF_8));
      return base64Url(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }

  static String base64Url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
