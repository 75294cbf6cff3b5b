package dev.crier.verify;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.crier.verify.VerificationException.Reason;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A hex HMAC of the request body in one header, in the three variants Crier can send. The secret is
 * used as the UTF-8 bytes of the string, as it was shown to the integrator.
 *
 * <table>
 *   <caption>Variants</caption>
 *   <tr><th>variant</th><th>header</th><th>value</th></tr>
 *   <tr><td>{@link #HMAC_SHA256}</td><td>{@code X-<Brand>-Signature}</td>
 *       <td>hex HMAC-SHA256</td></tr>
 *   <tr><td>{@link #GITHUB}</td><td>{@code X-Hub-Signature-256}</td>
 *       <td>{@code sha256=} and hex HMAC-SHA256</td></tr>
 *   <tr><td>{@link #WEBEX}</td><td>{@code X-Spark-Signature}</td><td>hex HMAC-SHA1</td></tr>
 * </table>
 *
 * <p>Signatures are written in lower-case hex; either case is accepted.
 *
 * <pre>{@code
 * HexSignature scheme = HexSignature.GITHUB;
 * scheme.verify(secret, body, request.getHeader(scheme.headerName()));
 * }</pre>
 *
 * <p>Thread-safety: an enum without state, so thread-safe.
 */
public enum HexSignature {
  /** {@code X-<Brand>-Signature: <hex HMAC-SHA256>}, Crier's {@code hmac-sha256} format. */
  HMAC_SHA256(Hmac.SHA256, 32, null, ""),
  /** {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256>}, as GitHub sends. */
  GITHUB(Hmac.SHA256, 32, "X-Hub-Signature-256", "sha256="),
  /** {@code X-Spark-Signature: <hex HMAC-SHA1>}, as Cisco Webex (formerly Spark) sends. */
  WEBEX(Hmac.SHA1, 20, "X-Spark-Signature", "");

  /** The brand used when none is given: {@value}, so headers read {@code X-Crier-...}. */
  public static final String DEFAULT_BRAND = Brand.DEFAULT;

  private static final HexFormat HEX = HexFormat.of();

  private final String algorithm;
  private final int macLength;
  private final String fixedHeader;
  private final String valuePrefix;

  HexSignature(String algorithm, int macLength, String fixedHeader, String valuePrefix) {
    this.algorithm = algorithm;
    this.macLength = macLength;
    this.fixedHeader = fixedHeader;
    this.valuePrefix = valuePrefix;
  }

  /**
   * The header that carries the signature, for a brand. Only {@link #HMAC_SHA256} uses the brand;
   * the others have fixed names and ignore it.
   *
   * <pre>{@code
   * HexSignature.HMAC_SHA256.headerName("Noko"); // "X-Noko-Signature"
   * HexSignature.WEBEX.headerName("Noko");       // "X-Spark-Signature"
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @param brand letters and digits, optionally joined by hyphens, such as {@code Noko}
   * @return the header name
   * @throws IllegalArgumentException if this variant uses the brand and it is not valid
   */
  public String headerName(String brand) {
    return fixedHeader != null ? fixedHeader : "X-" + Brand.check(brand) + "-Signature";
  }

  /**
   * The header that carries the signature, for the {@link #DEFAULT_BRAND}.
   *
   * <pre>{@code
   * HexSignature.HMAC_SHA256.headerName(); // "X-Crier-Signature"
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @return the header name
   */
  public String headerName() {
    return headerName(DEFAULT_BRAND);
  }

  /**
   * The header value for a body: the hex HMAC, with this variant's prefix if it has one.
   *
   * <pre>{@code
   * String value = HexSignature.GITHUB.sign("It's a Secret to Everybody", "Hello, World!".getBytes(UTF_8));
   * // "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @param secret the shared secret; its UTF-8 bytes are the HMAC key
   * @param body the exact bytes sent as the request body
   * @return the header value
   * @throws IllegalArgumentException if the secret is empty
   */
  public String sign(String secret, byte[] body) {
    return valuePrefix + HEX.formatHex(mac(secret, body));
  }

  /**
   * Checks that a header value is the signature of the body under the secret.
   *
   * <pre>{@code
   * HexSignature.WEBEX.verify(secret, body, request.getHeader("X-Spark-Signature"));
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @param secret the shared secret; its UTF-8 bytes are the HMAC key
   * @param body the exact bytes received as the request body, before any parsing
   * @param headerValue the received header value; null if the header was absent
   * @throws VerificationException {@link Reason#MALFORMED} if the value is absent, lacks this
   *     variant's prefix or is not hex of the right length (such as an HMAC-SHA256 where an
   *     HMAC-SHA1 is expected); {@link Reason#NO_MATCHING_SIGNATURE} if it is not the body's
   * @throws IllegalArgumentException if the secret is empty
   */
  public void verify(String secret, byte[] body, String headerValue) {
    verify(secret, body, headerValue, fixedHeader != null ? fixedHeader : "X-<Brand>-Signature");
  }

  /** As the public verify, naming the header as {@code header} in failure messages. */
  void verify(String secret, byte[] body, String headerValue, String header) {
    byte[] expected = mac(secret, body);
    byte[] received = parse(headerValue, header);
    if (!Hmac.matches(expected, received)) {
      throw new VerificationException(
          Reason.NO_MATCHING_SIGNATURE,
          header + " does not match the body: wrong secret, or the body was changed");
    }
  }

  private byte[] mac(String secret, byte[] body) {
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(body, "body");
    if (secret.isEmpty()) {
      throw new IllegalArgumentException("secret must not be empty");
    }
    return Hmac.compute(algorithm, secret.getBytes(UTF_8), body);
  }

  private byte[] parse(String headerValue, String header) {
    String value = headerValue == null ? "" : headerValue.strip();
    if (value.isEmpty()) {
      throw Headers.missing(header);
    }
    String hex = value.startsWith(valuePrefix) ? value.substring(valuePrefix.length()) : null;
    boolean allHex = hex != null && hex.chars().allMatch(HexFormat::isHexDigit);
    if (hex == null || hex.length() != 2 * macLength || !allHex) {
      String expected = 2 * macLength + " hex digits (" + algorithm + ")";
      if (!valuePrefix.isEmpty()) {
        expected = "'" + valuePrefix + "' and " + expected;
      }
      String got =
          hex == null
              ? "a value without that prefix"
              : hex.length() + " characters" + (allHex ? "" : ", not all hex digits");
      throw new VerificationException(
          Reason.MALFORMED, header + " must be " + expected + ", got " + got);
    }
    return HEX.parseHex(hex);
  }
}
