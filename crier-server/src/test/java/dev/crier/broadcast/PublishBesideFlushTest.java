package dev.crier.broadcast;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.testing.Api;
import dev.crier.testing.Engine;
import dev.crier.testing.Receiver;
import dev.crier.testing.TestCrier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Publishes that touch many broadcast subjects in every order, beside the flushes that take
 * those subjects' rows: each side locks the rows in one order, and a deadlock or serialization
 * failure the database still reports is retried, so no publish answers 500 (PostgreSQL found
 * deadlocks here; SQLite's one writer must not regress).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class PublishBesideFlushTest {
  private static final int RECEIVERS = 12;
  private static final int SUBJECTS = 40;
  private static final int PUBLISHERS = 6;
  private static final int BATCHES = 40;

  @Parameter Engine engine;

  @Test
  void publishesBesideBroadcastFlushesAllAnswer202() throws Exception {
    try (Receiver receiver = Receiver.start(); TestCrier crier = TestCrier.start(engine)) {
      crier.declare("timer.running");
      Api api = crier.api();
      for (int i = 0; i < RECEIVERS; i++) {
        var r =
            api.post(
                "/v1/broadcast-receivers",
                "{\"name\": \"r" + i + "\", \"url\": \"" + receiver.url("/r" + i) + "\", \"subjects\": [\"timer\"],"
                    + " \"interval_seconds\": 1}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
      }
      Map<Integer, Integer> answers = new ConcurrentHashMap<>();
      List<String> failures = Collections.synchronizedList(new ArrayList<>());
      ExecutorService pool = Executors.newFixedThreadPool(PUBLISHERS);
      List<Future<?>> publishers = new ArrayList<>();
      for (int p = 0; p < PUBLISHERS; p++) {
        Random random = new Random(42 + p); // every batch names the subjects in another order
        publishers.add(
            pool.submit(
                () -> {
                  for (int b = 0; b < BATCHES; b++) {
                    List<Integer> order = new ArrayList<>();
                    for (int s = 0; s < SUBJECTS; s++) order.add(s);
                    Collections.shuffle(order, random);
                    StringBuilder batch = new StringBuilder("[");
                    for (int s : order) {
                      if (batch.length() > 1) batch.append(',');
                      batch.append("{\"type\": \"timer.running\", \"subject\": {\"url\": \"https://api.example.com/timers/")
                          .append(s)
                          .append("\"}}");
                    }
                    var r = api.post("/v1/events", batch.append(']').toString());
                    answers.merge(r.status(), 1, Integer::sum);
                    if (r.status() != 202) failures.add(r.status() + " " + r.body());
                  }
                }));
      }
      for (Future<?> f : publishers) f.get();
      pool.shutdown();

      assertThat(failures).as("answers %s", answers).isEmpty();
      // and every receiver hears every subject (nothing a rolled-back flush took is lost)
      for (int i = 0; i < RECEIVERS; i++) {
        String path = "/r" + i;
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    receiver.requests(path).stream()
                            .map(q -> q.json().get("subject").get("url").stringValue())
                            .distinct()
                            .count()
                        == SUBJECTS);
      }
    }
  }
}
