package dev.crier.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import dev.crier.config.PrivateFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The admin key: the configured one, or one generated on first start and kept in the data
 * directory ({@code admin.key}, readable by its owner only).
 */
public final class AdminKey {
  private static final String FILE = "admin.key";

  private final byte[] digest;
  private final String generated;

  private AdminKey(String key, String generated) {
    this.digest = sha256(key);
    this.generated = generated;
  }

  /**
   * The configured key, else the one kept in {@code dataDir}, else a new one written there.
   *
   * @param configured {@code CRIER_ADMIN_KEY}, or null
   */
  public static AdminKey load(String configured, Path dataDir) {
    if (configured != null) return new AdminKey(configured, null);
    Path file = dataDir.resolve(FILE);
    try {
      PrivateFiles.narrowIfPresent(file);
      if (Files.exists(file)) return new AdminKey(Files.readString(file).trim(), null);
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      String key = "crier_admin_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      PrivateFiles.write(file, key + "\n");
      return new AdminKey(key, key);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write the admin key in " + file, e);
    }
  }

  /** Compares in time independent of where the two keys differ. */
  public boolean matches(String candidate) {
    return candidate != null && MessageDigest.isEqual(digest, sha256(candidate));
  }

  /** The key when this start generated it (to print once), else null. */
  public String generatedNow() {
    return generated;
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
