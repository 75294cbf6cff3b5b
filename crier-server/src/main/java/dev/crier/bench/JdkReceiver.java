package dev.crier.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The receiver on the JDK's HttpServer, one virtual thread per exchange. */
final class JdkReceiver extends Receiver {
  private final HttpServer server;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final String subjectHeader;

  JdkReceiver(String brand) {
    this.subjectHeader = "X-" + brand + "-BroadcastSubject";
    try {
      server = HttpServer.create(new InetSocketAddress(loopback(), 0), 1024);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the bench receiver", e);
    }
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] head = new byte[HEAD];
    int length = 0;
    try (InputStream in = exchange.getRequestBody()) {
      int n;
      while (length < HEAD && (n = in.read(head, length, HEAD - length)) > 0) length += n;
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    String subject = exchange.getRequestHeaders().getFirst(subjectHeader);
    int status = dispatch(exchange.getRequestURI().getPath(), head, length, subject, System.nanoTime());
    exchange.sendResponseHeaders(status, -1);
    exchange.close();
  }

  @Override
  int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
