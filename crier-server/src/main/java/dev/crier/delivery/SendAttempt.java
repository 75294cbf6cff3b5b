package dev.crier.delivery;

import dev.crier.delivery.SendResult.Answered;
import dev.crier.delivery.SendResult.Failed;
import dev.crier.delivery.SendResult.Failed.Kind;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpResponseException;
import org.eclipse.jetty.client.ProxyAuthenticationProtocolHandler;
import org.eclipse.jetty.client.RedirectProtocolHandler;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.WWWAuthenticationProtocolHandler;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * Sends one webhook POST and reports what came of it, over one shared, connection-reusing HTTP
 * client. It sends exactly the given headers and body bytes, never follows redirects, keeps at most
 * the first 4096 bytes of a response body and the first 100 response headers (8 KiB), fails an
 * answer whose headers exceed 64 KiB, enforces the request's total timeout, and connects only
 * to addresses the SSRF guard allows. Failures are reported as short stable sentences, never as
 * the HTTP client's own messages (which carry object dumps and local ports).
 *
 * <p>Thread-safe: one instance serves every sender; {@link #send} blocks its caller (meant to be a
 * virtual thread) until the exchange ends. {@link #close} stops the client.
 */
public final class SendAttempt implements AutoCloseable {
  public static final int DEFAULT_MAX_CONNECTIONS_PER_DESTINATION = 64;
  static final int BODY_CAP = 4096;
  /** Response headers read at most, in bytes and in number: more fails the attempt. */
  static final int HEADERS_READ_CAP = 64 * 1024;
  static final int HEADERS_READ_COUNT = 1000;
  /** Response headers kept (the first ones), by count and by bytes of names and values. */
  static final int HEADERS_KEPT = 100;
  static final int HEADER_BYTES_KEPT = 8 * 1024;
  // Past the cap we keep reading (and dropping) a moderately large body so the connection can be
  // reused; beyond this much we close it instead of streaming a huge body for nothing.
  private static final int DRAIN_LIMIT = 64 * 1024;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  // Below the 5 s keep-alive of Node's http server, the most common receiver, so we drop an idle
  // connection before the receiver does, rather than race it by reusing a connection it is closing.
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(4);

  private final HttpClient client = new HttpClient();

  public SendAttempt(boolean allowPrivate) {
    this(allowPrivate, DEFAULT_MAX_CONNECTIONS_PER_DESTINATION);
  }

  public SendAttempt(boolean allowPrivate, int maxConnectionsPerDestination) {
    this(allowPrivate, maxConnectionsPerDestination, IDLE_TIMEOUT);
  }

  SendAttempt(boolean allowPrivate, int maxConnectionsPerDestination, Duration idleTimeout) {
    // A platform-thread QueuedThreadPool rather than VirtualThreadPool: Jetty runs its selector
    // loop on this pool, blocked in Selector.select() for the client's whole life, which would
    // hold a carrier thread if run virtual; everything else it runs here is short non-blocking
    // I/O callbacks. The blocking parts (callers waiting in send, DNS lookups) are virtual threads.
    QueuedThreadPool threads = new QueuedThreadPool(64, 2);
    threads.setName("crier-send");
    threads.setDaemon(true);
    ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler("crier-send-timer", true);
    ThreadFactory lookups = Thread.ofVirtual().name("crier-dns-", 0).factory();
    Executor dns = task -> lookups.newThread(task).start();
    client.setExecutor(threads);
    client.setScheduler(scheduler);
    client.setSocketAddressResolver(
        new AddressGuard(dns, scheduler, CONNECT_TIMEOUT, allowPrivate));
    client.setFollowRedirects(false);
    client.setMaxConnectionsPerDestination(maxConnectionsPerDestination);
    // Senders are virtual threads, so bursts to one slow receiver queue deep; the total timeout,
    // which counts time spent queued, is what bounds them.
    client.setMaxRequestsQueuedPerDestination(64 * 1024);
    client.setConnectTimeout(CONNECT_TIMEOUT.toMillis());
    client.setIdleTimeout(idleTimeout.toMillis());
    // Unbounded by default: 20,000 headers of 1 KB were read, parsed and kept for one answer.
    // CappedBody stops at HEADERS_READ_CAP; this only backs it up (Jetty's own failure names the
    // response status as its code, and trips an assert when assertions are on).
    client.setMaxResponseHeadersSize(2 * HEADERS_READ_CAP);
    client.setHttpCookieStore(new HttpCookieStore.Empty());
    client.setUserAgentField(null);
    client.setDefaultRequestContentType(null); // else a POST without Content-Type gets octet-stream
    // Our response listener only copies bytes and completes a future, so Jetty may parse the
    // response and call it on the selector thread itself instead of handing each readable
    // connection to another pool thread: 13% less server CPU per delivery in the latency bench.
    client.getTransport().setInvocationType(InvocationType.NON_BLOCKING);
    try {
      client.start();
    } catch (Exception e) {
      throw new IllegalStateException("could not start the delivery HTTP client", e);
    }
    // Both are filled in by start(). Without decoders Jetty sends no Accept-Encoding and leaves
    // bodies as received; without these handlers it never answers a 401/407 or a 3xx itself.
    client.getContentDecoderFactories().clear();
    client.getProtocolHandlers().remove(WWWAuthenticationProtocolHandler.NAME);
    client.getProtocolHandlers().remove(ProxyAuthenticationProtocolHandler.NAME);
    client.getProtocolHandlers().remove(RedirectProtocolHandler.NAME);
  }

  /** Posts {@code post} and waits for the outcome; never throws for network trouble. */
  public SendResult send(HttpPost post) {
    long started = System.nanoTime();
    String invalid = invalidUrl(post.url());
    if (invalid != null) return new Failed(Kind.INVALID_URL, invalid, since(started));
    long timeoutMillis = Math.max(1, post.timeout().toMillis());
    CappedBody body = new CappedBody();
    Request request =
        client
            .newRequest(post.url())
            .method(HttpMethod.POST)
            .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
            // The per-request idle timeout defaults to the client's; only the total one applies.
            .idleTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
            .headers(
                fields -> {
                  fields.clear();
                  for (Map.Entry<String, String> h : post.headers())
                    fields.add(h.getKey(), h.getValue());
                })
            .body(new BytesRequestContent((String) null, post.body()));
    request.send(body);
    Result result;
    try {
      // Jetty completes every exchange by the total timeout; the margin only guards against a bug.
      result = body.done.get(timeoutMillis + 5_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      request.abort(e);
      Thread.currentThread().interrupt();
      return new Failed(Kind.CONNECTION, "interrupted before an answer arrived", since(started));
    } catch (ExecutionException | TimeoutException e) {
      request.abort(e);
      return new Failed(
          Kind.TIMEOUT, "no response within " + human(post.timeout()), since(started));
    }
    Throwable failure = result.getFailure();
    if (failure == null || find(failure, BodyCapReached.class) != null) {
      return body.answered(result.getResponse(), since(started));
    }
    return failed(post, failure, since(started));
  }

  @Override
  public void close() {
    try {
      client.stop();
    } catch (Exception e) {
      throw new IllegalStateException("could not stop the delivery HTTP client", e);
    }
  }

  private static String invalidUrl(URI url) {
    String scheme = url.getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
      return "not an http or https URL: " + url;
    }
    if (url.getHost() == null || url.getHost().isEmpty()) return "URL has no host: " + url;
    return null;
  }

  private static Failed failed(HttpPost post, Throwable failure, Duration took) {
    RefusedAddressException refused = find(failure, RefusedAddressException.class);
    if (refused != null) return new Failed(Kind.REFUSED_ADDRESS, refused.getMessage(), took);
    if (find(failure, TimeoutException.class) != null) {
      return new Failed(Kind.TIMEOUT, "no response within " + human(post.timeout()), took);
    }
    if (find(failure, SocketTimeoutException.class) != null) {
      return new Failed(Kind.TIMEOUT, "could not connect within " + human(CONNECT_TIMEOUT), took);
    }
    String target = post.url().getHost() + ":" + port(post.url());
    if (find(failure, ConnectException.class) != null) {
      return new Failed(Kind.CONNECTION, "connection refused: " + target, took);
    }
    UnknownHostException unknown = find(failure, UnknownHostException.class);
    if (unknown != null) {
      return new Failed(Kind.CONNECTION, "DNS lookup failed: " + post.url().getHost(), took);
    }
    HeadersTooLarge tooLarge = find(failure, HeadersTooLarge.class);
    if (tooLarge != null) return new Failed(Kind.CONNECTION, tooLarge.getMessage(), took);
    HttpException bad = find(failure, HttpException.class);
    if (bad != null && String.valueOf(bad.getReason()).contains("Too Large")) {
      return new Failed(Kind.CONNECTION, HeadersTooLarge.BYTES, took);
    }
    if (bad != null || find(failure, HttpResponseException.class) != null) {
      return new Failed(Kind.CONNECTION, "invalid HTTP response from " + target, took);
    }
    if (find(failure, SSLException.class) != null) {
      String why = find(failure, CertificateException.class) != null ? " (certificate not accepted)" : "";
      return new Failed(Kind.CONNECTION, "TLS handshake with " + target + " failed" + why, took);
    }
    if (find(failure, EOFException.class) != null || find(failure, ClosedChannelException.class) != null) {
      return new Failed(
          Kind.CONNECTION, "connection closed by " + target + " before it answered", took);
    }
    if (find(failure, SocketException.class) != null) {
      return new Failed(Kind.CONNECTION, "connection reset by " + target, took);
    }
    // Anything else: a stable sentence; the client's own message names internal objects and ports.
    return new Failed(
        Kind.CONNECTION, "connection to " + target + " failed (" + failure.getClass().getSimpleName() + ")", took);
  }

  private static int port(URI url) {
    if (url.getPort() != -1) return url.getPort();
    return url.getScheme().equalsIgnoreCase("https") ? 443 : 80;
  }

  private static <T> T find(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) return type.cast(t);
    }
    return null;
  }

  static String human(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
  }

  private static Duration since(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  /** Signals, through Jetty's abort, that we stopped reading a body we had no use for. */
  private static final class BodyCapReached extends Exception {
    BodyCapReached() {
      super(
          "response body longer than " + DRAIN_LIMIT + " bytes; connection closed",
          null,
          false,
          false);
    }
  }

  /** Signals, through Jetty's abort, that the response's headers passed what we read. */
  private static final class HeadersTooLarge extends Exception {
    static final String BYTES = "response headers larger than " + HEADERS_READ_CAP / 1024 + " KiB";
    static final String COUNT = "more than " + HEADERS_READ_COUNT + " response headers";

    HeadersTooLarge(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Keeps the first {@link #BODY_CAP} bytes of the body and drops the rest; unlike Jetty's
   * BufferingResponseListener it does not fail the exchange when the body is longer. It fails the
   * exchange once the headers pass {@link #HEADERS_READ_CAP} or {@link #HEADERS_READ_COUNT}, as
   * they are parsed, so a flood of them is neither read on nor kept. Jetty calls it
   * on one thread at a time (its selector thread: the client is NON_BLOCKING, so nothing here may
   * block) and the future, which has no dependent stages, hands the result to the waiting sender.
   */
  private static final class CappedBody implements Response.Listener {
    final CompletableFuture<Result> done = new CompletableFuture<>();
    private final byte[] start = new byte[BODY_CAP];
    private long received;
    private int headerCount;
    private long headerBytes;

    @Override
    public boolean onHeader(Response response, HttpField field) {
      headerCount++;
      headerBytes += field.getName().length() + (field.getValue() == null ? 0 : field.getValue().length()) + 4;
      if (headerBytes > HEADERS_READ_CAP || headerCount > HEADERS_READ_COUNT) {
        response.abort(new HeadersTooLarge(headerBytes > HEADERS_READ_CAP ? HeadersTooLarge.BYTES : HeadersTooLarge.COUNT));
        return false;
      }
      return true;
    }

    @Override
    public void onContent(Response response, ByteBuffer content) {
      int length = content.remaining();
      int keep = (int) Math.min(length, Math.max(0, BODY_CAP - received));
      content.get(start, (int) Math.min(received, BODY_CAP), keep);
      received += length;
      if (received > DRAIN_LIMIT) response.abort(new BodyCapReached());
    }

    @Override
    public void onComplete(Result result) {
      done.complete(result);
    }

    Answered answered(Response response, Duration took) {
      List<Map.Entry<String, String>> headers = new ArrayList<>();
      int bytes = 0;
      for (HttpField field : response.getHeaders()) {
        String name = ShownBytes.ofHeader(field.getName());
        String value = ShownBytes.ofHeader(Objects.requireNonNullElse(field.getValue(), ""));
        bytes += name.length() + value.length();
        if (headers.size() == HEADERS_KEPT || bytes > HEADER_BYTES_KEPT) break;
        headers.add(Map.entry(name, value));
      }
      int kept = (int) Math.min(received, BODY_CAP);
      return new Answered(
          response.getStatus(),
          List.copyOf(headers),
          Arrays.copyOf(start, kept),
          received > BODY_CAP,
          took);
    }
  }
}
