package dev.crier.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.config.Settings;
import dev.crier.testing.Api;
import dev.crier.testing.Engine;
import dev.crier.testing.ManualClock;
import dev.crier.testing.TestCrier;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What keeps a hostile client small: guessing keys is slowed per address, the pages cannot be
 * framed or sniffed, and a client trickling its headers is cut off while others are served.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class AbuseLimitsTest {
  @Parameter Engine engine;
  static TestCrier crier;
  static ManualClock clock;
  static Api admin;

  @BeforeParameterizedClassInvocation
  static void start(Engine engine) {
    clock = new ManualClock();
    crier = TestCrier.start(engine, Map.of(Settings.Key.HEADER_TIMEOUT_SECONDS, "1"), clock);
    admin = crier.api();
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    crier.close();
  }

  @Test
  void anAddressThatKeepsFailingAuthenticationIsToldToWait() {
    try {
      for (int i = 0; i < 20; i++) assertThat(admin.withKey("wrong-key-" + i).get("/v1/webhooks").status()).isEqualTo(401);
      var limited = admin.withKey("wrong-key-20").get("/v1/webhooks");
      assertThat(limited.status()).isEqualTo(429);
      assertThat(limited.header("Content-Type")).startsWith("application/problem+json");
      assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(1, 60);
      assertThat(limited.json().get("type").stringValue()).contains("too-many-failed-authentications");
      assertThat(admin.get("/v1/webhooks").status()).as("a right key from that address waits too").isEqualTo(429);
      assertThat(admin.get("/healthz").status()).as("unauthenticated routes are not limited").isEqualTo(200);
    } finally {
      clock.advance(Duration.ofSeconds(61));
    }
    assertThat(admin.get("/v1/webhooks").status()).isEqualTo(200);
  }

  @Test
  void aClientRepeatingOneStaleTokenDoesNotLockOutItsAddress() {
    Api stale = admin.withKey("revoked-token-0123456789");
    try {
      for (int i = 0; i < 30; i++) assertThat(stale.get("/v1/webhooks").status()).isEqualTo(401);
      assertThat(admin.get("/v1/webhooks").status()).isEqualTo(200);
    } finally {
      clock.advance(Duration.ofSeconds(61)); // a fresh window for the other tests
    }
  }

  @Test
  void theLimitCanBeTurnedOff() {
    try (TestCrier unlimited = TestCrier.start(engine, Map.of(Settings.Key.AUTH_FAILURES_PER_MINUTE, "0"))) {
      for (int i = 0; i < 25; i++) assertThat(unlimited.api().withKey("wrong-key-" + i).get("/v1/webhooks").status()).isEqualTo(401);
      assertThat(unlimited.api().get("/v1/webhooks").status()).isEqualTo(200);
    }
  }

  @Test
  void theDocsAndTheWebUiCannotBeFramedOrSniffed() {
    for (String page : List.of("/docs", "/")) {
      var r = admin.get(page);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("Content-Security-Policy")).as(page).contains("frame-ancestors 'none'").contains("default-src 'self'");
      assertThat(r.header("Content-Security-Policy")).as(page).doesNotContain("script-src 'self' 'unsafe-inline'");
      assertThat(r.header("X-Frame-Options")).as(page).isEqualTo("DENY");
      assertThat(r.header("X-Content-Type-Options")).as(page).isEqualTo("nosniff");
    }
  }

  @Test
  void aClientTricklingItsHeadersIsCutOffWhileOthersAreServed() throws Exception {
    List<Socket> tricklers = new ArrayList<>();
    try {
      for (int i = 0; i < 50; i++) {
        Socket s = new Socket("127.0.0.1", crier.crier().port());
        s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII));
        tricklers.add(s);
      }
      Thread trickle = Thread.ofVirtual().start(() -> {
        byte[] header = "X-Slow: a\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int n = 0; !Thread.currentThread().isInterrupted(); n++) {
          for (Socket s : tricklers) {
            try {
              OutputStream out = s.getOutputStream();
              out.write(header[n % header.length]);
              out.flush();
            } catch (IOException closed) {
              // cut off: what the test waits for
            }
          }
          try {
            Thread.sleep(200);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      assertThat(admin.get("/healthz").status()).as("others are served meanwhile").isEqualTo(200);
      for (Socket s : tricklers) {
        s.setSoTimeout(15_000);
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> closedByServer(s));
      }
      trickle.interrupt();
      assertThat(admin.get("/healthz").status()).isEqualTo(200);
    } finally {
      for (Socket s : tricklers) s.close();
    }
  }

  @Test
  void aSlowButSteadyBodyIsNotCutOff() throws Exception {
    // Only headers are timed: a body may take longer than the header deadline.
    try (Socket s = new Socket("127.0.0.1", crier.crier().port())) {
      String body = "[]";
      OutputStream out = s.getOutputStream();
      out.write(("POST /v1/events HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + TestCrier.ADMIN_KEY
          + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Thread.sleep(2_500); // longer than two header deadlines, with the headers already sent
      out.write(body.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(answer).startsWith("HTTP/1.1 ");
      assertThat(answer).doesNotStartWith("HTTP/1.1 5");
    }
  }

  /** True once the server closed the connection (end of stream, or a reset). */
  private static boolean closedByServer(Socket s) {
    try {
      InputStream in = s.getInputStream();
      int b;
      while ((b = in.read()) != -1) {
        // an error answer (408 or 400) before the close is fine too
        if (b < 0) break;
      }
      return true;
    } catch (IOException reset) {
      return !(reset instanceof java.net.SocketTimeoutException);
    }
  }
}
