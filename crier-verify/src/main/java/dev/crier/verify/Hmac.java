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
   * One key, initialised once: each computation clones the keyed {@link Mac} instead of looking
   * up a provider and hashing the key again (the profile of a sender signing ten thousand
   * requests a second showed {@code getInstance} and {@code init} at two thirds of the HMAC's
   * cost). Thread-safe: the prototype is only ever cloned.
   */
  static final class Key {
    private final String algorithm;
    private final byte[] key;
    private final Mac prototype;

    Key(String algorithm, byte[] key) {
      if (key.length == 0) {
        throw new IllegalArgumentException("an HMAC key must not be empty");
      }
      this.algorithm = algorithm;
      this.key = key.clone();
      this.prototype = newMac(algorithm, this.key);
    }

    byte[] compute(byte[]... parts) {
      Mac mac;
      try {
        mac = (Mac) prototype.clone();
      } catch (CloneNotSupportedException e) {
        mac = newMac(algorithm, key); // a provider whose Mac cannot be cloned
      }
      for (byte[] part : parts) {
        mac.update(part);
      }
      return mac.doFinal();
    }
  }

  private static Mac newMac(String algorithm, byte[] key) {
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(key, algorithm));
      return mac;
    } catch (GeneralSecurityException e) {
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
