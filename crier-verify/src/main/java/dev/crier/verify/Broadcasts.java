package dev.crier.verify;

import dev.crier.verify.VerificationException.Reason;
import java.util.Map;
import java.util.Objects;

/**
 * Signs and verifies broadcasts, the coalesced notifications of Noko's protocol: a POST whose
 * {@code X-<Brand>-Signature} header is the hex HMAC-SHA256 of the raw body, keyed with the
 * receiver's secret (its UTF-8 bytes), and whose {@code X-<Brand>-BroadcastSubject} names what
 * changed. The signature is {@link HexSignature#HMAC_SHA256}; this class adds the brand and the
 * subject.
 *
 * <pre>{@code
 * Broadcasts broadcasts = Broadcasts.forBrand("Noko");
 * String subject = broadcasts.verify(receiverSecret, body, requestHeaders); // "timer"
 * }</pre>
 *
 * <p>Thread-safety: immutable, so thread-safe; share one instance per brand.
 */
public final class Broadcasts {
  private final String signatureHeader;
  private final String subjectHeader;

  private Broadcasts(String brand) {
    this.signatureHeader = HexSignature.HMAC_SHA256.headerName(brand);
    this.subjectHeader = "X-" + brand + "-BroadcastSubject";
  }

  /**
   * Broadcasts whose headers carry this brand, as a provider called Noko sends {@code
   * X-Noko-Signature}.
   *
   * <pre>{@code
   * Broadcasts noko = Broadcasts.forBrand("Noko");
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @param brand letters and digits, optionally joined by hyphens
   * @return an instance for that brand
   * @throws IllegalArgumentException if the brand is not valid in a header name
   */
  public static Broadcasts forBrand(String brand) {
    return new Broadcasts(Brand.check(brand));
  }

  /**
   * Broadcasts with the {@link HexSignature#DEFAULT_BRAND}: {@code X-Crier-Signature} and {@code
   * X-Crier-BroadcastSubject}.
   *
   * <pre>{@code
   * Broadcasts crier = Broadcasts.forDefaultBrand();
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @return an instance for the default brand
   */
  public static Broadcasts forDefaultBrand() {
    return forBrand(HexSignature.DEFAULT_BRAND);
  }

  /**
   * The name of the signature header, {@code X-<Brand>-Signature}.
   *
   * <pre>{@code
   * Broadcasts.forBrand("Noko").signatureHeader(); // "X-Noko-Signature"
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @return the header name
   */
  public String signatureHeader() {
    return signatureHeader;
  }

  /**
   * The name of the subject header, {@code X-<Brand>-BroadcastSubject}.
   *
   * <pre>{@code
   * Broadcasts.forBrand("Noko").subjectHeader(); // "X-Noko-BroadcastSubject"
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @return the header name
   */
  public String subjectHeader() {
    return subjectHeader;
  }

  /**
   * The {@link #signatureHeader()} value for a body: its hex HMAC-SHA256.
   *
   * <pre>{@code
   * request.header(broadcasts.signatureHeader(), broadcasts.sign(receiver.secret(), body));
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @param secret the receiver's secret; its UTF-8 bytes are the HMAC key
   * @param body the exact bytes sent as the request body
   * @return lower-case hex
   * @throws IllegalArgumentException if the secret is empty
   */
  public String sign(String secret, byte[] body) {
    return HexSignature.HMAC_SHA256.sign(secret, body);
  }

  /**
   * Checks a broadcast's signature and returns its subject. Header names are matched ignoring case.
   *
   * <pre>{@code
   * String subject = broadcasts.verify(secret, body, Map.of(
   *     "X-Noko-Signature", "97edbb33...", "X-Noko-BroadcastSubject", "timer"));
   * if (subject.equals("timer")) { refreshTimers(); }
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @param secret the receiver's secret; its UTF-8 bytes are the HMAC key
   * @param body the exact bytes received as the request body, before any parsing
   * @param headers the request's headers, names in any case
   * @return the value of {@link #subjectHeader()}, such as {@code timer}
   * @throws VerificationException {@link Reason#MALFORMED} if either header is missing or the
   *     signature is not 64 hex digits; {@link Reason#NO_MATCHING_SIGNATURE} if it does not match
   * @throws IllegalArgumentException if the secret is empty
   */
  public String verify(String secret, byte[] body, Map<String, String> headers) {
    Objects.requireNonNull(headers, "headers");
    String signature = Headers.find(headers, signatureHeader);
    HexSignature.HMAC_SHA256.verify(secret, body, signature, signatureHeader);
    return Headers.require(headers, subjectHeader);
  }

  /**
   * Checks one broadcast's signature header value against the body, whatever the brand: the
   * value is the hex HMAC-SHA256 of the exact body bytes, keyed with the receiver's secret.
   * Compared in constant time.
   *
   * <pre>{@code
   * Broadcasts.verify(body, request.getHeader("X-Noko-Signature"), secret);
   * }</pre>
   *
   * <p>Thread-safety: stateless, thread-safe.
   *
   * @param body the exact bytes received as the request body, before any parsing
   * @param signatureHeader the value of the {@code X-<Brand>-Signature} header
   * @param secret the receiver's secret; its UTF-8 bytes are the HMAC key
   * @throws VerificationException {@link Reason#MALFORMED} if the header is missing or not 64
   *     hex digits; {@link Reason#NO_MATCHING_SIGNATURE} if it does not match
   * @throws IllegalArgumentException if the secret is empty
   */
  public static void verify(byte[] body, String signatureHeader, String secret) {
    HexSignature.HMAC_SHA256.verify(secret, body, signatureHeader);
  }

  /** Names the headers, for logs. */
  @Override
  public String toString() {
    return "Broadcasts[" + signatureHeader + ", " + subjectHeader + "]";
  }
}
