package dev.crier.subscription;

import java.util.Arrays;
import java.util.Optional;

/** How a webhook's requests are signed. */
public enum SignatureScheme {
  /** Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature (v1, base64). */
  STANDARD("standard"),
  /**
   * Standard Webhooks' asymmetric form: {@code v1a,<base64 Ed25519>} by the deployment's signing
   * keys (two during a key rotation), named in {@code webhook-key-id}; verified with the public
   * keys at {@code /.well-known/jwks.json}, no shared secret.
   */
  STANDARD_ED25519("standard-ed25519"),
  /** Both {@code v1} (the webhook's secret) and {@code v1a} (the signing keys), for a migration. */
  STANDARD_AND_ED25519("standard+ed25519"),
  /** {@code X-<Brand>-Signature}: hex HMAC-SHA256 of the body. */
  HMAC_SHA256("hmac-sha256"),
  /** {@code X-Hub-Signature-256: sha256=<hex>}, as GitHub sends. */
  GITHUB("github"),
  /** {@code X-Spark-Signature}: hex HMAC-SHA1 of the body, as Webex sends. */
  WEBEX("webex"),
  /** SalesKing's form field {@code signed_request=<hex HMAC-SHA256>.<base64url JSON>}, keyed with the app secret. */
  SIGNED_REQUEST("signed-request");

  private final String wire;

  SignatureScheme(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** The Standard Webhooks headers, with a {@code whsec_} secret (used or kept for switching back). */
  public boolean standardWebhooks() {
    return this == STANDARD || this == STANDARD_ED25519 || this == STANDARD_AND_ED25519;
  }

  public static Optional<SignatureScheme> parse(String text) {
    return Arrays.stream(values()).filter(s -> s.wire.equals(text)).findFirst();
  }
}
