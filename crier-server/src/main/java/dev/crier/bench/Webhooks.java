package dev.crier.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import tools.jackson.databind.node.ObjectNode;

/** Setting up and tearing down a scenario's webhooks, and the events it publishes to them. */
final class Webhooks {
  static final String COLLECTION = "/v1/webhooks";
  // Creating is one SQLite write each; more in parallel only queues them on its one writer lock.
  private static final int PARALLEL = 2;

  private Webhooks() {}

  /**
   * Creates {@code count} webhooks on {@code eventType}, webhook {@code i} pointing at {@code
   * <receiver route>/i}, each spec adjusted by {@code adjust}; returns their ids.
   */
  static List<String> create(Run run, int route, int count, String eventType, Consumer<ObjectNode> adjust) {
    List<String> ids = Collections.synchronizedList(new ArrayList<>());
    Semaphore parallel = new Semaphore(PARALLEL);
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int hook = i;
        futures.add(threads.submit(() -> {
          parallel.acquireUninterruptibly();
          try {
            ObjectNode spec = CrierApi.JSON.createObjectNode();
            spec.put("name", "bench " + run.scenario + " " + hook);
            spec.put("url", run.receiver.url(route) + hook);
            spec.putArray("events").add(eventType);
            adjust.accept(spec);
            ids.add(createRetrying(run, COLLECTION, spec));
          } finally {
            parallel.release();
          }
          return null;
        }));
      }
      for (Future<?> f : futures) f.get();
    } catch (Exception e) {
      throw new IllegalStateException("could not create the webhooks: " + e.getMessage(), e);
    }
    return ids;
  }

  /** Creates one subscription, retrying while Crier answers 503 (its database busy with the others). */
  static String createRetrying(Run run, String collection, ObjectNode spec) {
    for (int attempt = 1; ; attempt++) {
      try {
        return run.api.create(collection, spec);
      } catch (IllegalStateException e) {
        if (attempt >= 30 || e.getMessage() == null || !e.getMessage().contains("answered 503")) throw e;
        Run.sleep(Math.min(2_000, 100L * attempt));
      }
    }
  }

  /** Deletes what a scenario created, unless its server is thrown away anyway. */
  static void delete(Run run, String collection, List<String> ids) {
    if (run.freshServer || ids.isEmpty()) return;
    Semaphore parallel = new Semaphore(PARALLEL);
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (String id : ids) {
        threads.submit(() -> {
          parallel.acquireUninterruptibly();
          try {
            run.api.delete(collection, id);
          } finally {
            parallel.release();
          }
        });
      }
    }
  }

  /** Plain events of one type: {@code {"id":"m<nanos>-<seq>","type":..,"data":{..}}}, batched as an array. */
  static Publishers.Bodies events(String eventType, boolean array) {
    return (phase, sent, first, count) -> {
      StringBuilder sb = new StringBuilder(count * 120);
      if (array) sb.append('[');
      for (int i = 0; i < count; i++) {
        if (i > 0) sb.append(',');
        long seq = first + i;
        sb.append("{\"id\":\"").append(Deliveries.id(phase, sent, seq)).append("\",\"type\":\"").append(eventType)
            .append("\",\"data\":{\"n\":").append(seq)
            .append(",\"name\":\"bench event\",\"amount\":1234,\"currency\":\"EUR\"}}");
      }
      if (array) sb.append(']');
      return sb.toString().getBytes(StandardCharsets.UTF_8);
    };
  }
}
