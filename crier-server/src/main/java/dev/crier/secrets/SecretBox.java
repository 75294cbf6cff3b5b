package dev.crier.secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts subscription secrets before they reach the database (AES-256-GCM under the master
 * key), so a dump of the database alone reveals none of them. Thread-safe.
 *
 * <p>Stored form: {@code v1:} + base64(12-byte nonce + ciphertext + tag).
 */
public final class SecretBox {
  private static final String FILE = "master.key";
  private static final String PREFIX = "v1:";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();

  private SecretBox(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException("the master key must be 32 bytes (base64 of 32 bytes)");
    }
    this.key = new SecretKeySpec(key, "AES");
  }

  /** A box under a base64 key of 32 bytes. */
  public static SecretBox of(String base64Key) {
    try {
      return new SecretBox(Base64.getDecoder().decode(base64Key.trim()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "CRIER_MASTER_KEY must be the base64 of 32 random bytes (openssl rand -base64 32)", e);
    }
  }

  /**
   * The configured master key, else the one kept in {@code dataDir/master.key}, else a new one
   * written there (owner-readable only).
   */
  public static SecretBox load(String configured, Path dataDir) {
    if (configured != null) return of(configured);
    Path file = dataDir.resolve(FILE);
    try {
      if (Files.exists(file)) return of(Files.readString(file));
      byte[] fresh = new byte[32];
      new SecureRandom().nextBytes(fresh);
      Files.createDirectories(dataDir);
      Files.writeString(file, Base64.getEncoder().encodeToString(fresh) + "\n");
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system; the directory's permissions protect it
      }
      return new SecretBox(fresh);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write the master key in " + file, e);
    }
  }

  public String seal(String secret) {
    if (secret == null) return null;
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      random.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
      return PREFIX
          + Base64.getEncoder()
              .encodeToString(ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot encrypt a secret", e);
    }
  }

  public String open(String stored) {
    if (stored == null) return null;
    if (!stored.startsWith(PREFIX)) throw new IllegalStateException("unknown secret format");
    byte[] bytes = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
      return new String(cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "cannot decrypt a stored secret: is CRIER_MASTER_KEY (or data/master.key) the one it was sealed with?", e);
    }
  }
}
