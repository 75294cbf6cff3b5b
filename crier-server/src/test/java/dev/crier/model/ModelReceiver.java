package dev.crier.model;

import dev.crier.testing.RawReceiver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The model test's receiver: a plain socket server, so that it can answer with bytes no HTTP
 * server would write (garbage, a NUL in the body) and hold a request until the sender gives up.
 * Each path answers in its own {@link Mode}. A request counts as in flight from its arrival until
 * the answer starts or the sender closes the connection (its timeout), which is what "one in
 * flight" means from the receiver's side.
 */
final class ModelReceiver implements AutoCloseable {

  /** How a path answers. */
  enum Mode {
    OK,
    FAIL,
    TIMEOUT,
    GARBAGE,
    NUL_BODY
  }

  /** A request as received: arrival order, time (nanoTime), head, body, what it was answered. */
  record Request(
      int index, String path, long arrivedAt, Map<String, String> headers, byte[] body, int inFlightBefore, Mode answer) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    boolean answered2xx() {
      return answer == Mode.OK || answer == Mode.NUL_BODY;
    }
  }

  private final ServerSocket server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, Mode> modes = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  private final AtomicInteger arrivals = new AtomicInteger();
  private final Object arrivalLock = new Object();
  private static final Duration SETTLE = Duration.ofMillis(150);
  private static final Duration HOLD = Duration.ofSeconds(2);

  private ModelReceiver(ServerSocket server) {
    this.server = server;
  }

  static ModelReceiver start() {
    try {
      ModelReceiver receiver = new ModelReceiver(new ServerSocket(0, 200, InetAddress.getLoopbackAddress()));
      Thread.ofVirtual().name("model-receiver").start(receiver::accept);
      return receiver;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getLocalPort() + path;
  }

  void mode(String path, Mode mode) {
    modes.put(path, mode);
  }

  void allModes(Mode mode) {
    modes.replaceAll((p, m) -> mode);
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  List<Request> requests(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).toList();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        Thread.ofVirtual().start(() -> answer(socket));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void answer(Socket socket) {
    String path = null;
    AtomicInteger counter = null;
    boolean counted = false;
    try (socket;
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream()) {
      String head = RawReceiver.readHead(in);
      if (head == null) return;
      long arrivedAt = System.nanoTime(); // before the settle below, which may hold this request a while
      String[] lines = head.split("\r\n");
      path = lines[0].split(" ")[1];
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
      int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
      byte[] body = in.readNBytes(length);
      Mode mode = modes.getOrDefault(path, Mode.OK);
      counter = inFlight.computeIfAbsent(path, k -> new AtomicInteger());
      settle(counter);
      synchronized (arrivalLock) {
        int before = counter.getAndIncrement();
        counted = true;
        requests.add(new Request(arrivals.getAndIncrement(), path, arrivedAt, headers, body, before, mode));
      }
      switch (mode) {
        case OK -> {
          counted = release(counter);
          write(out, "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
        }
        case FAIL -> {
          counted = release(counter);
          write(out, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\nConnection: close\r\n\r\noops");
        }
        case NUL_BODY -> {
          counted = release(counter);
          write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 7\r\nConnection: close\r\n\r\nok\u0000nul!");
        }
        case GARBAGE -> {
          counted = release(counter);
          out.write(new byte[] {0, (byte) 0xff, 'G', 'A', 'R', 'B', 0x7f, '\r', '\n', '\r', '\n', 1, 2, 3});
          out.flush();
        }
        case TIMEOUT -> {
          holdUntilSenderGivesUp(socket, in);
          counted = release(counter);
          write(out, "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
        }
      }
    } catch (IOException e) {
      // the sender went away
    } finally {
      if (counted) counter.decrementAndGet();
    }
  }

  /**
   * A held request whose sender gave up is noticed within a few milliseconds; a retry can come
   * sooner than that, so a new arrival gives the held ones that long before counting them.
   */
  private static void settle(AtomicInteger counter) throws IOException {
    long until = System.nanoTime() + SETTLE.toNanos();
    while (counter.get() > 0 && System.nanoTime() < until) {
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
  }

  private static boolean release(AtomicInteger counter) {
    counter.decrementAndGet();
    return false;
  }

  /** Waits until the sender closes the connection (its timeout) or the hold time passes. */
  private void holdUntilSenderGivesUp(Socket socket, InputStream in) throws IOException {
    long until = System.nanoTime() + HOLD.toNanos();
    socket.setSoTimeout(5);
    while (System.nanoTime() < until) {
      try {
        if (in.read() == -1) return;
      } catch (SocketTimeoutException e) {
        // still there
      }
    }
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
