package dev.crier.verify;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crier.verify.VerificationException.Reason;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** v1a beyond the shared vectors: key sources that fail, mixed receivers, key handling. */
class StandardWebhooksV1aTest {
  private static final SigningKey KEY = SigningKey.generate();
  private static final byte[] BODY = "{\"n\": 1}".getBytes(UTF_8);

  private static Map<String, String> signed(StandardWebhooks signer) {
    return signer.headers("msg_1", Instant.now().getEpochSecond(), BODY);
  }

  @Test
  void aKeySourceThatCannotAnswerFailsClosedAsKeyUnavailable() {
    KeySource broken =
        new KeySource() {
          @Override
          public Optional<VerificationKey> find(String kid) {
            throw new IllegalStateException("cache corrupted");
          }

          @Override
          public List<VerificationKey> keys() {
            throw new IllegalStateException("cache corrupted");
          }
        };
    VerificationException e =
        assertThrows(
            VerificationException.class,
            () -> StandardWebhooks.ofPublicKeys(broken).verify(signed(StandardWebhooks.ofSigningKeys(KEY)), BODY));
    assertEquals(Reason.KEY_UNAVAILABLE, e.reason());
    assertTrue(e.getMessage().contains("cache corrupted"), e.getMessage());
  }

  @Test
  void aMigratingReceiverAcceptsEitherKind() {
    String secret = StandardWebhooks.generateSecret();
    StandardWebhooks receiver = StandardWebhooks.of(secret).withPublicKeys(KeySource.of(KEY.verificationKey()));

    assertDoesNotThrow(() -> receiver.verify(signed(StandardWebhooks.of(secret)), BODY));
    assertDoesNotThrow(() -> receiver.verify(signed(StandardWebhooks.ofSigningKeys(KEY)), BODY));
    assertDoesNotThrow(() -> receiver.verify(signed(StandardWebhooks.of(secret).withSigningKeys(KEY)), BODY));
  }

  @Test
  void aSecretOnlyReceiverSaysWhyAV1aRequestFails() {
    VerificationException e =
        assertThrows(
            VerificationException.class,
            () -> StandardWebhooks.of(StandardWebhooks.generateSecret())
                .verify(signed(StandardWebhooks.ofSigningKeys(KEY)), BODY));
    assertEquals(Reason.NO_MATCHING_SIGNATURE, e.reason());
    assertTrue(e.getMessage().contains("withPublicKeys"), e.getMessage());
  }

  @Test
  void aVerifyOnlyInstanceCannotSign() {
    StandardWebhooks receiver = StandardWebhooks.ofPublicKeys(KeySource.of(KEY.verificationKey()));
    assertThrows(IllegalStateException.class, () -> receiver.sign("msg_1", 1L, BODY));
  }

  @Test
  void aKeyIsRestoredFromItsExportAndRefusedBesideAnotherPublicKey() {
    SigningKey restored = SigningKey.restore(KEY.exportPrivateKey(), KEY.verificationKey());
    assertEquals(KEY.kid(), restored.kid());
    assertEquals(
        StandardWebhooks.ofSigningKeys(KEY).sign("msg_1", 1L, BODY),
        StandardWebhooks.ofSigningKeys(restored).sign("msg_1", 1L, BODY),
        "Ed25519 is deterministic: the same key gives the same signature");

    SigningKey other = SigningKey.generate();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SigningKey.restore(KEY.exportPrivateKey(), other.verificationKey()));
    assertTrue(e.getMessage().contains("does not belong"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> SigningKey.restore("not base64!", KEY.verificationKey()));
  }

  @Test
  void noStringShowsThePrivateKey() {
    String exported = KEY.exportPrivateKey();
    assertFalse(KEY.toString().contains(exported));
    assertFalse(StandardWebhooks.ofSigningKeys(KEY).toString().contains(exported));
    assertTrue(KEY.toString().contains(KEY.kid()));
  }

  @Test
  void aPublicKeyIsThirtyTwoBytesOfBase64Url() {
    assertThrows(IllegalArgumentException.class, () -> VerificationKey.of("k", "AAAA"));
    assertThrows(IllegalArgumentException.class, () -> VerificationKey.of("k", "+/+/"));
    assertThrows(IllegalArgumentException.class, () -> VerificationKey.of("a kid", KEY.verificationKey().x()));
    assertEquals(KEY.verificationKey(), VerificationKey.of(KEY.kid(), KEY.verificationKey().x() + "="));
  }
}
