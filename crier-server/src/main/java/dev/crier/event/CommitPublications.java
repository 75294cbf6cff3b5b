package dev.crier.event;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: publish requests queue here and one thread writes everything queued in a single
 * transaction, so a thousand concurrent publishers share one fsync instead of paying one each.
 *
 * <p>No timer batches the requests: while one transaction commits, the next requests gather, so
 * batches grow with load and an idle server adds no delay. The queue is bounded in events
 * (queued plus being written); a request that does not fit is refused at once with {@link
 * OverloadedException} rather than growing memory.
 */
final class CommitPublications implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CommitPublications.class);
  private static final int MAX_EVENTS_PER_COMMIT = 1000;
  private static final int ATTEMPTS = 3;
  private static final long IDLE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private record Pending(Publication publication, CompletableFuture<CommitResult> result) {}

  /** Queued by the rider's wake: run a round even if no publish is waiting. */
  private static final Pending WAKE = new Pending(null, null);

  private final EventLog eventLog;
  private final Consumer<List<Dispatch>> afterCommit;
  private final Clock clock;
  private final int capacity;
  private final AtomicInteger eventsHeld = new AtomicInteger();
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private final DistributionSummary batchSizes;
  private final Timer transactions;
  private final CommitRider rider;
  private final AtomicBoolean wakeQueued = new AtomicBoolean();
  private volatile boolean open = true;

  CommitPublications(
      EventLog eventLog,
      Consumer<List<Dispatch>> afterCommit,
      Clock clock,
      int capacity,
      MeterRegistry meters,
      CommitRider rider) {
    this.eventLog = eventLog;
    this.rider = rider;
    this.afterCommit = afterCommit;
    this.clock = clock;
    this.capacity = capacity;
    this.batchSizes =
        DistributionSummary.builder("crier.publish.commit.events")
            .description("events written per group commit")
            .register(meters);
    this.transactions =
        Timer.builder("crier.commit.transactions")
            .description("the committer's transactions (publishes, and on SQLite the outcomes riding along)")
            .register(meters);
    meters.gauge("crier.publish.queue.events", eventsHeld);
    if (rider != null) rider.attach(this::wake);
    this.thread = Thread.ofPlatform().name("crier-commit").daemon(true).start(this::run);
  }

  private void wake() {
    if (wakeQueued.compareAndSet(false, true)) queue.add(WAKE);
  }

  /**
   * Queues one request's events for the next commit.
   *
   * @throws OverloadedException when the queue has no room for them
   */
  CompletableFuture<CommitResult> submit(Publication publication) {
    if (!open) throw new OverloadedException("Crier is shutting down");
    int size = publication.events().size();
    int held = eventsHeld.addAndGet(size);
    if (held > capacity && held > size) {
      eventsHeld.addAndGet(-size);
      throw new OverloadedException(
          "the commit queue is full (" + capacity + " events); retry shortly");
    }
    Pending pending = new Pending(publication, new CompletableFuture<>());
    queue.add(pending);
    return pending.result;
  }

  private void run() {
    List<Pending> batch = new ArrayList<>();
    while (open || !queue.isEmpty()) {
      try {
        long wait = IDLE_WAIT_NANOS;
        if (rider != null) wait = Math.min(wait, rider.waitNanos());
        Pending item = wait == 0 ? queue.poll() : queue.poll(wait, TimeUnit.NANOSECONDS);
        int events = 0;
        while (item != null) {
          if (item == WAKE) wakeQueued.set(false);
          else {
            batch.add(item);
            events += item.publication.events().size();
          }
          Pending next = queue.peek();
          if (next == null || events >= MAX_EVENTS_PER_COMMIT) break;
          if (next != WAKE && !batch.isEmpty() && events + next.publication.events().size() > MAX_EVENTS_PER_COMMIT) break;
          item = queue.poll();
        }
        // after the wake flag is cleared, so a write queued from here on wakes the next round
        CommitRider.Load load = rider == null ? null : rider.take();
        if (batch.isEmpty() && load == null) continue;
        commit(batch, events, load);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        batch.clear();
      }
    }
  }

  private void commit(List<Pending> batch, int events, CommitRider.Load load) {
    List<Publication> requests = new ArrayList<>(batch.size());
    for (Pending pending : batch) requests.add(pending.publication);
    try {
      long started = System.nanoTime();
      List<CommitResult> results = commitWithRetry(requests, load);
      transactions.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      if (events > 0) batchSizes.record(events);
      handOver(results);
      for (int i = 0; i < batch.size(); i++) batch.get(i).result.complete(results.get(i));
    } catch (RuntimeException e) {
      log.warn("group commit of {} events failed: {}", events, e.toString());
      for (Pending pending : batch) pending.result.completeExceptionally(e);
    } finally {
      eventsHeld.addAndGet(-events);
    }
  }

  /** Passes the new deliveries to the engine in commit order, before any publisher hears back. */
  private void handOver(List<CommitResult> results) {
    List<Dispatch> dispatches = new ArrayList<>();
    for (CommitResult result : results) {
      if (result instanceof CommitResult.Accepted accepted) dispatches.addAll(accepted.dispatches());
    }
    if (dispatches.isEmpty()) return;
    try {
      afterCommit.accept(dispatches);
    } catch (RuntimeException e) {
      // The deliveries are committed; the engine finds them in the database if this hand-over fails.
      log.warn("handing {} committed deliveries to the engine failed", dispatches.size(), e);
    }
  }

  /**
   * Commits the requests, with the rider's writes when there are any. Should the joint
   * transaction fail, the rider's writes wait for the next round and the requests are tried
   * alone, so that whatever broke the rider's part cannot refuse publishes.
   */
  private List<CommitResult> commitWithRetry(List<Publication> requests, CommitRider.Load load) {
    if (load != null) {
      try {
        List<CommitResult> results = commitOnce(requests, load);
        load.committed();
        return results;
      } catch (RuntimeException e) {
        load.rolledBack();
        if (!(e instanceof ConcurrentPublishException)) {
          log.warn("a group commit with other writes riding in it failed ({}); the publishes are committed alone,"
              + " the other writes tried again shortly", e.toString());
        }
      }
      if (requests.isEmpty()) return List.of();
    }
    for (int attempt = 1; ; attempt++) {
      try {
        return commitOnce(requests, null);
      } catch (ConcurrentPublishException e) {
        // Another node stored one of these ids between our check and our insert; the next
        // attempt sees it and answers as a replay or a conflict.
        if (attempt == ATTEMPTS) throw e;
      }
    }
  }

  private List<CommitResult> commitOnce(List<Publication> requests, CommitRider.Load load) {
    // Millisecond precision: what the database keeps, so a replay answers the very same time.
    return eventLog.commit(requests, clock.instant().truncatedTo(ChronoUnit.MILLIS), load == null ? null : load::write);
  }

  @Override
  public void close() {
    open = false;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (rider != null) rider.detach();
  }
}
