package dev.crier.verify;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC computation and the one comparison every scheme uses. Stateless, so thread-safe. */
final class Hmac {
  static final String SHA256 = "HmacSHA256";
  static final String SHA1 = "HmacSHA1";

  private Hmac() {}

  /** The HMAC of the concatenated parts; a {@link Mac} per call because a Mac is not shareable. */
  static byte[] compute(String algorithm, byte[] key, byte[]... parts) {
    if (key.length == 0) {
      throw new IllegalArgumentException("an HMAC key must not be empty");
    }
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(key, algorithm));
      for (byte[] part : parts) {
        mac.update(part);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      // Every JDK must provide HmacSHA1 and HmacSHA256, so this is a broken runtime.
      throw new IllegalStateException(algorithm + " is not available in this JVM", e);
    }
  }

  /**
   * Compares in time that depends on the length only, never on where the first difference is, so
   * that response timing cannot be used to guess a valid signature byte by byte.
   */
  static boolean matches(byte[] expected, byte[] received) {
    return MessageDigest.isEqual(expected, received);
  }
}
