package dev.crier.verify;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.crier.verify.VerificationException.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Signs and verifies SalesKing's {@code signed_request}: {@code <hex HMAC-SHA256>.<base64url of the
 * JSON>}, keyed with the app secret (its UTF-8 bytes). The HMAC covers the base64url text as sent,
 * not the decoded JSON: SalesKing's published example ({@code {"key":"value"}} with secret {@code
 * secret} gives {@code 60673142...f04833.eyJrZXkiOiJ2YWx1ZSJ9}) only reproduces that way.
 *
 * <p>Base64url is written without padding; padded input is accepted.
 *
 * <pre>{@code
 * String field = SignedRequest.sign("{\"key\":\"value\"}", "secret");
 * String json = SignedRequest.verify(form.get(SignedRequest.FORM_FIELD), appSecret);
 * }</pre>
 *
 * <p>Thread-safety: static methods without state, so thread-safe.
 */
public final class SignedRequest {
  /** The name of the form field that carries the value: {@value}. */
  public static final String FORM_FIELD = "signed_request";

  private static final HexFormat HEX = HexFormat.of();
  private static final int HEX_LENGTH = 64;

  private SignedRequest() {}

  /**
   * The {@code signed_request} value for a JSON document.
   *
   * <pre>{@code
   * SignedRequest.sign("{\"key\":\"value\"}", "secret");
   * // "60673142fdda45f3185cbd51c070596950a9178e20f785703723ad8e0ff04833.eyJrZXkiOiJ2YWx1ZSJ9"
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @param json the JSON to send; it is encoded as UTF-8 and not otherwise checked
   * @param secret the app secret
   * @return {@code <hex HMAC-SHA256>.<unpadded base64url JSON>}
   * @throws IllegalArgumentException if the secret is empty
   */
  public static String sign(String json, String secret) {
    Objects.requireNonNull(json, "json");
    String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(UTF_8));
    return HEX.formatHex(mac(secret, payload)) + "." + payload;
  }

  /**
   * Verifies a signed_request (constant time) and decodes it: the same as {@link #verify}, named
   * as the SalesKing SDK names it.
   *
   * <pre>{@code
   * String json = SignedRequest.parse(form.get("signed_request"), appSecret);
   * }</pre>
   *
   * <p>Thread-safety: stateless, thread-safe.
   *
   * @param signedRequest the form field's value
   * @param secret the app secret
   * @return the decoded JSON
   * @throws VerificationException when the value is malformed or the signature does not match
   */
  public static String parse(String signedRequest, String secret) {
    return verify(signedRequest, secret);
  }

  /**
   * Checks a {@code signed_request} value and returns the JSON it carries. The signature is checked
   * before the payload is decoded, so nothing unauthenticated is parsed. The JSON itself is not
   * parsed: its {@code algorithm} field, if the caller cares, is the caller's to read.
   *
   * <pre>{@code
   * String json = SignedRequest.verify(request.formParam("signed_request"), appSecret);
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @param signedRequest the received value
   * @param secret the app secret
   * @return the JSON, decoded from UTF-8
   * @throws VerificationException {@link Reason#MALFORMED} if the value is absent or not {@code <64
   *     hex digits>.<base64url of UTF-8>}; {@link Reason#NO_MATCHING_SIGNATURE} if the signature
   *     does not match
   * @throws IllegalArgumentException if the secret is empty
   */
  public static String verify(String signedRequest, String secret) {
    String value = signedRequest == null ? "" : signedRequest.strip();
    if (value.isEmpty()) {
      throw new VerificationException(Reason.MALFORMED, FORM_FIELD + " is missing or empty");
    }
    int dot = value.indexOf('.');
    if (dot < 0 || dot != value.lastIndexOf('.') || dot == value.length() - 1) {
      throw malformed("must be <hex signature>.<base64url JSON>, with exactly one dot");
    }
    String signature = value.substring(0, dot);
    String payload = value.substring(dot + 1);
    if (signature.length() != HEX_LENGTH || !signature.chars().allMatch(HexFormat::isHexDigit)) {
      throw malformed("must start with " + HEX_LENGTH + " hex digits (HMAC-SHA256) before the dot");
    }
    if (!Hmac.matches(mac(secret, payload), HEX.parseHex(signature))) {
      throw new VerificationException(
          Reason.NO_MATCHING_SIGNATURE,
          FORM_FIELD + " signature does not match: wrong app secret, or the payload was changed");
    }
    return decode(payload);
  }

  private static byte[] mac(String secret, String payload) {
    Objects.requireNonNull(secret, "secret");
    if (secret.isEmpty()) {
      throw new IllegalArgumentException("secret must not be empty");
    }
    return Hmac.compute(Hmac.SHA256, secret.getBytes(UTF_8), payload.getBytes(UTF_8));
  }

  private static String decode(String payload) {
    byte[] json;
    try {
      json = Base64.getUrlDecoder().decode(payload);
    } catch (IllegalArgumentException e) {
      throw malformed("payload is not base64url: " + e.getMessage());
    }
    try {
      return UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(json))
          .toString();
    } catch (CharacterCodingException e) {
      throw malformed("payload is not UTF-8");
    }
  }

  private static VerificationException malformed(String why) {
    return new VerificationException(Reason.MALFORMED, FORM_FIELD + " " + why);
  }
}
