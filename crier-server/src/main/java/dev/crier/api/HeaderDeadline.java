package dev.crier.api;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * Cuts off clients that trickle a request's headers: Jetty's idle timeout restarts with every
 * byte, so one byte every few seconds would hold a connection (and, times hundreds, the server)
 * for ever. A connection still inside the same request's headers at two checks in a row is
 * closed, so headers must arrive within {@code deadline} to {@code 2 x deadline}. Bodies and
 * long answers (a relay's event stream) are not affected: only the header phase is timed.
 */
final class HeaderDeadline implements Connection.Listener, AutoCloseable {
  /** What a connection looked like at the last check: in headers, and after how many requests. */
  private record Seen(boolean inHeaders, long requests) {}

  private final Duration deadline;
  private final Map<HttpConnection, Seen> open = new ConcurrentHashMap<>();
  private final ScheduledExecutorService checks =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon(true).name("crier-header-deadline").factory());

  HeaderDeadline(Duration deadline) {
    this.deadline = deadline;
    checks.scheduleWithFixedDelay(this::check, deadline.toMillis(), deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Times every connection of the server's connectors, which also get {@code idleTimeout}. */
  void watch(Server server, Duration idleTimeout) {
    for (Connector connector : server.getConnectors()) {
      if (connector instanceof ServerConnector c) c.setIdleTimeout(idleTimeout.toMillis());
      connector.addBean(this);
    }
  }

  @Override
  public void onOpened(Connection connection) {
    if (connection instanceof HttpConnection http) open.put(http, new Seen(false, 0));
  }

  @Override
  public void onClosed(Connection connection) {
    open.remove(connection);
  }

  private void check() {
    open.replaceAll((connection, before) -> {
      var parser = connection.getParser();
      boolean inHeaders = !parser.isStart() && parser.inHeaderState();
      long requests = connection.getMessagesIn();
      if (inHeaders && before.inHeaders() && before.requests() == requests) {
        connection.getEndPoint().close(); // the same headers for a whole deadline
      }
      return new Seen(inHeaders, requests);
    });
  }

  @Override
  public void close() {
    checks.shutdownNow();
    open.clear();
  }
}
