package dev.crier.verify;

import dev.crier.verify.internal.Json;
import dev.crier.verify.VerificationException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JWK Set fetched from a URL, Crier's {@code /.well-known/jwks.json}: the {@link KeySource}
 * with which a receiver verifies {@code v1a} signatures without any shared secret, and picks up a
 * key rotation by itself.
 *
 * <p>The set is fetched on first use with the JDK's {@link HttpClient} and kept for the response's
 * {@code Cache-Control: max-age}, held within {@link Builder#cacheBounds bounds} (one minute to one
 * hour unless changed; five minutes when the response gives none). A kid it does not know makes
 * it fetch again (a new key after a rotation), but never more than once per {@link
 * Builder#refetchInterval refetch interval} (30 s unless changed): a forger who sends made-up kids
 * cannot make it hammer the server. Only {@code OKP}/{@code Ed25519} keys are read; others in the
 * set are ignored.
 *
 * <p>It fails closed: once the set has expired and cannot be fetched again (an error status, a
 * timeout, a document that is not a JWK Set), verification fails with {@link
 * Reason#KEY_UNAVAILABLE} until a fetch succeeds; expired keys are never used. Crier retries a
 * delivery that is not answered with 2xx, so nothing is lost while the set is unreachable.
 *
 * <pre>{@code
 * Jwks keys = Jwks.fetching(URI.create("https://crier.example.com/.well-known/jwks.json"));
 * StandardWebhooks webhooks = StandardWebhooks.ofPublicKeys(keys); // share both
 * webhooks.verify(requestHeaders, requestBody);
 * }</pre>
 *
 * <p>Thread-safety: thread-safe; share one instance. Fetches are serialized: threads that need the
 * set while it is being fetched wait for that fetch instead of starting their own.
 */
public final class Jwks implements KeySource {
  /** The largest document read: {@value} bytes; a larger one is refused, not truncated. */
  public static final int MAX_DOCUMENT_BYTES = 256 * 1024;

  private static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final Pattern MAX_AGE = Pattern.compile("(?:^|[,\\s])max-age\\s*=\\s*\"?(\\d{1,10})");

  private final URI uri;
  private final HttpClient http;
  private final Duration minCache;
  private final Duration maxCache;
  private final Duration refetchInterval;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();

  // Guarded by lock; the volatile one is read without it on the fast path.
  private volatile Snapshot snapshot;
  private Instant lastAttempt;
  private String lastFailure;

  /** What one successful fetch gave: the keys, until when they may be used, the entity tag. */
  private record Snapshot(List<VerificationKey> keys, Instant expiresAt, String etag) {}

  private Jwks(Builder b) {
    this.uri = b.uri;
    this.http = b.http != null ? b.http : defaultClient();
    this.minCache = b.minCache;
    this.maxCache = b.maxCache;
    this.refetchInterval = b.refetchInterval;
    this.clock = b.clock;
  }

  /**
   * A source for this URL with the default bounds, the system clock and a client of its own.
   *
   * <pre>{@code
   * Jwks keys = Jwks.fetching(URI.create("https://crier.example.com/.well-known/jwks.json"));
   * }</pre>
   *
   * <p>Thread-safety: thread-safe. Nothing is fetched until a key is first needed.
   *
   * @param uri the JWK Set's URL; use https outside tests
   * @return the source
   */
  public static Jwks fetching(URI uri) {
    return builder(uri).build();
  }

  /**
   * A builder for a source with other bounds, an own {@link HttpClient} or a clock.
   *
   * <pre>{@code
   * Jwks keys = Jwks.builder(uri).refetchInterval(Duration.ofMinutes(1)).build();
   * }</pre>
   *
   * <p>Thread-safety: the builder is not thread-safe; what it builds is.
   *
   * @param uri the JWK Set's URL
   * @return a builder with the defaults
   */
  public static Builder builder(URI uri) {
    return new Builder(uri);
  }

  /**
   * The Ed25519 keys of a JWK Set document ({@code {"keys": [...]}}). Keys of other types, and
   * keys marked for another {@code use} or {@code alg}, are skipped; a key without a kid gets its
   * RFC 7638 thumbprint.
   *
   * <pre>{@code
   * List<VerificationKey> keys = Jwks.parse(Files.readString(Path.of("jwks.json")));
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @param json the document
   * @return the keys, unmodifiable, possibly empty
   * @throws IllegalArgumentException if it is not JSON, has no {@code keys} array, an Ed25519 key
   *     has no valid {@code x}, or two keys share a kid
   */
  public static List<VerificationKey> parse(String json) {
    Objects.requireNonNull(json, "json");
    if (!(Json.parse(json) instanceof Map<?, ?> document)
        || !(document.get("keys") instanceof List<?> entries)) {
      throw new IllegalArgumentException("a JWK Set is an object with a \"keys\" array");
    }
    List<VerificationKey> keys = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      if (!(entries.get(i) instanceof Map<?, ?> jwk) || !isEd25519Signing(jwk)) {
        continue;
      }
      if (!(jwk.get("x") instanceof String x)) {
        throw new IllegalArgumentException("keys[" + i + "] has no x");
      }
      Object kid = jwk.get("kid");
      VerificationKey key;
      try {
        key = VerificationKey.of(kid instanceof String s ? s : null, x);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("keys[" + i + "]: " + e.getMessage());
      }
      if (keys.stream().anyMatch(k -> k.kid().equals(key.kid()))) {
        throw new IllegalArgumentException("keys[" + i + "] repeats the kid " + key.kid());
      }
      keys.add(key);
    }
    return List.copyOf(keys);
  }

  private static boolean isEd25519Signing(Map<?, ?> jwk) {
    return "OKP".equals(jwk.get("kty"))
        && "Ed25519".equals(jwk.get("crv"))
        && (jwk.get("use") == null || "sig".equals(jwk.get("use")))
        && (jwk.get("alg") == null || "EdDSA".equals(jwk.get("alg")));
  }

  /**
   * The key with this kid: from the cached set if it is fresh and has it, else after fetching the
   * set again, if the refetch interval allows a fetch now.
   *
   * <pre>{@code
   * Optional<VerificationKey> key = jwks.find("0h3qQ...");
   * }</pre>
   *
   * <p>Thread-safety: thread-safe; may block for one fetch (at most ten seconds).
   *
   * @param kid a key id as received; not trusted
   * @return the key, or empty if the set does not have it
   * @throws VerificationException {@link Reason#KEY_UNAVAILABLE} if the set has expired and cannot
   *     be fetched
   */
  @Override
  public Optional<VerificationKey> find(String kid) {
    Objects.requireNonNull(kid, "kid");
    Optional<VerificationKey> found = lookup(fresh(), kid);
    if (found.isPresent()) {
      return found;
    }
    lock.lock();
    try {
      Optional<VerificationKey> meanwhile = lookup(fresh(), kid);
      if (meanwhile.isPresent() || !mayFetch(clock.instant())) {
        return meanwhile;
      }
      fetch();
      return lookup(usable(clock.instant()), kid);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The keys of the current set, fetching it first if it has expired.
   *
   * <pre>{@code
   * int published = jwks.keys().size();
   * }</pre>
   *
   * <p>Thread-safety: thread-safe; may block for one fetch.
   *
   * @return the keys, unmodifiable
   * @throws VerificationException {@link Reason#KEY_UNAVAILABLE} if the set has expired and cannot
   *     be fetched
   */
  @Override
  public List<VerificationKey> keys() {
    return fresh().keys();
  }

  /**
   * Names the URL and how many keys are held now.
   *
   * <pre>{@code
   * log.info("verifying with {}", jwks); // Jwks[https://.../jwks.json, 2 key(s)]
   * }</pre>
   *
   * <p>Thread-safety: thread-safe.
   *
   * @return a description without any key material
   */
  @Override
  public String toString() {
    Snapshot s = snapshot;
    return "Jwks[" + uri + ", " + (s == null ? "not fetched" : s.keys().size() + " key(s)") + "]";
  }

  private static Optional<VerificationKey> lookup(Snapshot s, String kid) {
    return s.keys().stream().filter(k -> k.kid().equals(kid)).findFirst();
  }

  /** The unexpired set, fetched if needed (and allowed); else KEY_UNAVAILABLE. */
  private Snapshot fresh() {
    Snapshot s = snapshot;
    if (s != null && clock.instant().isBefore(s.expiresAt())) {
      return s;
    }
    lock.lock();
    try {
      Instant now = clock.instant();
      if (usableOrNull(now) == null && mayFetch(now)) {
        fetch();
      }
      return usable(clock.instant());
    } finally {
      lock.unlock();
    }
  }

  private Snapshot usableOrNull(Instant now) {
    Snapshot s = snapshot;
    return s != null && now.isBefore(s.expiresAt()) ? s : null;
  }

  private Snapshot usable(Instant now) {
    Snapshot s = usableOrNull(now);
    if (s == null) {
      throw new VerificationException(
          Reason.KEY_UNAVAILABLE,
          "the signing keys at " + uri + " could not be fetched"
              + (lastFailure == null ? "" : ": " + lastFailure));
    }
    return s;
  }

  private boolean mayFetch(Instant now) {
    return lastAttempt == null || !now.isBefore(lastAttempt.plus(refetchInterval));
  }

  /** One GET; on any failure the snapshot stays as it was (and expires as it would have). */
  private void fetch() {
    lastAttempt = clock.instant();
    Snapshot previous = snapshot;
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).header("Accept", "application/json");
    if (previous != null && previous.etag() != null) {
      request.header("If-None-Match", previous.etag());
    }
    try {
      HttpResponse<InputStream> response =
          http.send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        Instant expiresAt = lastAttempt.plus(maxAge(response));
        if (response.statusCode() == 304 && previous != null) {
          snapshot = new Snapshot(previous.keys(), expiresAt, previous.etag());
        } else if (response.statusCode() == 200) {
          List<VerificationKey> keys = parse(read(body));
          snapshot =
              new Snapshot(keys, expiresAt, response.headers().firstValue("ETag").orElse(null));
        } else {
          lastFailure = "answered HTTP " + response.statusCode();
          return;
        }
      }
      lastFailure = null;
    } catch (IOException | IllegalArgumentException e) {
      lastFailure = e.getClass().getSimpleName() + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      lastFailure = "interrupted";
    }
  }

  private Duration maxAge(HttpResponse<?> response) {
    String cacheControl = String.join(",", response.headers().allValues("Cache-Control"));
    Duration age = DEFAULT_MAX_AGE;
    Matcher m = MAX_AGE.matcher(cacheControl);
    if (m.find()) {
      age = Duration.ofSeconds(Long.parseLong(m.group(1)));
    } else if (cacheControl.contains("no-cache") || cacheControl.contains("no-store")) {
      age = Duration.ZERO;
    }
    if (age.compareTo(minCache) < 0) {
      return minCache;
    }
    return age.compareTo(maxCache) > 0 ? maxCache : age;
  }

  private static String read(InputStream body) throws IOException {
    byte[] bytes = body.readNBytes(MAX_DOCUMENT_BYTES + 1);
    if (bytes.length > MAX_DOCUMENT_BYTES) {
      throw new IOException("the document is larger than " + MAX_DOCUMENT_BYTES + " bytes");
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static HttpClient defaultClient() {
    return HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(5))
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
  }

  /**
   * Settings for a {@link Jwks}: cache bounds, refetch interval, client and clock.
   *
   * <pre>{@code
   * Jwks keys = Jwks.builder(uri)
   *     .cacheBounds(Duration.ofSeconds(30), Duration.ofMinutes(10))
   *     .refetchInterval(Duration.ofSeconds(10))
   *     .build();
   * }</pre>
   *
   * <p>Thread-safety: not thread-safe; build on one thread, then share the {@link Jwks}.
   */
  public static final class Builder {
    private final URI uri;
    private HttpClient http;
    private Duration minCache = Duration.ofMinutes(1);
    private Duration maxCache = Duration.ofHours(1);
    private Duration refetchInterval = Duration.ofSeconds(30);
    private Clock clock = Clock.systemUTC();

    private Builder(URI uri) {
      this.uri = Objects.requireNonNull(uri, "uri");
      String scheme = uri.getScheme();
      if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) {
        throw new IllegalArgumentException("the JWK Set URL must be http(s), got " + uri);
      }
    }

    /**
     * How long a fetched set is kept at least and at most, whatever its {@code max-age} says.
     *
     * <pre>{@code
     * builder.cacheBounds(Duration.ofSeconds(30), Duration.ofMinutes(10));
     * }</pre>
     *
     * <p>Thread-safety: not thread-safe.
     *
     * @param min at least one second
     * @param max at least {@code min}
     * @return this builder
     * @throws IllegalArgumentException if the bounds are out of order or below one second
     */
    public Builder cacheBounds(Duration min, Duration max) {
      Objects.requireNonNull(min, "min");
      Objects.requireNonNull(max, "max");
      if (min.compareTo(Duration.ofSeconds(1)) < 0 || max.compareTo(min) < 0) {
        throw new IllegalArgumentException(
            "cache bounds must be at least 1 s and min <= max, got " + min + " and " + max);
      }
      this.minCache = min;
      this.maxCache = max;
      return this;
    }

    /**
     * The least time between two fetches, whatever asks for them: an unknown kid, an expired set
     * or a failed fetch.
     *
     * <pre>{@code
     * builder.refetchInterval(Duration.ofSeconds(10));
     * }</pre>
     *
     * <p>Thread-safety: not thread-safe.
     *
     * @param interval at least one second
     * @return this builder
     * @throws IllegalArgumentException if below one second
     */
    public Builder refetchInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("the refetch interval must be at least 1 s");
      }
      this.refetchInterval = interval;
      return this;
    }

    /**
     * The client to fetch with, for a proxy, TLS settings or timeouts of your own.
     *
     * <pre>{@code
     * builder.httpClient(HttpClient.newBuilder().proxy(ProxySelector.of(proxy)).build());
     * }</pre>
     *
     * <p>Thread-safety: not thread-safe.
     *
     * @param client the client (HttpClient is thread-safe)
     * @return this builder
     */
    public Builder httpClient(HttpClient client) {
      this.http = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * The clock that cache ages and the refetch interval are measured with, for tests.
     *
     * <pre>{@code
     * builder.clock(Clock.fixed(noon, ZoneOffset.UTC));
     * }</pre>
     *
     * <p>Thread-safety: not thread-safe.
     *
     * @param clock where "now" comes from
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The source; nothing is fetched until a key is needed.
     *
     * <pre>{@code
     * Jwks keys = builder.build();
     * }</pre>
     *
     * <p>Thread-safety: not thread-safe; the result is.
     *
     * @return a new {@link Jwks}
     */
    public Jwks build() {
      return new Jwks(this);
    }
  }
}
