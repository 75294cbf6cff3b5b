package dev.crier.event;

import dev.crier.storage.StorageRefusedException;
import dev.crier.storage.StorageUnavailableException;
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
 *
 * <p>One request cannot fail the others: when a transaction fails for any reason but an
 * unavailable database, its requests are committed in halves, down to single requests, so only
 * the one at fault gets the error. Nothing thrown, an {@link Error} included, ends the committer;
 * {@link #alive} turns false only if its thread ended anyway, and then publishes are refused
 * rather than left waiting.
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
    if (!thread.isAlive()) throw new OverloadedException("the publish committer stopped; see the server log");
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
      } catch (Throwable e) { // an Error too: a dead committer would leave every publish waiting
        log.error("the publish committer failed; it answers {} waiting publishes 503 and carries on", batch.size(), e);
        fail(batch, unexpected());
      } finally {
        batch.clear();
      }
    }
  }

  private void commit(List<Pending> batch, int events, CommitRider.Load load) {
    try {
      long started = System.nanoTime();
      if (load == null) commitApart(batch, true);
      else commitWith(batch, load);
      transactions.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      if (events > 0) batchSizes.record(events);
    } catch (Throwable e) {
      log.error("a group commit of {} events failed unexpectedly; its publishers are answered 503", events, e);
      fail(batch, unexpected());
    } finally {
      eventsHeld.addAndGet(-events);
    }
  }

  /**
   * Commits the requests with the rider's writes. Should the joint transaction fail, the requests
   * are committed without them, and then the rider writes alone, so that whatever broke the
   * rider's part cannot refuse publishes, nor a publish the rider's writes.
   */
  private void commitWith(List<Pending> batch, CommitRider.Load load) {
    Throwable failure;
    try {
      List<CommitResult> results = commitOnce(requests(batch), load);
      load.committed();
      settle(batch, results);
      return;
    } catch (RuntimeException | Error e) { // the rider's part may throw anything
      failure = e;
    }
    if (!(failure instanceof ConcurrentPublishException)) {
      log.warn("a group commit with other writes riding in it failed ({}); the publishes are committed alone,"
          + " the other writes apart", failure.toString());
    }
    try {
      if (!batch.isEmpty()) commitApart(batch, true);
    } finally {
      load.rolledBack(failure);
    }
  }

  /**
   * Commits the requests in one transaction; should it fail for anything but an unavailable
   * database, each half in its own, down to single requests, so that only a request at fault is
   * refused (with the database's reason: {@link StorageRefusedException} answers 422).
   */
  private void commitApart(List<Pending> part, boolean whole) {
    try {
      settle(part, commitWithRetry(requests(part)));
    } catch (StorageUnavailableException e) {
      log.warn("group commit of {} requests failed: {}", part.size(), e.toString());
      fail(part, e);
    } catch (RuntimeException e) {
      if (part.size() == 1) {
        log.warn("a publish request of {} events failed alone: {}", part.get(0).publication.events().size(), e.toString());
        part.get(0).result.completeExceptionally(e);
        return;
      }
      if (whole) log.warn("group commit of {} requests failed ({}); committing them apart", part.size(), e.toString());
      commitApart(part.subList(0, part.size() / 2), false);
      commitApart(part.subList(part.size() / 2, part.size()), false);
    }
  }

  private void settle(List<Pending> part, List<CommitResult> results) {
    handOver(results);
    for (int i = 0; i < part.size(); i++) part.get(i).result.complete(results.get(i));
  }

  private static List<Publication> requests(List<Pending> part) {
    List<Publication> requests = new ArrayList<>(part.size());
    for (Pending pending : part) requests.add(pending.publication);
    return requests;
  }

  /** Fails the requests not answered yet (one committed before the failure keeps its answer). */
  private static void fail(List<Pending> part, Throwable e) {
    for (Pending pending : part) pending.result.completeExceptionally(e);
  }

  private static OverloadedException unexpected() {
    return new OverloadedException("the commit failed unexpectedly; retry shortly with the same event ids");
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

  /** Commits the requests alone, again when another node stored one of their ids meanwhile. */
  private List<CommitResult> commitWithRetry(List<Publication> requests) {
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

  /** False when the commit thread ended while still wanted (it never should). */
  boolean alive() {
    return thread.isAlive() || !open;
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
