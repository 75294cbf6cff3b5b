package dev.crier.delivery;

import dev.crier.event.CommitRider;
import dev.crier.storage.StorageUnavailableException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
 * rather than growing memory. A write the unreachable database failed is retried, with backoff,
 * until it succeeds. A batch that fails for any other reason is written in halves, each in its own
 * transaction, down to single outcomes, so the rest commit. An outcome the database refuses even
 * alone, twice, while it takes others (or for {@link #PARK_AFTER_NANOS}), is set aside: logged once with
 * the cause, counted in {@code crier_outcomes_parked_total}, not retried. Its delivery keeps its
 * previous state in the database (pending, so it is sent again when its lane next starts:
 * at-least-once, as after a crash). When nothing at all is taken, the fault is the database's,
 * not a row's: the batch is kept and retried with backoff, joined by what is queued since.
 *
 * <p>Nothing thrown, not even an {@link Error}, ends the writer: it logs, keeps the batch and
 * carries on; {@link #alive} turns false only if its thread ended anyway.
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
  /** An outcome refused alone this long is set aside even if no other outcome came meanwhile. */
  static final long PARK_AFTER_NANOS = TimeUnit.MINUTES.toNanos(1);

  private record Barrier(CompletableFuture<Void> done) {}

  /**
   * How long a flush waits for the database before giving up with {@link
   * StorageUnavailableException}; shortened by tests that hold the database locked past it.
   */
  static volatile Duration flushWait = Duration.ofSeconds(60);

  /** What {@link #writeApart} left to try again (the database unavailable, or taking nothing), and why. */
  private record Left(List<Outcome> outcomes, Throwable cause) {}

  /** An outcome the database refused when written alone. */
  private record Refused(Outcome outcome, Throwable cause) {}

  private final DeliveryStore store;
  private final AtomicLong parked = new AtomicLong();
  /** When each outcome now carried was first refused alone; only the writing thread uses it. */
  private final Map<Outcome, Long> refusedSince = new IdentityHashMap<>();
  /** The backoff of the writer's own thread. */
  private long ownBackoffMillis = FIRST_BACKOFF_MILLIS;
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
  private volatile Thread thread;
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

  /** Returns once everything added before this call is written, or refused by the database. */
  void flush() {
    Barrier barrier = new Barrier(new CompletableFuture<>());
    barriers.incrementAndGet();
    put(barrier);
    try {
      barrier.done.get(flushWait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // the database is not taking writes (a resume answers 503 for it, not 500)
      throw new StorageUnavailableException("outcomes were not written in time", e);
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
      public void rolledBack(Throwable cause) {
        // Not the database being away: maybe the publishes' fault, maybe a row's; write alone.
        Left left =
            cause instanceof StorageUnavailableException
                ? new Left(outcomes, cause)
                : writeApart(outcomes);
        if (left.outcomes.isEmpty()) {
          released(batch);
          return;
        }
        carry(left, batch);
        retryAt = System.nanoTime() + backoffMillis * 1_000_000;
        backoffMillis = longer(backoffMillis);
      }
    };
  }

  /**
   * Keeps what is left of a batch to write first next time. The batch's flushes wait for it when
   * the database is unavailable; not for outcomes it refuses, which may stay refused for a minute
   * (a halt or a lease given back must not wait on them).
   */
  private void carry(Left left, List<Object> batch) {
    carried.addAll(0, left.outcomes);
    if (!(left.cause instanceof StorageUnavailableException)) {
      released(batch);
      return;
    }
    for (Object item : batch) if (item instanceof Barrier) carried.add(item);
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
    long backoff = FIRST_BACKOFF_MILLIS;
    while (open || !queue.isEmpty() || !carried.isEmpty()) {
      List<Object> batch = List.of();
      try {
        Object first = carried.isEmpty() ? queue.poll(100, TimeUnit.MILLISECONDS) : null;
        if (first == null && carried.isEmpty()) continue;
        batch = drain(first);
        write(batch);
        backoff = FIRST_BACKOFF_MILLIS;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Throwable e) { // an Error too: a dead writer would silently record nothing again
        log.error("the outcome writer failed on {} queued items; it keeps them and carries on in {} ms",
            batch.size(), backoff, e);
        carried.addAll(0, batch);
        if (!sleep(backoff)) return;
        backoff = longer(backoff);
      }
    }
  }

  private void write(List<Object> batch) throws InterruptedException {
    Left left = writeApart(outcomesOf(batch));
    if (left.outcomes.isEmpty()) {
      released(batch);
      ownBackoffMillis = FIRST_BACKOFF_MILLIS;
      return;
    }
    log.warn("recording {} outcomes failed, retrying in {} ms: {}", left.outcomes.size(), ownBackoffMillis, left.cause.toString());
    carry(left, batch); // written first next time, with whatever is queued by then
    Thread.sleep(ownBackoffMillis);
    ownBackoffMillis = longer(ownBackoffMillis);
  }

  /**
   * Writes outcomes in one transaction; should it fail for anything but an unavailable database,
   * writes each half in its own, down to single outcomes. One refused alone a second time is set
   * aside when the database took others meanwhile, or has refused it for {@link #PARK_AFTER_NANOS};
   * otherwise it is left, with what the unavailable database did not take, to try again.
   */
  private Left writeApart(List<Outcome> outcomes) {
    Deque<List<Outcome>> parts = new ArrayDeque<>();
    parts.push(outcomes);
    List<Refused> refused = new ArrayList<>();
    boolean written = false;
    while (!parts.isEmpty()) {
      List<Outcome> part = parts.pop();
      try {
        store.record(part);
        written = true;
        if (!refusedSince.isEmpty()) part.forEach(refusedSince::remove);
      } catch (StorageUnavailableException e) {
        List<Outcome> left = new ArrayList<>();
        for (Refused r : refused) left.add(r.outcome);
        left.addAll(part);
        parts.forEach(left::addAll);
        return new Left(left, e);
      } catch (RuntimeException | Error e) {
        if (part.size() == 1) {
          refused.add(new Refused(part.get(0), e));
        } else {
          if (part == outcomes) log.warn("recording {} outcomes failed ({}); writing them apart", part.size(), e.toString());
          parts.push(part.subList(part.size() / 2, part.size()));
          parts.push(part.subList(0, part.size() / 2));
        }
      }
    }
    return setAside(refused, written);
  }

  /** Parks the refused outcomes that are a row's fault; returns the others to try again. */
  private Left setAside(List<Refused> refused, boolean othersWritten) {
    List<Outcome> left = new ArrayList<>();
    Throwable cause = null;
    long now = System.nanoTime();
    for (Refused r : refused) {
      // refused alone once is not yet a row's fault: a refusal of everything that ends while the
      // batch is split apart lets the later halves through; only one refused alone again is
      Long since = refusedSince.putIfAbsent(r.outcome, now);
      if (since != null && (othersWritten || now - since >= PARK_AFTER_NANOS)) {
        refusedSince.remove(r.outcome);
        park(r.outcome, r.cause);
      } else {
        left.add(r.outcome);
        cause = r.cause;
      }
    }
    return new Left(left, cause);
  }

  private void park(Outcome outcome, Throwable cause) {
    parked.incrementAndGet();
    log.error("the database refuses the outcome of delivery {} (attempt {}, {}); it is set aside, not retried,"
            + " and the delivery keeps its previous state: {}",
        DeliveryId.format(outcome.subscriptionId(), outcome.subSeq()), outcome.attempt().number(),
        outcome.status().wire(), cause.toString());
  }

  /** Outcomes set aside since start because the database refused them even alone. */
  long parked() {
    return parked.get();
  }

  /** False when the writer's own thread ended although it was still wanted (it never should). */
  boolean alive() {
    Thread writer = thread;
    return writer == null || writer.isAlive() || !open;
  }

  private static boolean sleep(long millis) {
    try {
      Thread.sleep(millis);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
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
    try {
      if (writer == null && wake != null) flush(); // the committer still takes the writes
    } catch (StorageUnavailableException e) {
      // unwritten outcomes leave their deliveries pending: sent again after the restart
      log.warn("stopping with outcomes the database did not take: {}", e.toString());
    }
    open = false;
    if (writer == null) return;
    try {
      writer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
