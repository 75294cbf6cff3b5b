package dev.crier.verify;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.crier.verify.VerificationException.Reason;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link Jwks} against a real HTTP server (the JDK's own): caching, refetching, failing closed. */
class JwksTest {
  private static final SigningKey OLD = SigningKey.generate();
  private static final SigningKey NEW = SigningKey.generate();

  private HttpServer server;
  private final AtomicInteger fetches = new AtomicInteger();
  private volatile int status = 200;
  private volatile String cacheControl = "public, max-age=300";
  private volatile String document = jwks(OLD);
  private volatile String etag = null;
  private final SettableClock clock = new SettableClock();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/.well-known/jwks.json",
        exchange -> {
          fetches.incrementAndGet();
          String tag = etag;
          boolean notModified =
              tag != null && tag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"));
          byte[] body = document.getBytes(UTF_8);
          exchange.getResponseHeaders().add("Cache-Control", cacheControl);
          if (tag != null) exchange.getResponseHeaders().add("ETag", tag);
          int code = notModified ? 304 : status;
          exchange.sendResponseHeaders(code, code == 304 ? -1 : body.length);
          if (code != 304) {
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          }
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private Jwks jwks() {
    URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/jwks.json");
    return Jwks.builder(uri).clock(clock).build();
  }

  private static String jwks(SigningKey... keys) {
    StringBuilder out = new StringBuilder("{\"keys\": [");
    for (int i = 0; i < keys.length; i++) {
      out.append(i == 0 ? "" : ", ").append(keys[i].verificationKey().toJwk());
    }
    return out.append("]}").toString();
  }

  @Test
  void fetchesOnFirstUseAndKeepsTheSetForItsMaxAge() {
    Jwks keys = jwks();
    assertEquals(0, fetches.get(), "nothing is fetched before a key is needed");

    assertEquals(Optional.of(OLD.verificationKey()), keys.find(OLD.kid()));
    clock.advance(Duration.ofSeconds(299));
    assertEquals(List.of(OLD.verificationKey()), keys.keys());
    assertEquals(1, fetches.get());

    clock.advance(Duration.ofSeconds(1));
    keys.keys();
    assertEquals(2, fetches.get(), "fetched again once max-age has passed");
  }

  @Test
  void anUnknownKidIsFetchedForAtMostOncePerRefetchInterval() {
    Jwks keys = jwks();
    keys.keys();
    assertEquals(Optional.empty(), keys.find("forged-0"));
    assertEquals(1, fetches.get(), "not even one refetch right after a fetch");

    clock.advance(Duration.ofSeconds(30));
    for (int i = 0; i < 100; i++) {
      assertEquals(Optional.empty(), keys.find("forged-" + i));
    }
    assertEquals(2, fetches.get(), "one fetch for the first unknown kid, none for the others");

    clock.advance(Duration.ofSeconds(30));
    keys.find("forged-again");
    assertEquals(3, fetches.get(), "one more once the interval has passed");
  }

  @Test
  void picksUpARotationWhenANewKidArrives() {
    Jwks keys = jwks();
    assertTrue(keys.find(OLD.kid()).isPresent());
    document = jwks(NEW, OLD);
    clock.advance(Duration.ofSeconds(31));

    assertEquals(Optional.of(NEW.verificationKey()), keys.find(NEW.kid()));
    assertEquals(List.of(NEW.verificationKey(), OLD.verificationKey()), keys.keys());
  }

  @Test
  void failsClosedOnceTheSetHasExpiredAndCannotBeFetched() {
    Jwks keys = jwks();
    assertTrue(keys.find(OLD.kid()).isPresent());
    status = 503;
    clock.advance(Duration.ofMinutes(5));

    VerificationException e = assertThrows(VerificationException.class, () -> keys.find(OLD.kid()));
    assertEquals(Reason.KEY_UNAVAILABLE, e.reason());
    assertTrue(e.getMessage().contains("HTTP 503"), e.getMessage());
    assertThrows(VerificationException.class, keys::keys);
    assertEquals(2, fetches.get(), "a failed fetch is not retried within the refetch interval");

    status = 200;
    clock.advance(Duration.ofSeconds(30));
    assertTrue(keys.find(OLD.kid()).isPresent(), "recovers with the next successful fetch");
  }

  @Test
  void aDocumentThatIsNotAJwkSetFailsClosed() {
    document = "{\"keys\": [ {\"kty\": \"OKP\", \"crv\": \"Ed25519\"} ]}"; // no x
    VerificationException e = assertThrows(VerificationException.class, () -> jwks().keys());
    assertEquals(Reason.KEY_UNAVAILABLE, e.reason());

    document = "<html>maintenance</html>";
    clock.advance(Duration.ofSeconds(30));
    assertThrows(VerificationException.class, () -> jwks().keys());

    document = "{\"keys\": [\"" + "x".repeat(Jwks.MAX_DOCUMENT_BYTES) + "\"]}";
    VerificationException large = assertThrows(VerificationException.class, () -> jwks().keys());
    assertTrue(large.getMessage().contains("larger than"), large.getMessage());
  }

  @Test
  void maxAgeIsHeldWithinTheBounds() {
    cacheControl = "max-age=1";
    Jwks keys = jwks();
    keys.keys();
    clock.advance(Duration.ofSeconds(59));
    keys.keys();
    assertEquals(1, fetches.get(), "kept for the one-minute floor, not one second");

    cacheControl = "max-age=99999999";
    clock.advance(Duration.ofSeconds(1));
    keys.keys();
    clock.advance(Duration.ofHours(1));
    keys.keys();
    assertEquals(3, fetches.get(), "kept for at most the one-hour ceiling");
  }

  @Test
  void revalidatesWithTheEntityTag() {
    etag = "\"v1\"";
    Jwks keys = jwks();
    keys.keys();
    clock.advance(Duration.ofMinutes(5));

    assertEquals(List.of(OLD.verificationKey()), keys.keys(), "a 304 keeps the keys");
    assertEquals(2, fetches.get());
  }

  @Test
  void skipsKeysOfOtherTypesAndGivesAKidlessKeyItsThumbprint() {
    String x = OLD.verificationKey().x();
    List<VerificationKey> keys =
        Jwks.parse(
            "{\"keys\": [{\"kty\": \"RSA\", \"n\": \"AQAB\", \"e\": \"AQAB\", \"kid\": \"r\"},"
                + " {\"kty\": \"OKP\", \"crv\": \"X25519\", \"x\": \"" + x + "\"},"
                + " {\"kty\": \"OKP\", \"crv\": \"Ed25519\", \"use\": \"enc\", \"x\": \"" + x + "\"},"
                + " {\"kty\": \"OKP\", \"crv\": \"Ed25519\", \"x\": \"" + x + "\"}]}");

    assertEquals(List.of(VerificationKey.of(OLD.kid(), x)), keys);
  }

  @Test
  void aReceiverVerifiesThroughARotationWithNoSecret() {
    Jwks keys = jwks();
    StandardWebhooks receiver = StandardWebhooks.ofPublicKeys(keys).withClock(clock);
    byte[] body = "{\"n\": 1}".getBytes(UTF_8);
    long now = clock.instant().getEpochSecond();
    Map<String, String> before = StandardWebhooks.ofSigningKeys(OLD).headers("msg_1", now, body);
    assertDoesNotThrow(() -> receiver.verify(before, body));

    document = jwks(NEW, OLD); // the sender rotated: both keys sign during the overlap
    clock.advance(Duration.ofSeconds(30));
    Map<String, String> during =
        StandardWebhooks.ofSigningKeys(NEW, OLD).headers("msg_2", clock.instant().getEpochSecond(), body);
    assertEquals(NEW.kid() + " " + OLD.kid(), during.get(StandardWebhooks.KEY_ID_HEADER));
    assertDoesNotThrow(() -> receiver.verify(during, body));

    document = jwks(NEW); // after the overlap
    clock.advance(Duration.ofMinutes(5));
    Map<String, String> after =
        StandardWebhooks.ofSigningKeys(NEW).headers("msg_3", clock.instant().getEpochSecond(), body);
    assertDoesNotThrow(() -> receiver.verify(after, body));
    Map<String, String> lateOld =
        StandardWebhooks.ofSigningKeys(OLD).headers("msg_4", clock.instant().getEpochSecond(), body);
    VerificationException e =
        assertThrows(VerificationException.class, () -> receiver.verify(lateOld, body));
    assertEquals(Reason.NO_MATCHING_SIGNATURE, e.reason(), "the retired key no longer verifies");
  }

  /** A clock that tests set by hand. */
  static final class SettableClock extends Clock {
    private volatile Instant now = Instant.parse("2026-12-08T00:00:00Z");

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
