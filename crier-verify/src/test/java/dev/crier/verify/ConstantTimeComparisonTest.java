package dev.crier.verify;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The HMAC helper, and that every signature comparison goes through its constant-time path. */
class ConstantTimeComparisonTest {
  static final Path SOURCES = Path.of("src/main/java/dev/crier/verify");

  @Test
  void matchesOnlyIdenticalBytes() {
    byte[] mac =
        HexFormat.of().parseHex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    byte[] lastDiffers = mac.clone();
    lastDiffers[31] ^= 1;
    byte[] firstDiffers = mac.clone();
    firstDiffers[0] ^= (byte) 0x80;

    assertTrue(Hmac.matches(mac, mac.clone()));
    assertFalse(Hmac.matches(mac, lastDiffers));
    assertFalse(Hmac.matches(mac, firstDiffers));
    assertFalse(Hmac.matches(mac, new byte[31]));
    assertFalse(Hmac.matches(mac, new byte[0]));
  }

  @Test
  void computesTheRfcTestVectors() {
    byte[] key = "Jefe".getBytes(UTF_8);
    byte[] data = "what do ya want for nothing?".getBytes(UTF_8);

    // RFC 4231, test case 2
    assertEquals(
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        HexFormat.of().formatHex(Hmac.compute(Hmac.SHA256, key, data)));
    // RFC 2202, test case 2
    assertEquals(
        "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
        HexFormat.of().formatHex(Hmac.compute(Hmac.SHA1, key, data)));
  }

  @Test
  void hashesPartsAsIfConcatenated() {
    byte[] key = "k".getBytes(UTF_8);
    byte[] whole = Hmac.compute(Hmac.SHA256, key, "a.b.c".getBytes(UTF_8));
    byte[] parts = Hmac.compute(Hmac.SHA256, key, "a.".getBytes(UTF_8), "b.c".getBytes(UTF_8));

    assertTrue(Hmac.matches(whole, parts));
  }

  @Test
  void refusesAnEmptyKey() {
    assertThrows(IllegalArgumentException.class, () -> Hmac.compute(Hmac.SHA256, new byte[0]));
  }

  @Test
  void everySchemeComparesSignaturesThroughTheConstantTimePath() throws IOException {
    for (String scheme :
        List.of("StandardWebhooks.java", "HexSignature.java", "SignedRequest.java")) {
      assertTrue(Files.readString(SOURCES.resolve(scheme)).contains("Hmac.matches("), scheme);
    }
  }

  @Test
  void nothingElseComparesBytesOrCallsIsEqual() throws IOException {
    try (Stream<Path> files = Files.walk(SOURCES)) { // internal/ too
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String source = Files.readString(file);
        assertFalse(source.contains("Arrays.equals"), file + " compares arrays directly");
        // Ed25519 hashes a public JWK for its thumbprint; its signatures are checked by the
        // JDK's Signature.verify, which compares nothing here.
        if (!file.endsWith("Hmac.java") && !file.endsWith("Ed25519.java")) {
          assertFalse(source.contains("MessageDigest"), file + " should go through Hmac.matches");
        }
      }
    }
  }
}
