package dev.crier.event;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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

  private record Pending(Publication publication, CompletableFuture<CommitResult> result) {}

  private final EventLog eventLog;
  private final Consumer<List<Dispatch>> afterCommit;
  private final Clock clock;
  private final int capacity;
  private final AtomicInteger eventsHeld = new AtomicInteger();
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private final DistributionSummary batchSizes;
  private volatile boolean open = true;

  CommitPublications(
      EventLog eventLog,
      Consumer<List<Dispatch>> afterCommit,
      Clock clock,
      int capacity,
      MeterRegistry meters) {
    this.eventLog = eventLog;
    this.afterCommit = afterCommit;
    this.clock = clock;
    this.capacity = capacity;
    this.batchSizes =
        DistributionSummary.builder("crier.publish.commit.events")
            .description("events written per group commit")
            .register(meters);
    meters.gauge("crier.publish.queue.events", eventsHeld);
    this.thread = Thread.ofPlatform().name("crier-commit").daemon(true).start(this::run);
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
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) continue;
        batch.add(first);
        int events = first.publication.events().size();
        Pending next;
        while (events < MAX_EVENTS_PER_COMMIT && (next = queue.peek()) != null) {
          if (events + next.publication.events().size() > MAX_EVENTS_PER_COMMIT) break;
          batch.add(queue.poll());
          events += next.publication.events().size();
        }
        commit(batch, events);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        batch.clear();
      }
    }
  }

  private void commit(List<Pending> batch, int events) {
    List<Publication> requests = new ArrayList<>(batch.size());
    for (Pending pending : batch) requests.add(pending.publication);
    try {
      List<CommitResult> results = commitWithRetry(requests);
      batchSizes.record(events);
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

  private List<CommitResult> commitWithRetry(List<Publication> requests) {
    for (int attempt = 1; ; attempt++) {
      try {
        // Millisecond precision: what the database keeps, so a replay answers the very same time.
        return eventLog.commit(requests, clock.instant().truncatedTo(ChronoUnit.MILLIS));
      } catch (ConcurrentPublishException e) {
        // Another node stored one of these ids between our check and our insert; the next
        // attempt sees it and answers as a replay or a conflict.
        if (attempt == ATTEMPTS) throw e;
      }
    }
  }

  @Override
  public void close() {
    open = false;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
