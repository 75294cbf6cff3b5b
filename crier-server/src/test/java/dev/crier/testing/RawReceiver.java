package dev.crier.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.awaitility.Awaitility;

/**
 * A receiver that keeps each request's head exactly as the bytes arrived, for wire details that
 * HTTP servers normalise away (the case of header names). It answers every request 204 and
 * closes the connection, unless {@link #answer} gives it other bytes to answer with (for receivers
 * that break HTTP on purpose).
 */
public final class RawReceiver implements AutoCloseable {

  /** A request as sent: its request line, its header lines verbatim, and its body. */
  public record RawRequest(String requestLine, List<String> headerLines, byte[] body) {
    public String path() {
      return requestLine.split(" ")[1];
    }

    /** The header's name exactly as sent (found case-insensitively), or null. */
    public String nameAsSent(String name) {
      for (String line : headerLines) {
        String sent = line.substring(0, line.indexOf(':'));
        if (sent.equalsIgnoreCase(name)) return sent;
      }
      return null;
    }

    /** The value of the header (found case-insensitively), or null. */
    public String value(String name) {
      for (String line : headerLines) {
        int colon = line.indexOf(':');
        if (line.substring(0, colon).equalsIgnoreCase(name)) return line.substring(colon + 1).trim();
      }
      return null;
    }
  }

  private static final byte[] NO_CONTENT =
      "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private final ServerSocket server;
  private final List<RawRequest> requests = new CopyOnWriteArrayList<>();
  private volatile Function<RawRequest, byte[]> answers = request -> NO_CONTENT;

  private RawReceiver(ServerSocket server) {
    this.server = server;
  }

  public static RawReceiver start() {
    try {
      RawReceiver receiver = new RawReceiver(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
      Thread.ofVirtual().name("raw-receiver").start(receiver::accept);
      return receiver;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** From now on answers each request with exactly these bytes, then closes the connection. */
  public void answer(Function<RawRequest, byte[]> answers) {
    this.answers = answers;
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getLocalPort() + path;
  }

  public List<RawRequest> await(String path, int count, Duration timeout) {
    Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> requests(path).size() >= count);
    return requests(path);
  }

  public List<RawRequest> requests(String path) {
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
    try (socket;
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream()) {
      String head = readHead(in);
      if (head == null) return;
      List<String> lines = Arrays.asList(head.split("\r\n"));
      List<String> headers = lines.subList(1, lines.size());
      int length = 0;
      for (String line : headers) {
        if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) length = Integer.parseInt(line.substring(15).trim());
      }
      byte[] body = in.readNBytes(length);
      RawRequest request = new RawRequest(lines.get(0), List.copyOf(headers), body);
      requests.add(request);
      out.write(answers.apply(request));
      out.flush();
    } catch (IOException e) {
      // the sender went away; nothing to record
    }
  }

  /** The request line and headers, up to the empty line, as ISO-8859-1 text; null at end of stream. */
  public static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    int b;
    while ((b = in.read()) != -1) {
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, text.length() - 4);
      }
    }
    return null;
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
