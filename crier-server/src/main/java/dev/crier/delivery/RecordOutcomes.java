package dev.crier.delivery;

import dev.crier.event.CommitRider;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes delivery outcomes in batches: one transaction for everything recorded in the last few
 * milliseconds, instead of one per delivery. A lane may send its next delivery before the
 * previous outcome is written; a crash in between resends that delivery (at-least-once).
 *
 * <p>On PostgreSQL it writes on its own thread. On SQLite, which has one writer, it rides in the
 * publish committer's transactions instead ({@link CommitRider}), so the two never wait for each
 * other in SQLite's busy handler; once the committer stops it writes on its own again.
 *
 * <p>The queue is bounded: when the database cannot keep up (or is down), lanes block here
 * rather than growing memory. A failed write is retried until it succeeds; nothing is dropped.
 */
final class RecordOutcomes implements AutoCloseable, CommitRider {
  private static final Logger log = LoggerFactory.getLogger(RecordOutcomes.class);
  private static final int CAPACITY = 20_000;
  private static final int BATCH = 1_000;
  /**
   * How long outcomes may wait to ride in a publish commit. Nobody waits for them (a lane sends its
   * next delivery at once), and writing a few hundred together touches each page once instead of
   * once per commit: on SQLite the pages a commit writes, not its rows, are most of its cost.
   */
  static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(25);
  /** A failed write is tried again after this, doubling up to {@link #MAX_BACKOFF_MILLIS}. */
  private static final long FIRST_BACKOFF_MILLIS = 100;
  private static final long MAX_BACKOFF_MILLIS = 5_000;

  private record Barrier(CompletableFuture<Void> done) {}

  private final DeliveryStore store;
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>(CAPACITY);
  /** Taken for a joint transaction that rolled back: written first next time. */
  private final List<Object> carried = new ArrayList<>();
  /** After a joint transaction rolled back: not before this ({@link System#nanoTime}), backing off. */
  private long retryAt;
  private long backoffMillis = FIRST_BACKOFF_MILLIS;
  /** Set while the publish committer takes the writes. */
  private volatile Runnable wake;
  /** When the oldest outcome now queued was added (0: none); a benign race at worst ends a linger early. */
  private volatile long queuedSince;
  /** Flushes waiting: they end the linger. */
  private final AtomicInteger barriers = new AtomicInteger();
  private Thread thread;
  private volatile boolean open = true;

  RecordOutcomes(DeliveryStore store) {
    this.store = store;
  }

  /** Starts writing on its own thread, unless the publish committer took the writes over. */
  synchronized void start() {
    if (wake == null && thread == null && open) thread = Thread.ofPlatform().name("crier-record").daemon(true).start(this::run);
  }

  @Override
  public synchronized void attach(Runnable wake) {
    if (thread != null) throw new IllegalStateException("outcomes are already written on their own thread");
    this.wake = wake;
  }

  @Override
  public synchronized void detach() {
    wake = null;
    start();
  }

  void add(Outcome outcome) {
    put(outcome);
  }

  /** Returns once everything added before this call is written. */
  void flush() {
    Barrier barrier = new Barrier(new CompletableFuture<>());
    barriers.incrementAndGet();
    put(barrier);
    try {
      barrier.done.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("outcomes were not written in time", e);
    }
  }

  private void put(Object item) {
    try {
      queue.put(item);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while recording an outcome", e);
    }
    boolean first = queuedSince == 0;
    if (first) queuedSince = System.nanoTime();
    Runnable w = wake;
    // the first outcome starts the committer's linger clock; a flush or a full batch ends it
    if (w != null && (first || item instanceof Barrier || queue.size() >= BATCH)) w.run();
  }

  @Override
  public long waitNanos() {
    long since = queuedSince;
    if (since == 0 && carried.isEmpty()) return Long.MAX_VALUE;
    if (due()) return 0;
    long at = carried.isEmpty() ? since + LINGER_NANOS : retryAt;
    return Math.max(1, at - System.nanoTime());
  }

  private boolean due() {
    if (!carried.isEmpty()) return System.nanoTime() - retryAt >= 0;
    long since = queuedSince;
    return barriers.get() > 0 || queue.size() >= BATCH
        || (since != 0 && System.nanoTime() - since >= LINGER_NANOS);
  }

  @Override
  public Load take() {
    if (!due()) return null;
    queuedSince = 0;
    List<Object> batch = drain(null);
    if (!queue.isEmpty()) queuedSince = System.nanoTime(); // more than a batch waits: it is due soon
    if (batch.isEmpty()) return null;
    List<Outcome> outcomes = outcomesOf(batch);
    return new Load() {
      @Override
      public void write() {
        store.record(outcomes);
      }

      @Override
      public void committed() {
        backoffMillis = FIRST_BACKOFF_MILLIS;
        released(batch);
      }

      @Override
      public void rolledBack() {
        carried.addAll(0, batch);
        retryAt = System.nanoTime() + backoffMillis * 1_000_000;
        backoffMillis = longer(backoffMillis);
      }
    };
  }

  /** What was carried over, then the first queued item (waited for when given) and the rest. */
  private List<Object> drain(Object first) {
    List<Object> batch = new ArrayList<>(carried);
    carried.clear();
    if (first != null) batch.add(first);
    if (batch.size() < BATCH) queue.drainTo(batch, BATCH - batch.size());
    return batch;
  }

  private void run() {
    while (open || !queue.isEmpty() || !carried.isEmpty()) {
      try {
        Object first = carried.isEmpty() ? queue.poll(100, TimeUnit.MILLISECONDS) : null;
        if (first == null && carried.isEmpty()) continue;
        write(drain(first));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void write(List<Object> batch) throws InterruptedException {
    List<Outcome> outcomes = outcomesOf(batch);
    long backoff = FIRST_BACKOFF_MILLIS;
    while (true) {
      try {
        store.record(outcomes);
        break;
      } catch (RuntimeException e) {
        log.warn("recording {} outcomes failed, retrying in {} ms: {}", outcomes.size(), backoff, e.toString());
        Thread.sleep(backoff);
        backoff = longer(backoff);
      }
    }
    released(batch);
  }

  private static long longer(long backoffMillis) {
    return Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS);
  }

  private static List<Outcome> outcomesOf(List<Object> batch) {
    List<Outcome> outcomes = new ArrayList<>(batch.size());
    for (Object item : batch) if (item instanceof Outcome outcome) outcomes.add(outcome);
    return outcomes;
  }

  private void released(List<Object> batch) {
    for (Object item : batch) {
      if (item instanceof Barrier barrier) {
        barriers.decrementAndGet();
        barrier.done.complete(null);
      }
    }
  }

  @Override
  public void close() {
    Thread writer;
    synchronized (this) {
      writer = thread;
    }
    if (writer == null && wake != null) flush(); // the committer still takes the writes
    open = false;
    if (writer == null) return;
    try {
      writer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
