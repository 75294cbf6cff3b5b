package dev.crier.verify;

import static dev.crier.verify.Failures.assertRefused;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.crier.verify.VerificationException.Reason;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BroadcastsTest {
  // The broadcast of seed 000, signed with a secret of ours (the seed does not give its secret).
  static final byte[] BODY =
      ("{\"broadcast_receiver\":{\"id\":77885522,\"name\":\"Da Best Timer Sync\"},"
           + "\"sent_at\":\"2020-09-30T15:19:28Z\",\"last_event\":\"timer.running\",\"subject\":"
           + "{\"type\":\"timer\",\"url\":\"https://api.nokotime.com/v2/projects/37396/timer\"}}")
          .getBytes(UTF_8);
  static final String SECRET = "crier-test-secret";
  // printf '%s' "$BODY" | openssl dgst -sha256 -hmac crier-test-secret
  static final String SIGNATURE =
      "4b34191a9b971e2ab284f57bc33508f90dc593e181060bc8f5dfea8d825fec59";

  final Broadcasts noko = Broadcasts.forBrand("Noko");

  Map<String, String> headers(String signature) {
    Map<String, String> headers = new HashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("X-Noko-BroadcastSubject", "timer");
    headers.put("X-Noko-Signature", signature);
    headers.put("User-Agent", "Noko-Broadcasts");
    return headers;
  }

  @Test
  void namesItsHeadersAfterTheBrand() {
    assertEquals("X-Noko-Signature", noko.signatureHeader());
    assertEquals("X-Noko-BroadcastSubject", noko.subjectHeader());
    assertEquals("X-Crier-Signature", Broadcasts.forDefaultBrand().signatureHeader());
    assertEquals("X-Crier-BroadcastSubject", Broadcasts.forDefaultBrand().subjectHeader());
  }

  @Test
  void refusesABrandThatCannotBePartOfAHeaderName() {
    assertThrows(IllegalArgumentException.class, () -> Broadcasts.forBrand("Noko: 1"));
  }

  @Test
  void signsTheRawBodyWithHexHmacSha256() {
    assertEquals(SIGNATURE, noko.sign(SECRET, BODY));
    assertEquals(HexSignature.HMAC_SHA256.sign(SECRET, BODY), noko.sign(SECRET, BODY));
  }

  @Test
  void verifiesTheSignatureAndReturnsTheSubject() {
    assertEquals("timer", noko.verify(SECRET, BODY, headers(SIGNATURE)));
  }

  @Test
  void readsHeaderNamesIgnoringCase() {
    Map<String, String> lowerCase =
        Map.of("x-noko-signature", SIGNATURE, "x-noko-broadcastsubject", "timer");

    assertEquals("timer", noko.verify(SECRET, BODY, lowerCase));
  }

  @Test
  void refusesTamperedBody() {
    byte[] tampered = new String(BODY, UTF_8).replace("running", "stopped").getBytes(UTF_8);

    assertRefused(
        Reason.NO_MATCHING_SIGNATURE, () -> noko.verify(SECRET, tampered, headers(SIGNATURE)));
  }

  @Test
  void refusesAnotherReceiversSecret() {
    VerificationException e =
        assertRefused(
            Reason.NO_MATCHING_SIGNATURE,
            () -> noko.verify("another-receiver", BODY, headers(SIGNATURE)));

    assertTrue(e.getMessage().contains("X-Noko-Signature"), e.getMessage());
  }

  @Test
  void refusesMissingSignatureNamingTheBrandedHeader() {
    Map<String, String> headers = headers(SIGNATURE);
    headers.remove("X-Noko-Signature");

    VerificationException e =
        assertRefused(Reason.MALFORMED, () -> noko.verify(SECRET, BODY, headers));
    assertTrue(e.getMessage().contains("X-Noko-Signature"), e.getMessage());
  }

  @Test
  void refusesMissingSubjectAsMalformed() {
    Map<String, String> headers = headers(SIGNATURE);
    headers.remove("X-Noko-BroadcastSubject");

    VerificationException e =
        assertRefused(Reason.MALFORMED, () -> noko.verify(SECRET, BODY, headers));
    assertTrue(e.getMessage().contains("X-Noko-BroadcastSubject"), e.getMessage());
  }

  @Test
  void refusesAnotherBrandsHeaders() {
    assertRefused(
        Reason.MALFORMED,
        () -> Broadcasts.forDefaultBrand().verify(SECRET, BODY, headers(SIGNATURE)));
  }

  @Test
  void toStringNamesTheHeadersOnly() {
    String text = noko.toString();

    assertTrue(text.contains("X-Noko-Signature"), text);
    assertFalse(text.contains(SECRET), text);
  }
}
