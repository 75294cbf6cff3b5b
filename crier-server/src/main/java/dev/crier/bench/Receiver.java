package dev.crier.bench;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The bench's HTTP receiver on 127.0.0.1: every POST to {@code /<route>/<hook>} is handed, with the
 * first bytes of its body and the time it arrived, to the sink registered for that route, which
 * says what status to answer (204 normally). Two implementations, so their speed can be compared:
 * {@link JettyReceiver} (the default, the faster one here) and {@link JdkReceiver}.
 *
 * <p>Thread-safe.
 */
abstract class Receiver implements AutoCloseable {
  /** How many body bytes a sink sees: the event id sits in the first few dozen. */
  static final int HEAD = 512;

  /** What the receiver does with one request; called on the receiver's threads, concurrently. */
  @FunctionalInterface
  interface Sink {
    /**
     * @param hook the number after the route in the path
     * @param head the first bytes of the body (at most {@link #HEAD})
     * @param length how many bytes of {@code head} are valid
     * @param subject the broadcast subject header, when the request has one
     * @param nanos {@link System#nanoTime()} when the request was complete
     * @return the status to answer
     */
    int receive(int hook, byte[] head, int length, String subject, long nanos);
  }

  enum Kind {
    JETTY,
    JDK
  }

  private final AtomicReferenceArray<Sink> routes = new AtomicReferenceArray<>(256);
  private final AtomicInteger nextRoute = new AtomicInteger(1);

  static Receiver start(Kind kind, String brand) {
    return switch (kind) {
      case JETTY -> new JettyReceiver(brand);
      case JDK -> new JdkReceiver(brand);
    };
  }

  static InetAddress loopback() {
    return InetAddress.getLoopbackAddress();
  }

  abstract int port();

  /** The base URL webhooks are pointed at: {@code http://127.0.0.1:<port>/<route>/}. */
  String url(int route) {
    return "http://127.0.0.1:" + port() + "/" + route + "/";
  }

  /** Registers a sink and returns its route number. */
  int route(Sink sink) {
    int route = nextRoute.getAndIncrement();
    routes.set(route % routes.length(), sink);
    return route;
  }

  void unroute(int route) {
    routes.set(route % routes.length(), null);
  }

  /** Dispatches one request; 404 for a path no sink owns. */
  protected int dispatch(String path, byte[] head, int length, String subject, long nanos) {
    int route = 0;
    int hook = 0;
    int i = 1;
    int n = path.length();
    while (i < n && path.charAt(i) != '/') route = route * 10 + (path.charAt(i++) - '0');
    i++;
    while (i < n && path.charAt(i) >= '0' && path.charAt(i) <= '9') hook = hook * 10 + (path.charAt(i++) - '0');
    Sink sink = route > 0 ? routes.get(route % routes.length()) : null;
    return sink == null ? 404 : sink.receive(hook, head, length, subject, nanos);
  }

  @Override
  public abstract void close();
}
