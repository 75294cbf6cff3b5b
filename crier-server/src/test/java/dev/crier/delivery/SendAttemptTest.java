package dev.crier.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.crier.delivery.SendResult.Answered;
import dev.crier.delivery.SendResult.Failed;
import dev.crier.delivery.SendResult.Failed.Kind;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SendAttemptTest {
  private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

  private final Receiver receiver = new Receiver();
  private final SendAttempt sender = new SendAttempt(true);

  @BeforeEach
  void start() throws IOException {
    receiver.start();
  }

  @AfterEach
  void stop() {
    sender.close();
    receiver.stop();
  }

  @Test
  void postsTheExactBytesWithExactlyTheGivenHeaders() {
    byte[] body =
        "{\"type\":\"order.paid\",\"data\":{\"total\":\"9.99 €\"}}"
            .getBytes(StandardCharsets.UTF_8);
    List<Map.Entry<String, String>> headers =
        List.of(
            Map.entry("Content-Type", "application/json"),
            Map.entry("User-Agent", "Crier-Webhooks/1.0"),
            Map.entry("webhook-id", "msg_1"),
            Map.entry("webhook-signature", "v1,abc="));

    SendResult result =
        sender.send(new HttpPost(receiver.url("/hook"), headers, body, TEN_SECONDS));

    assertThat(result).isInstanceOf(Answered.class);
    assertThat(((Answered) result).status()).isEqualTo(200);
    assertThat(((Answered) result).bodyStart()).asString().isEqualTo("ok");
    Received seen = receiver.only("/hook");
    assertThat(seen.method()).isEqualTo("POST");
    assertThat(seen.body()).isEqualTo(body);
    assertThat(seen.headers().get("User-Agent")).containsExactly("Crier-Webhooks/1.0");
    assertThat(seen.headers().get("Content-Type")).containsExactly("application/json");
    assertThat(seen.headers().get("Webhook-Signature")).containsExactly("v1,abc=");
    assertThat(names(seen.headers()))
        .containsExactlyInAnyOrder(
            "content-type",
            "user-agent",
            "webhook-id",
            "webhook-signature",
            "host",
            "content-length");
  }

  @Test
  void addsNoContentTypeOrUserAgentOfItsOwn() {
    sender.send(new HttpPost(receiver.url("/hook"), List.of(), new byte[] {1, 2, 3}, TEN_SECONDS));

    Received seen = receiver.only("/hook");
    assertThat(seen.body()).containsExactly(1, 2, 3);
    assertThat(names(seen.headers())).containsExactlyInAnyOrder("host", "content-length");
  }

  @Test
  void aRedirectIsAnAnswerAndIsNotFollowed() {
    SendResult result = sender.send(post("/moved"));

    assertThat(result).isInstanceOf(Answered.class);
    Answered answered = (Answered) result;
    assertThat(answered.status()).isEqualTo(302);
    assertThat(answered.headers())
        .contains(Map.entry("Location", receiver.url("/elsewhere").toString()));
    assertThat(receiver.hits("/elsewhere")).isZero();
  }

  @Test
  void anAuthenticationChallengeIsJustAnAnswer() {
    SendResult result = sender.send(post("/challenge"));

    assertThat(result).isInstanceOf(Answered.class);
    assertThat(((Answered) result).status()).isEqualTo(401);
    assertThat(((Answered) result).bodyStart()).hasSize(4096);
    assertThat(receiver.hits("/challenge")).isEqualTo(1);
  }

  @Test
  void keepsTheFirst4096BytesOfALongBody() {
    Answered answered = (Answered) sender.send(post("/long?bytes=10000"));

    assertThat(answered.status()).isEqualTo(200);
    assertThat(answered.bodyTruncated()).isTrue();
    assertThat(answered.bodyStart()).isEqualTo(Arrays.copyOf(Receiver.bytes(10_000), 4096));
  }

  @Test
  void aHugeBodyIsCutOffAndStillAnAnswer() {
    Answered answered = (Answered) sender.send(post("/long?bytes=5000000"));

    assertThat(answered.status()).isEqualTo(200);
    assertThat(answered.bodyTruncated()).isTrue();
    assertThat(answered.bodyStart()).isEqualTo(Arrays.copyOf(Receiver.bytes(10_000), 4096));
    assertThat(sender.send(post("/hook"))).isInstanceOf(Answered.class);
  }

  @Test
  void aBodyOfExactly4096BytesIsNotTruncated() {
    Answered answered = (Answered) sender.send(post("/long?bytes=4096"));

    assertThat(answered.bodyTruncated()).isFalse();
    assertThat(answered.bodyStart()).isEqualTo(Receiver.bytes(4096));
  }

  @Test
  void aSlowReceiverTimesOutAfterTheTotalTimeout() {
    SendResult result =
        sender.send(
            new HttpPost(receiver.url("/slow"), List.of(), new byte[0], Duration.ofMillis(300)));

    assertThat(result).isInstanceOf(Failed.class);
    Failed failed = (Failed) result;
    assertThat(failed.kind()).isEqualTo(Kind.TIMEOUT);
    assertThat(failed.error()).isEqualTo("no response within 300 ms");
    assertThat(failed.duration())
        .isGreaterThanOrEqualTo(Duration.ofMillis(300))
        .isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void aReceiverSlowerThanTheIdleTimeoutStillAnswersWithinTheTotalTimeout() {
    try (SendAttempt quickToDropIdle = new SendAttempt(true, 64, Duration.ofMillis(200))) {
      SendResult result = quickToDropIdle.send(post("/slow?ms=1000"));

      assertThat(result).isInstanceOf(Answered.class);
      assertThat(((Answered) result).status()).isEqualTo(200);
    }
  }

  @Test
  void aClosedPortIsAConnectionFailure() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    SendResult result =
        sender.send(
            new HttpPost(
                URI.create("http://127.0.0.1:" + port + "/hook"),
                List.of(),
                new byte[0],
                TEN_SECONDS));

    assertThat(result).isInstanceOf(Failed.class);
    assertThat(((Failed) result).kind()).isEqualTo(Kind.CONNECTION);
    assertThat(((Failed) result).error()).isEqualTo("connection refused: 127.0.0.1:" + port);
  }

  @Test
  void aReceiverThatHangsUpIsAConnectionFailure() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual()
          .start(
              () -> {
                try (var connection = socket.accept()) {
                  connection.getInputStream().read(new byte[1024]);
                } catch (IOException ignored) {
                  // the test's assertion tells
                }
              });
      URI url = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/hook");
      SendResult result = sender.send(new HttpPost(url, List.of(), "{}".getBytes(), TEN_SECONDS));

      assertThat(result).isInstanceOf(Failed.class);
      assertThat(((Failed) result).kind()).isEqualTo(Kind.CONNECTION);
      assertThat(((Failed) result).error())
          .isEqualTo(
              "connection closed by 127.0.0.1:" + socket.getLocalPort() + " before it answered");
    }
  }

  @Test
  void anUnknownHostIsAConnectionFailure() {
    SendResult result =
        sender.send(
            new HttpPost(
                URI.create("http://no-such-host.invalid/hook"),
                List.of(),
                new byte[0],
                TEN_SECONDS));

    assertThat(result).isInstanceOf(Failed.class);
    assertThat(((Failed) result).kind()).isEqualTo(Kind.CONNECTION);
    assertThat(((Failed) result).error())
        .startsWith("DNS lookup failed: ")
        .contains("no-such-host.invalid");
  }

  @Test
  void privateTargetsAreRefusedUnlessAllowedAndNothingIsSent() {
    try (SendAttempt guarded = new SendAttempt(false)) {
      SendResult result = guarded.send(post("/hook"));

      assertThat(result).isInstanceOf(Failed.class);
      assertThat(((Failed) result).kind()).isEqualTo(Kind.REFUSED_ADDRESS);
      assertThat(((Failed) result).error())
          .isEqualTo(
              "refused to connect to 127.0.0.1 (loopback); set CRIER_ALLOW_PRIVATE_TARGETS=true to"
                  + " allow private targets");
      SendResult byName =
          guarded.send(
              new HttpPost(
                  URI.create("http://localhost:" + receiver.port() + "/hook"),
                  List.of(),
                  new byte[0],
                  TEN_SECONDS));
      assertThat(((Failed) byName).kind()).isEqualTo(Kind.REFUSED_ADDRESS);
    }
    assertThat(receiver.hits("/hook")).isZero();
  }

  @Test
  void onlyHttpAndHttpsUrlsWithAHostAreSent() {
    for (String url :
        List.of("ftp://127.0.0.1/hook", "file:///etc/passwd", "http:///hook", "mailto:a@b.c")) {
      SendResult result =
          sender.send(new HttpPost(URI.create(url), List.of(), new byte[0], TEN_SECONDS));
      assertThat(result).as(url).isInstanceOf(Failed.class);
      assertThat(((Failed) result).kind()).as(url).isEqualTo(Kind.INVALID_URL);
    }
  }

  @Test
  void reusesItsConnection() {
    for (int i = 0; i < 20; i++) {
      assertThat(sender.send(post("/hook"))).isInstanceOf(Answered.class);
    }

    assertThat(receiver.hits("/hook")).isEqualTo(20);
    assertThat(receiver.remotePorts()).hasSizeLessThanOrEqualTo(2);
  }

  private HttpPost post(String path) {
    return new HttpPost(
        receiver.url(path),
        List.of(Map.entry("Content-Type", "application/json")),
        "{}".getBytes(),
        TEN_SECONDS);
  }

  private static Set<String> names(Headers headers) {
    Set<String> names = new TreeSet<>();
    for (String name : headers.keySet()) names.add(name.toLowerCase(Locale.ROOT));
    return names;
  }

  record Received(String method, String path, Headers headers, byte[] body, int remotePort) {}

  /** A real HTTP receiver on 127.0.0.1 that records every request it gets. */
  static final class Receiver {
    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    private HttpServer server;

    void start() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.createContext("/", this::handle);
      server.start();
    }

    void stop() {
      server.stop(0);
    }

    int port() {
      return server.getAddress().getPort();
    }

    URI url(String pathAndQuery) {
      return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    long hits(String path) {
      return received.stream().filter(r -> r.path().equals(path)).count();
    }

    Received only(String path) {
      assertThat(hits(path)).isEqualTo(1);
      return received.stream().filter(r -> r.path().equals(path)).findFirst().orElseThrow();
    }

    Set<Integer> remotePorts() {
      Set<Integer> ports = new TreeSet<>();
      for (Received r : received) ports.add(r.remotePort());
      return ports;
    }

    static byte[] bytes(int count) {
      byte[] bytes = new byte[count];
      new Random(42).nextBytes(bytes);
      return bytes;
    }

    private void handle(HttpExchange exchange) throws IOException {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().getPath();
      received.add(
          new Received(
              exchange.getRequestMethod(),
              path,
              exchange.getRequestHeaders(),
              body,
              exchange.getRemoteAddress().getPort()));
      switch (path) {
        case "/moved" -> {
          exchange.getResponseHeaders().add("Location", url("/elsewhere").toString());
          respond(exchange, 302, new byte[0]);
        }
        case "/challenge" -> {
          exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"hooks\"");
          respond(exchange, 401, bytes(100_000));
        }
        case "/long" -> {
          int count =
              Integer.parseInt(exchange.getRequestURI().getQuery().substring("bytes=".length()));
          respond(exchange, 200, bytes(count));
        }
        case "/slow" -> {
          String query = exchange.getRequestURI().getQuery();
          sleep(
              Duration.ofMillis(
                  query == null ? 2000 : Integer.parseInt(query.substring("ms=".length()))));
          respond(exchange, 200, "late".getBytes());
        }
        default -> respond(exchange, 200, "ok".getBytes());
      }
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
      exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
      try (var out = exchange.getResponseBody()) {
        out.write(body);
      } catch (IOException e) {
        // The client may stop reading a body it has no use for; that is not this receiver's
        // concern.
      }
    }

    private static void sleep(Duration duration) {
      try {
        Thread.sleep(duration);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
