package dev.crier.bench;

import java.nio.ByteBuffer;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** The receiver on a bare Jetty server with a non-blocking handler: no servlet, no framework. */
final class JettyReceiver extends Receiver {
  private final Server server;
  private final ServerConnector connector;
  private final String subjectHeader;

  JettyReceiver(String brand) {
    this.subjectHeader = "X-" + brand + "-BroadcastSubject";
    QueuedThreadPool threads = new QueuedThreadPool(64, 4);
    threads.setName("bench-receiver");
    threads.setDaemon(true);
    server = new Server(threads);
    connector = new ServerConnector(server);
    connector.setHost(loopback().getHostAddress());
    connector.setPort(0);
    connector.setAcceptQueueSize(1024);
    server.addConnector(connector);
    server.setHandler(new Receive());
    try {
      server.start();
    } catch (Exception e) {
      throw new IllegalStateException("could not start the bench receiver", e);
    }
  }

  @Override
  int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      // stopping at the end of a run; nothing to do about it
    }
  }

  private final class Receive extends Handler.Abstract.NonBlocking {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      new Reading(request, response, callback).run();
      return true;
    }
  }

  /** Reads the body chunk by chunk without blocking, keeping its first bytes. */
  private final class Reading implements Runnable {
    private final Request request;
    private final Response response;
    private final Callback callback;
    private final byte[] head = new byte[HEAD];
    private int length;

    Reading(Request request, Response response, Callback callback) {
      this.request = request;
      this.response = response;
      this.callback = callback;
    }

    @Override
    public void run() {
      while (true) {
        Content.Chunk chunk = request.read();
        if (chunk == null) {
          request.demand(this);
          return;
        }
        if (Content.Chunk.isFailure(chunk)) {
          callback.failed(chunk.getFailure());
          return;
        }
        ByteBuffer bytes = chunk.getByteBuffer();
        int keep = Math.min(bytes.remaining(), HEAD - length);
        bytes.get(head, length, keep);
        length += keep;
        boolean last = chunk.isLast();
        chunk.release();
        if (last) {
          String path = request.getHttpURI().getPath();
          String subject = request.getHeaders().get(subjectHeader);
          response.setStatus(dispatch(path, head, length, subject, System.nanoTime()));
          callback.succeeded();
          return;
        }
      }
    }
  }
}
