package dev.crier.secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import dev.crier.config.PrivateFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts subscription secrets before they reach the database (AES-256-GCM under the master
 * key), so a dump of the database alone reveals none of them. Thread-safe.
 *
 * <p>Stored form: {@code v1:} + base64(12-byte nonce + ciphertext + tag).
 *
 * <p>A box holds the configured key and, during a rotation, a previous one: it opens secrets
 * sealed under either, and seals under the one the database names as current ({@link #sealWith}),
 * so nodes mid-rotation keep writing what every other node can still read. Each key is known to
 * the database only by its {@link #fingerprints fingerprint}, an HMAC under the key of a fixed
 * text: it tells keys apart without revealing anything about them.
 */
public final class SecretBox {
  private static final String FILE = "master.key";
  private static final String PREFIX = "v1:";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final byte[] CHECK_TEXT = "crier master key check v1".getBytes(StandardCharsets.UTF_8);

  /** The keys by fingerprint, the configured one first. */
  private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
  private volatile SecretKeySpec sealing;
  private final SecureRandom random = new SecureRandom();

  private SecretBox(List<byte[]> keys) {
    for (byte[] key : keys) {
      if (key.length != 32) {
        throw new IllegalArgumentException("the master key must be 32 bytes (base64 of 32 bytes)");
      }
      SecretKeySpec spec = new SecretKeySpec(key, "AES");
      this.keys.putIfAbsent(fingerprint(spec), spec);
    }
    this.sealing = this.keys.values().iterator().next();
  }

  /** A box under a base64 key of 32 bytes. */
  public static SecretBox of(String base64Key) {
    return new SecretBox(List.of(decode(base64Key)));
  }

  private static byte[] decode(String base64Key) {
    try {
      return Base64.getDecoder().decode(base64Key.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "CRIER_MASTER_KEY must be the base64 of 32 random bytes (openssl rand -base64 32)", e);
    }
  }

  /**
   * The configured master key, else the one kept in {@code dataDir/master.key}, else a new one
   * written there (owner-readable only); plus {@code previous}, when a rotation is under way.
   */
  public static SecretBox load(String configured, String previous, Path dataDir) {
    SecretBox box = load(configured, dataDir);
    if (previous == null) return box;
    List<byte[]> both = new ArrayList<>();
    box.keys.values().forEach(k -> both.add(k.getEncoded()));
    both.add(decode(previous));
    return new SecretBox(both);
  }

  /**
   * The configured master key, else the one kept in {@code dataDir/master.key}, else a new one
   * written there (owner-readable only).
   */
  public static SecretBox load(String configured, Path dataDir) {
    if (configured != null) return of(configured);
    Path file = dataDir.resolve(FILE);
    try {
      PrivateFiles.narrowIfPresent(file);
      if (Files.exists(file)) return of(Files.readString(file));
      byte[] fresh = new byte[32];
      new SecureRandom().nextBytes(fresh);
      PrivateFiles.write(file, Base64.getEncoder().encodeToString(fresh) + "\n");
      return new SecretBox(List.of(fresh));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write the master key in " + file, e);
    }
  }

  private static String fingerprint(SecretKeySpec key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
      return "hmac-sha256:" + Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(CHECK_TEXT));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot fingerprint the master key", e);
    }
  }

  /** The fingerprints of the keys this box holds, the configured key's first. */
  public List<String> fingerprints() {
    return List.copyOf(keys.keySet());
  }

  /** The fingerprint of the key new secrets are sealed under now. */
  public String sealingFingerprint() {
    return fingerprint(sealing);
  }

  /**
   * Seals from now on under the key with this fingerprint (the one the database names).
   *
   * @return false, changing nothing, when this box does not hold that key
   */
  public boolean sealWith(String fingerprint) {
    SecretKeySpec key = keys.get(fingerprint);
    if (key == null) return false;
    sealing = key;
    return true;
  }

  /** Whether {@code stored} is sealed under the key with this fingerprint. */
  public boolean sealedUnder(String stored, String fingerprint) {
    SecretKeySpec key = keys.get(fingerprint);
    return key != null && stored != null && tryOpen(stored, key) != null;
  }

  public String seal(String secret) {
    if (secret == null) return null;
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      random.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, sealing, new GCMParameterSpec(TAG_BITS, nonce));
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
    SecretKeySpec first = sealing;
    String opened = tryOpen(stored, first);
    for (var it = keys.values().iterator(); opened == null && it.hasNext(); ) {
      SecretKeySpec key = it.next();
      if (key != first) opened = tryOpen(stored, key);
    }
    if (opened == null) {
      throw new IllegalStateException(
          "cannot decrypt a stored secret: is CRIER_MASTER_KEY (or data/master.key) the one it was sealed with?");
    }
    return opened;
  }

  /** The secret, or null when {@code key} is not the one it was sealed under (the tag does not match). */
  private static String tryOpen(String stored, SecretKeySpec key) {
    byte[] bytes = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
      return new String(cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES), StandardCharsets.UTF_8);
    } catch (javax.crypto.AEADBadTagException e) {
      return null;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot decrypt a stored secret: " + e.getMessage(), e);
    }
  }
}
