package dev.crier.storage;

import dev.crier.delivery.Signals;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Signals} over PostgreSQL {@code LISTEN/NOTIFY}. Sending goes through the pool on a
 * thread of its own (so a commit never waits for it); listening holds one dedicated connection,
 * outside the pool, polled with {@code getNotifications(timeout)}, and reconnects by itself when
 * the server goes away. Payloads are {@code <node> <id> <id> ...}, under PostgreSQL's 8000 bytes.
 */
public final class PgSignals implements Signals {
  private static final Logger log = LoggerFactory.getLogger(PgSignals.class);
  private static final String WORK = "crier_work";
  private static final String CHANGES = "crier_changes";
  private static final int MAX_PAYLOAD = 7_000;
  private static final int POLL_MILLIS = 250;
  /** A silent connection is probed this often, so a dead server (no RST) is noticed too. */
  private static final long PROBE_NANOS = 5_000_000_000L;

  private record Message(String channel, String payload) {}

  private final Database db;
  private final String url;
  private final Properties credentials = new Properties();
  private final String node;
  private final LinkedBlockingQueue<Message> outbox = new LinkedBlockingQueue<>(10_000);
  private final Thread sender;
  private volatile Thread listener;
  private volatile boolean open = true;

  public PgSignals(Database db, String url, String user, String password, String node) {
    this.db = db;
    this.url = url;
    this.node = node;
    if (user != null) credentials.setProperty("user", user);
    if (password != null) credentials.setProperty("password", password);
    credentials.setProperty("ApplicationName", "crier-listen");
    credentials.setProperty("tcpKeepAlive", "true");
    this.sender = Thread.ofPlatform().name("crier-notify").daemon(true).start(this::send);
  }

  @Override
  public void announceWork(Collection<String> subscriptionIds) {
    StringBuilder payload = new StringBuilder(node);
    for (String id : subscriptionIds) {
      if (payload.length() + id.length() + 1 > MAX_PAYLOAD) {
        offer(new Message(WORK, payload.toString()));
        payload = new StringBuilder(node);
      }
      payload.append(' ').append(id);
    }
    if (payload.length() > node.length()) offer(new Message(WORK, payload.toString()));
  }

  @Override
  public void announceChange(String subscriptionId) {
    offer(new Message(CHANGES, node + " " + subscriptionId));
  }

  private void offer(Message m) {
    // A full outbox means the database is down or slow; the backstops will find the work.
    if (!outbox.offer(m)) log.debug("notification dropped: outbox full");
  }

  private void send() {
    List<Message> batch = new ArrayList<>();
    while (open || !outbox.isEmpty()) {
      try {
        Message first = outbox.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) continue;
        batch.add(first);
        outbox.drainTo(batch, 99);
        db.withHandle(
            h -> {
              for (Message m : batch) {
                h.createQuery("SELECT pg_notify(:channel, :payload)")
                    .bind("channel", m.channel())
                    .bind("payload", m.payload())
                    .mapTo(String.class)
                    .findOne();
              }
              return null;
            });
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.debug("sending {} notifications failed: {}", batch.size(), e.toString());
      } finally {
        batch.clear();
      }
    }
  }

  @Override
  public void listen(Handler handler) {
    listener = Thread.ofPlatform().name("crier-listen").daemon(true).start(() -> listenLoop(handler));
  }

  private void listenLoop(Handler handler) {
    long backoff = 250;
    while (open) {
      try (Connection c = DriverManager.getConnection(url, credentials)) {
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + WORK);
          s.execute("LISTEN " + CHANGES);
        }
        backoff = 250;
        handler.connected();
        poll(c, handler);
      } catch (SQLException | RuntimeException e) {
        if (!open) return;
        log.warn("listening for cluster notifications failed, reconnecting in {} ms: {}", backoff, e.toString());
      }
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException e) {
        return;
      }
      backoff = Math.min(backoff * 2, 5_000);
    }
  }

  private void poll(Connection c, Handler handler) throws SQLException {
    PGConnection pg = c.unwrap(PGConnection.class);
    long lastHeard = System.nanoTime();
    while (open) {
      PGNotification[] notes = pg.getNotifications(POLL_MILLIS);
      if (notes != null && notes.length > 0) {
        lastHeard = System.nanoTime();
        for (PGNotification n : notes) dispatch(n, handler);
      } else if (System.nanoTime() - lastHeard > PROBE_NANOS) {
        try (Statement s = c.createStatement()) {
          s.execute("SELECT 1");
        }
        lastHeard = System.nanoTime();
      }
    }
  }

  private void dispatch(PGNotification n, Handler handler) {
    List<String> words = Arrays.asList(n.getParameter().split(" "));
    if (words.size() < 2) return;
    String from = words.get(0);
    List<String> ids = words.subList(1, words.size());
    try {
      if (n.getName().equals(CHANGES)) ids.forEach(handler::changed);
      else if (n.getName().equals(WORK) && !from.equals(node)) handler.work(ids);
    } catch (RuntimeException e) {
      log.warn("handling a cluster notification failed: {}", e.toString());
    }
  }

  /** Stops listening, and sends what is queued (the leases given back at a stop) first. */
  @Override
  public void close() {
    open = false;
    try {
      sender.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Thread l = listener;
    if (l != null) l.interrupt();
  }
}
