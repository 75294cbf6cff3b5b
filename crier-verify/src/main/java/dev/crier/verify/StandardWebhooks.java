package dev.crier.verify;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.crier.verify.VerificationException.Reason;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Signs and verifies webhooks in the <a href="https://www.standardwebhooks.com">Standard
 * Webhooks</a> format, Crier's default: headers {@code webhook-id}, {@code webhook-timestamp} (unix
 * seconds) and {@code webhook-signature}, a space-separated list of {@code v1,<base64 HMAC-SHA256
 * of "id.timestamp.body">}, one per secret. Svix's {@code svix-id}, {@code svix-timestamp} and
 * {@code svix-signature} are accepted too.
 *
 * <p>Secrets are {@code whsec_<base64 of the key bytes>}; bare base64 is accepted as well. An
 * instance holds one or more secrets: a sender with two signs with both (so that a receiver can
 * switch secrets without losing a message), a receiver with two accepts a signature from either.
 *
 * <p>The spec's asymmetric signatures are supported too: {@code v1a,<base64 Ed25519 signature of
 * "id.timestamp.body">}. A sender signs them with {@link SigningKey}s and names the keys in the
 * {@value #KEY_ID_HEADER} header, one kid per {@code v1a} entry in the same order; a receiver
 * verifies them with public keys from a {@link KeySource}, usually Crier's published {@link Jwks},
 * and needs no shared secret at all.
 *
 * <pre>{@code
 * // Receiver
 * StandardWebhooks webhooks = StandardWebhooks.of(System.getenv("CRIER_WEBHOOK_SECRET"));
 * webhooks.verify(requestHeaders, requestBody); // throws VerificationException if not genuine
 *
 * // Sender
 * Map<String, String> headers = webhooks.headers("msg_2zWqHk7Y", Instant.now().getEpochSecond(), body);
 *
 * // Receiver of v1a signatures: Crier's public keys, fetched and refreshed by themselves
 * StandardWebhooks signed = StandardWebhooks.ofPublicKeys(
 *     Jwks.fetching(URI.create("https://crier.example.com/.well-known/jwks.json")));
 * signed.verify(requestHeaders, requestBody);
 * }</pre>
 *
 * <p>Thread-safety: immutable, so thread-safe; share one instance. The {@code with...} methods
 * return new instances.
 */
public final class StandardWebhooks {
  /** How far a signed timestamp may be from now, either way, unless changed: five minutes. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

  private static final String SECRET_PREFIX = "whsec_";
  private static final String VERSION_PREFIX = "v1,";
  private static final String ASYMMETRIC_PREFIX = "v1a,";

  /**
   * The header naming the keys of the {@code v1a} signatures: {@value}, space-separated kids, the
   * n-th naming the key of the n-th {@code v1a} entry of {@code webhook-signature}.
   */
  public static final String KEY_ID_HEADER = "webhook-key-id";
  private static final Pattern UNIX_SECONDS = Pattern.compile("[0-9]{1,18}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final List<Hmac.Key> keys;
  private final List<SigningKey> signingKeys;
  private final KeySource publicKeys;
  private final Duration tolerance;
  private final Clock clock;

  private StandardWebhooks(
      List<Hmac.Key> keys,
      List<SigningKey> signingKeys,
      KeySource publicKeys,
      Duration tolerance,
      Clock clock) {
    this.keys = keys;
    this.signingKeys = signingKeys;
    this.publicKeys = publicKeys;
    this.tolerance = tolerance;
    this.clock = clock;
  }

  /**
   * An instance with these secrets, the {@link #DEFAULT_TOLERANCE} and the system clock.
   *
   * <pre>{@code
   * StandardWebhooks webhooks = StandardWebhooks.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
   * StandardWebhooks rotating = StandardWebhooks.of(oldSecret, newSecret);
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @param secrets one or more secrets, each {@code whsec_<base64>} or bare base64
   * @return a new instance
   * @throws IllegalArgumentException if there is no secret, or one is not base64 or is empty (the
   *     message says which one, by position, never its value)
   */
  public static StandardWebhooks of(String... secrets) {
    Objects.requireNonNull(secrets, "secrets");
    if (secrets.length == 0) {
      throw new IllegalArgumentException("at least one secret is needed");
    }
    List<Hmac.Key> keys = new ArrayList<>(secrets.length);
    for (int i = 0; i < secrets.length; i++) {
      keys.add(new Hmac.Key(Hmac.SHA256, decodeSecret(secrets[i], i + 1)));
    }
    return new StandardWebhooks(
        List.copyOf(keys), List.of(), null, DEFAULT_TOLERANCE, Clock.systemUTC());
  }

  /**
   * A receiver that verifies {@code v1a} signatures with these public keys and needs no secret;
   * {@code v1} signatures are not accepted (there is no secret to check them with).
   *
   * <pre>{@code
   * StandardWebhooks webhooks = StandardWebhooks.ofPublicKeys(
   *     Jwks.fetching(URI.create("https://crier.example.com/.well-known/jwks.json")));
   * }</pre>
   *
   * <p>Thread-safety: thread-safe, if the key source is (both provided here are).
   *
   * @param publicKeys where the keys come from
   * @return a new instance with the {@link #DEFAULT_TOLERANCE} and the system clock
   */
  public static StandardWebhooks ofPublicKeys(KeySource publicKeys) {
    Objects.requireNonNull(publicKeys, "publicKeys");
    return new StandardWebhooks(
        List.of(), List.of(), publicKeys, DEFAULT_TOLERANCE, Clock.systemUTC());
  }

  /**
   * A sender that signs {@code v1a} only, with each of these keys (two during a key rotation).
   *
   * <pre>{@code
   * StandardWebhooks signer = StandardWebhooks.ofSigningKeys(newKey, oldKey);
   * signer.headers(msgId, now, body); // webhook-signature: v1a,... v1a,...  webhook-key-id: new old
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @param signingKeys one or more keys, the newest first by convention
   * @return a new instance
   * @throws IllegalArgumentException if there is no key
   */
  public static StandardWebhooks ofSigningKeys(SigningKey... signingKeys) {
    return new StandardWebhooks(
        List.of(), checkSigningKeys(signingKeys), null, DEFAULT_TOLERANCE, Clock.systemUTC());
  }

  /**
   * A copy that also signs {@code v1a} with these keys, after its {@code v1} signatures: both
   * kinds in one header, for receivers migrating from the shared secret to the public keys.
   *
   * <pre>{@code
   * StandardWebhooks both = StandardWebhooks.of(secret).withSigningKeys(key);
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @param signingKeys one or more keys; they replace any this instance had
   * @return a new instance; this one is unchanged
   * @throws IllegalArgumentException if there is no key
   */
  public StandardWebhooks withSigningKeys(SigningKey... signingKeys) {
    return new StandardWebhooks(
        keys, checkSigningKeys(signingKeys), publicKeys, tolerance, clock);
  }

  /**
   * A copy that also accepts {@code v1a} signatures by these public keys, beside {@code v1}
   * signatures by its secrets: one match of either kind is enough.
   *
   * <pre>{@code
   * StandardWebhooks migrating = StandardWebhooks.of(secret).withPublicKeys(jwks);
   * }</pre>
   *
   * <p>Thread-safety: thread-safe, if the key source is.
   *
   * @param publicKeys where the keys come from; replaces any this instance had
   * @return a new instance; this one is unchanged
   */
  public StandardWebhooks withPublicKeys(KeySource publicKeys) {
    Objects.requireNonNull(publicKeys, "publicKeys");
    return new StandardWebhooks(keys, signingKeys, publicKeys, tolerance, clock);
  }

  private static List<SigningKey> checkSigningKeys(SigningKey... signingKeys) {
    Objects.requireNonNull(signingKeys, "signingKeys");
    if (signingKeys.length == 0) {
      throw new IllegalArgumentException("at least one signing key is needed");
    }
    return List.of(signingKeys);
  }

  /**
   * A new secret: {@code whsec_} and the base64 of 32 bytes from {@link SecureRandom}.
   *
   * <pre>{@code
   * String secret = StandardWebhooks.generateSecret(); // "whsec_q0L4...="
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @return the secret, ready for {@link #of(String...)}
   */
  public static String generateSecret() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
  }

  /**
   * A copy that accepts timestamps up to {@code tolerance} before or after now.
   *
   * <pre>{@code
   * StandardWebhooks lenient = webhooks.withTolerance(Duration.ofMinutes(10));
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @param tolerance zero or more
   * @return a new instance; this one is unchanged
   * @throws IllegalArgumentException if the tolerance is negative
   */
  public StandardWebhooks withTolerance(Duration tolerance) {
    Objects.requireNonNull(tolerance, "tolerance");
    if (tolerance.isNegative()) {
      throw new IllegalArgumentException("tolerance must not be negative, got " + tolerance);
    }
    return new StandardWebhooks(keys, signingKeys, publicKeys, tolerance, clock);
  }

  /**
   * A copy that reads the time from {@code clock}, for tests, or to trust a clock other than the
   * system's.
   *
   * <pre>{@code
   * StandardWebhooks atNoon = webhooks.withClock(Clock.fixed(noon, ZoneOffset.UTC));
   * }</pre>
   *
   * <p>Thread-safety: thread-safe, if the clock is.
   *
   * @param clock where "now" comes from
   * @return a new instance; this one is unchanged
   */
  public StandardWebhooks withClock(Clock clock) {
    return new StandardWebhooks(
        keys, signingKeys, publicKeys, tolerance, Objects.requireNonNull(clock, "clock"));
  }

  /**
   * The {@code webhook-signature} value: {@code v1,<base64>} for each secret, in the order given,
   * then {@code v1a,<base64>} for each signing key, in the order given, separated by a space.
   *
   * <pre>{@code
   * String signature = webhooks.sign("msg_2zWqHk7Y", 1767225600L, body); // "v1,SMhRVxv0..."
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @param msgId the {@code webhook-id}: unique per message, the same on every retry of it
   * @param timestampSeconds the {@code webhook-timestamp}, in seconds since the epoch
   * @param body the exact bytes sent as the request body
   * @return the signature header value
   * @throws IllegalArgumentException if the id is empty or holds spaces or control characters, or
   *     the timestamp is negative
   * @throws IllegalStateException if this instance has neither secrets nor signing keys (it was
   *     made with {@link #ofPublicKeys} to verify only)
   */
  public String sign(String msgId, long timestampSeconds, byte[] body) {
    checkSignable(msgId, timestampSeconds);
    Objects.requireNonNull(body, "body");
    if (keys.isEmpty() && signingKeys.isEmpty()) {
      throw new IllegalStateException("this instance verifies only: it has no secret or signing key");
    }
    List<String> signatures = new ArrayList<>(keys.size() + signingKeys.size());
    for (Hmac.Key key : keys) {
      byte[] mac = mac(key, msgId, timestampSeconds, body);
      signatures.add(VERSION_PREFIX + Base64.getEncoder().encodeToString(mac));
    }
    byte[] prefix = signedPrefix(msgId, timestampSeconds);
    for (SigningKey key : signingKeys) {
      signatures.add(ASYMMETRIC_PREFIX + Base64.getEncoder().encodeToString(key.sign(prefix, body)));
    }
    return String.join(" ", signatures);
  }

  /**
   * The headers to send with a body: {@code webhook-id}, {@code webhook-timestamp} and {@code
   * webhook-signature} (as {@link #sign}), in that order, then {@value #KEY_ID_HEADER} with the
   * kids of the signing keys (in the order of their {@code v1a} entries) if there are any.
   *
   * <pre>{@code
   * webhooks.headers(deliveryId, clock.instant().getEpochSecond(), body).forEach(request::header);
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @param msgId the {@code webhook-id}
   * @param timestampSeconds the {@code webhook-timestamp}, in seconds since the epoch
   * @param body the exact bytes sent as the request body
   * @return an unmodifiable map from lower-case header name to value
   * @throws IllegalArgumentException as {@link #sign}
   */
  public Map<String, String> headers(String msgId, long timestampSeconds, byte[] body) {
    String signature = sign(msgId, timestampSeconds, body);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("webhook-id", msgId);
    headers.put("webhook-timestamp", Long.toString(timestampSeconds));
    headers.put("webhook-signature", signature);
    if (!signingKeys.isEmpty()) {
      List<String> kids = new ArrayList<>(signingKeys.size());
      signingKeys.forEach(key -> kids.add(key.kid()));
      headers.put(KEY_ID_HEADER, String.join(" ", kids));
    }
    return Collections.unmodifiableMap(headers);
  }

  /**
   * Checks that a request was signed with one of this instance's secrets, recently. Header names
   * are matched ignoring case, and each of {@code webhook-id}, {@code webhook-timestamp} and {@code
   * webhook-signature} falls back to its {@code svix-} name when absent. The timestamp is checked
   * first, then each {@code v1} signature against each secret, then, if this instance has public
   * keys, each {@code v1a} signature against the key its kid in {@value #KEY_ID_HEADER} names (or
   * every key of the source when that header is absent); other versions are skipped, and one match
   * is enough.
   *
   * <pre>{@code
   * try {
   *   webhooks.verify(Map.of("webhook-id", id, "webhook-timestamp", ts, "webhook-signature", sig), body);
   * } catch (VerificationException e) {
   *   return unauthorized(e.getMessage());
   * }
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @param headers the request's headers, names in any case
   * @param body the exact bytes received as the request body, before any parsing
   * @throws VerificationException {@link Reason#MALFORMED} if a header is missing or the timestamp
   *     is not a number; {@link Reason#TIMESTAMP_TOO_OLD} or {@link Reason#TIMESTAMP_TOO_NEW} if it
   *     is outside the tolerance, or {@value #KEY_ID_HEADER} names a different number of keys than
   *     there are {@code v1a} signatures; {@link Reason#NO_MATCHING_SIGNATURE} if no signature
   *     matches; {@link Reason#KEY_UNAVAILABLE} if none matched and the public keys could not be
   *     obtained
   */
  public void verify(Map<String, String> headers, byte[] body) {
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(body, "body");
    String msgId = header(headers, "id");
    long timestampSeconds = parseTimestamp(header(headers, "timestamp"));
    String signatureHeader = header(headers, "signature");
    List<byte[]> received = signatures(signatureHeader, VERSION_PREFIX);
    List<byte[]> asymmetric = signatures(signatureHeader, ASYMMETRIC_PREFIX);
    checkTolerance(timestampSeconds);
    for (Hmac.Key key : keys) {
      byte[] expected = mac(key, msgId, timestampSeconds, body);
      for (byte[] signature : received) {
        if (signature != null && Hmac.matches(expected, signature)) {
          return;
        }
      }
    }
    if (publicKeys != null && !asymmetric.isEmpty()) {
      List<String> kids = kids(Headers.find(headers, KEY_ID_HEADER), asymmetric.size());
      verifyAsymmetric(asymmetric, kids, signedPrefix(msgId, timestampSeconds), body);
      return;
    }
    throw new VerificationException(
        Reason.NO_MATCHING_SIGNATURE, noMatchMessage(received.size(), asymmetric.size()));
  }

  /** Returns if one v1a signature verifies under its key; else throws why not. */
  private void verifyAsymmetric(
      List<byte[]> signatures, List<String> kids, byte[] prefix, byte[] body) {
    VerificationException unavailable = null;
    for (int i = 0; i < signatures.size(); i++) {
      byte[] signature = signatures.get(i);
      if (signature == null) {
        continue;
      }
      List<VerificationKey> candidates;
      try {
        candidates =
            kids == null ? publicKeys.keys() : publicKeys.find(kids.get(i)).stream().toList();
      } catch (VerificationException e) {
        unavailable = e;
        continue;
      } catch (RuntimeException e) {
        // A key source of the caller's that broke: fail closed, and say so.
        unavailable =
            new VerificationException(
                Reason.KEY_UNAVAILABLE, "the key source failed: " + e, e);
        continue;
      }
      for (VerificationKey key : candidates) {
        if (Ed25519.verify(key.publicKey(), signature, prefix, body)) {
          return;
        }
      }
    }
    if (unavailable != null) {
      throw unavailable;
    }
    throw new VerificationException(
        Reason.NO_MATCHING_SIGNATURE,
        String.format(
            "none of the %d v1a signature(s) in webhook-signature verifies under %s: wrong key,"
                + " or the body, id or timestamp was changed",
            signatures.size(),
            kids == null ? "any published key" : "the key(s) " + KEY_ID_HEADER + " names"));
  }

  /** The kids by v1a position, or null if the header is absent (every key is then tried). */
  private static List<String> kids(String header, int signatureCount) {
    if (header == null) {
      return null;
    }
    List<String> kids = List.of(header.trim().split(" +"));
    if (kids.size() != signatureCount) {
      throw new VerificationException(
          Reason.MALFORMED,
          String.format(
              "%s names %d key(s) but webhook-signature holds %d v1a signature(s); they pair"
                  + " up by position",
              KEY_ID_HEADER, kids.size(), signatureCount));
    }
    return kids;
  }

  /** Names the number of secrets and keys and the tolerance, never the secrets themselves. */
  @Override
  public String toString() {
    return "StandardWebhooks["
        + keys.size()
        + " secret(s), "
        + signingKeys.size()
        + " signing key(s), "
        + (publicKeys == null ? "no public keys" : "public keys " + publicKeys)
        + ", tolerance "
        + tolerance
        + "]";
  }

  private static byte[] mac(Hmac.Key key, String msgId, long timestampSeconds, byte[] body) {
    return key.compute(signedPrefix(msgId, timestampSeconds), body);
  }

  private static byte[] signedPrefix(String msgId, long timestampSeconds) {
    return (msgId + "." + timestampSeconds + ".").getBytes(UTF_8);
  }

  private static byte[] decodeSecret(String secret, int position) {
    Objects.requireNonNull(secret, () -> "secret " + position + " is null");
    String base64 =
        secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
    byte[] key;
    try {
      key = Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      // The cause is not chained: its message quotes a character of the secret.
      throw new IllegalArgumentException(
          "secret " + position + " is neither whsec_<base64> nor base64");
    }
    if (key.length == 0) {
      throw new IllegalArgumentException("secret " + position + " is empty");
    }
    return key;
  }

  private static void checkSignable(String msgId, long timestampSeconds) {
    Objects.requireNonNull(msgId, "msgId");
    if (msgId.isEmpty() || msgId.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
      throw new IllegalArgumentException(
          "msgId must be non-empty, without spaces or control characters (it is a header value)");
    }
    if (timestampSeconds < 0) {
      throw new IllegalArgumentException("timestampSeconds must not be negative");
    }
  }

  private static String header(Map<String, String> headers, String field) {
    String value = Headers.find(headers, "webhook-" + field);
    if (value == null) {
      value = Headers.find(headers, "svix-" + field);
    }
    if (value == null) {
      throw new VerificationException(
          Reason.MALFORMED,
          "header webhook-" + field + " (or svix-" + field + ") is missing or empty");
    }
    return value;
  }

  private static long parseTimestamp(String value) {
    if (!UNIX_SECONDS.matcher(value).matches()) {
      throw new VerificationException(
          Reason.MALFORMED,
          "webhook-timestamp must be unix seconds (digits only), got '" + value + "'");
    }
    return Long.parseLong(value);
  }

  /**
   * Base64-decoded signatures of one version, by position; an undecodable entry is a null (it
   * cannot match, as in the reference implementations, but keeps the v1a kids paired up).
   */
  private static List<byte[]> signatures(String header, String prefix) {
    List<byte[]> signatures = new ArrayList<>();
    for (String entry : header.split(" ")) {
      if (!entry.startsWith(prefix)) {
        continue;
      }
      try {
        signatures.add(Base64.getDecoder().decode(entry.substring(prefix.length())));
      } catch (IllegalArgumentException notBase64) {
        signatures.add(null);
      }
    }
    return signatures;
  }

  private void checkTolerance(long timestampSeconds) {
    // Whole seconds, as the reference implementations compare: floor(now) against the header.
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Instant signedAt = Instant.ofEpochSecond(timestampSeconds);
    if (signedAt.isBefore(now.minus(tolerance))) {
      throw new VerificationException(
          Reason.TIMESTAMP_TOO_OLD, timestampMessage(signedAt, now, "older"));
    }
    if (signedAt.isAfter(now.plus(tolerance))) {
      throw new VerificationException(
          Reason.TIMESTAMP_TOO_NEW, timestampMessage(signedAt, now, "newer"));
    }
  }

  private String timestampMessage(Instant signedAt, Instant now, String olderOrNewer) {
    long apart = Math.abs(Duration.between(signedAt, now).toSeconds());
    return String.format(
        "webhook-timestamp %d (%s) is %d s %s than now (%s), beyond the tolerance of %d s",
        signedAt.getEpochSecond(), signedAt, apart, olderOrNewer, now, tolerance.toSeconds());
  }

  private String noMatchMessage(int receivedCount, int asymmetricCount) {
    if (keys.isEmpty()) {
      return "webhook-signature holds no v1a,<base64> signature to check with the public keys";
    }
    if (receivedCount == 0) {
      return asymmetricCount == 0
          ? "webhook-signature holds no v1,<base64> signature"
          : "webhook-signature holds only v1a signatures, and no public keys are configured"
              + " (StandardWebhooks.withPublicKeys)";
    }
    return String.format(
        "none of the %d v1 signature(s) in webhook-signature matches any of the %d secret(s):"
            + " wrong secret, or the body, id or timestamp was changed",
        receivedCount, keys.size());
  }
}
