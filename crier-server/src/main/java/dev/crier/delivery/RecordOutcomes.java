package dev.crier.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes delivery outcomes in batches: one transaction for everything recorded in the last few
 * milliseconds, instead of one per delivery. A lane may send its next delivery before the
 * previous outcome is written; a crash in between resends that delivery (at-least-once).
 *
 * <p>The queue is bounded: when the database cannot keep up (or is down), lanes block here
 * rather than growing memory. A failed write is retried until it succeeds; nothing is dropped.
 */
final class RecordOutcomes implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RecordOutcomes.class);
  private static final int CAPACITY = 20_000;
  private static final int BATCH = 1_000;

  private record Barrier(CompletableFuture<Void> done) {}

  private final DeliveryStore store;
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>(CAPACITY);
  private final Thread thread;
  private volatile boolean open = true;

  RecordOutcomes(DeliveryStore store) {
    this.store = store;
    this.thread = Thread.ofPlatform().name("crier-record").daemon(true).start(this::run);
  }

  void add(Outcome outcome) {
    try {
      queue.put(outcome);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while recording an outcome", e);
    }
  }

  /** Returns once everything added before this call is written. */
  void flush() {
    Barrier barrier = new Barrier(new CompletableFuture<>());
    try {
      queue.put(barrier);
      barrier.done.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("outcomes were not written in time", e);
    }
  }

  private void run() {
    List<Object> batch = new ArrayList<>();
    while (open || !queue.isEmpty()) {
      try {
        Object first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) continue;
        batch.add(first);
        queue.drainTo(batch, BATCH - 1);
        write(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        batch.clear();
      }
    }
  }

  private void write(List<Object> batch) throws InterruptedException {
    List<Outcome> outcomes = new ArrayList<>(batch.size());
    for (Object item : batch) if (item instanceof Outcome outcome) outcomes.add(outcome);
    long backoff = 100;
    while (true) {
      try {
        store.record(outcomes);
        break;
      } catch (RuntimeException e) {
        log.warn("recording {} outcomes failed, retrying in {} ms: {}", outcomes.size(), backoff, e.toString());
        Thread.sleep(backoff);
        backoff = Math.min(backoff * 2, 5_000);
      }
    }
    for (Object item : batch) if (item instanceof Barrier barrier) barrier.done.complete(null);
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
