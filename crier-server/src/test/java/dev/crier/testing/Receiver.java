package dev.crier.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.awaitility.Awaitility;
import tools.jackson.databind.JsonNode;

/**
 * A real HTTP receiver on 127.0.0.1 for tests: records every request (headers, exact body bytes,
 * time) and answers as the test tells it to.
 */
public final class Receiver implements AutoCloseable {

  /** A request as received; header names are lowercase. */
  public record Request(String path, Map<String, String> headers, byte[] body, Instant at) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public JsonNode json() {
      return Api.JSON.readTree(body);
    }
  }

  /** An answer: status, headers, body, and how long to wait before giving it. */
  public record Reply(int status, Map<String, String> headers, String body, Duration delay) {
    public static Reply status(int status) {
      return new Reply(status, Map.of(), "", Duration.ZERO);
    }

    public Reply withHeader(String name, String value) {
      Map<String, String> more = new LinkedHashMap<>(headers);
      more.put(name, value);
      return new Reply(status, more, body, delay);
    }

    public Reply withBody(String text) {
      return new Reply(status, headers, text, delay);
    }

    public Reply after(Duration wait) {
      return new Reply(status, headers, body, wait);
    }
  }

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final Map<String, AtomicInteger> inFlightByPath = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> maxByPath = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile Function<Request, Reply> responder = r -> Reply.status(204);

  private Receiver(HttpServer server) {
    this.server = server;
  }

  public static Receiver start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
      Receiver receiver = new Receiver(server);
      server.createContext("/", receiver::handle);
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.start();
      return receiver;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  public void respond(Function<Request, Reply> responder) {
    this.responder = responder;
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** Requests to one path, in arrival order. */
  public List<Request> requests(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).toList();
  }

  /** Waits until at least {@code count} requests reached {@code path}. */
  public List<Request> await(String path, int count, Duration timeout) {
    Awaitility.await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> requests(path).size() >= count);
    return requests(path);
  }

  /** The most requests that were being answered at the same moment. */
  public int maxConcurrent() {
    return maxInFlight.get();
  }

  /** The most requests to {@code path} that were being answered at the same moment. */
  public int maxConcurrent(String path) {
    AtomicInteger max = maxByPath.get(path);
    return max == null ? 0 : max.get();
  }

  public void reset() {
    requests.clear();
    maxInFlight.set(0);
    maxByPath.clear();
  }

  private void handle(HttpExchange exchange) throws IOException {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    String path = exchange.getRequestURI().getPath();
    AtomicInteger onPath = inFlightByPath.computeIfAbsent(path, k -> new AtomicInteger());
    int nowOnPath = onPath.incrementAndGet();
    maxByPath.computeIfAbsent(path, k -> new AtomicInteger()).accumulateAndGet(nowOnPath, Math::max);
    boolean counted = true;
    try (InputStream in = exchange.getRequestBody(); OutputStream out = exchange.getResponseBody()) {
      Map<String, String> headers = new LinkedHashMap<>();
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
      Request request = new Request(exchange.getRequestURI().getPath(), headers, in.readAllBytes(), Instant.now());
      requests.add(request);
      Reply reply = responder.apply(request);
      if (!reply.delay().isZero()) Thread.sleep(reply.delay().toMillis());
      // The sender may start its next request the moment the answer is out, so this request
      // stops counting as in flight before it is answered.
      inFlight.decrementAndGet();
      onPath.decrementAndGet();
      counted = false;
      reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
      if (body.length > 0) out.write(body);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (counted) {
        inFlight.decrementAndGet();
        onPath.decrementAndGet();
      }
      exchange.close();
    }
  }

  /** The requests with repeats (same webhook-id) dropped, keeping the first of each. */
  public static List<Request> withoutRepeats(List<Request> requests) {
    List<Request> unique = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Request r : requests) if (seen.add(r.header("webhook-id"))) unique.add(r);
    return unique;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
