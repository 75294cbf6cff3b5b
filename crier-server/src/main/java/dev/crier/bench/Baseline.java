package dev.crier.bench;

import dev.crier.delivery.HttpPost;
import dev.crier.delivery.SendAttempt;
import dev.crier.delivery.SendResult;
import dev.crier.verify.StandardWebhooks;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.util.RawValue;

/**
 * Raw sending, for comparison: the same number of webhook POSTs as Crier completed, built, signed
 * (Standard Webhooks, HMAC-SHA256) and sent the way Crier does, by Crier's own {@link SendAttempt}
 * (one shared Jetty HttpClient, 64 connections per destination), to the same receiver, with as many
 * in flight as the fanout scenario allows (100 webhooks × 8), and no storage at all.
 */
final class Baseline {
  static final int IN_FLIGHT = 800;
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String DATA = "{\"n\":1,\"name\":\"bench event\",\"amount\":1234,\"currency\":\"EUR\"}";

  private Baseline() {}

  static Row run(Receiver receiver, long count, PrintStream out) {
    Deliveries d = new Deliveries(1);
    int route = receiver.route(d);
    String secret = StandardWebhooks.generateSecret();
    LongAdder failed = new LongAdder();
    AtomicLong next = new AtomicLong();
    ProcessStats self = ProcessStats.self();
    out.printf(Locale.ROOT, "[baseline] sending %,d signed POSTs straight to the receiver, %d in flight%n", count, IN_FLIGHT);
    try (SendAttempt sender = new SendAttempt(true)) {
      double cpuBefore = self.cpuSeconds();
      long started = System.nanoTime();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < IN_FLIGHT; t++) {
        int hook = t % 100;
        URI url = URI.create(receiver.url(route) + hook);
        threads.add(Thread.ofVirtual().start(() -> {
          StandardWebhooks signer = StandardWebhooks.of(secret);
          long seq;
          while ((seq = next.getAndIncrement()) < count) {
            byte[] body = body(Deliveries.id('m', Deliveries.now(), seq), hook);
            List<Map.Entry<String, String>> headers = new ArrayList<>(8);
            headers.add(Map.entry("Content-Type", "application/json"));
            headers.add(Map.entry("User-Agent", "Crier-Webhooks/bench"));
            headers.add(Map.entry("X-Crier-Event", "bench.baseline"));
            signer.headers("msg_baseline_" + seq, Instant.now().getEpochSecond(), body)
                .forEach((k, v) -> headers.add(Map.entry(k, v)));
            SendResult result = sender.send(new HttpPost(url, headers, body, Duration.ofSeconds(10)));
            if (!(result instanceof SendResult.Answered a) || a.status() / 100 != 2) failed.increment();
          }
        }));
      }
      for (Thread t : threads) WebhookScenario.join(t);
      double seconds = (System.nanoTime() - started) / 1e9;
      double cpu = ProcessStats.percent(cpuBefore, self.cpuSeconds(), seconds);
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("posts", count);
      details.put("in_flight", IN_FLIGHT);
      details.put("max_connections_per_destination", SendAttempt.DEFAULT_MAX_CONNECTIONS_PER_DESTINATION);
      details.put("cpu_is_of", "the bench process (sender and receiver)");
      return new Row("baseline", "none", Run.round(seconds), count, -1, d.received(),
          Run.round(d.received() / seconds), Run.millis(d.latency, 0.5), Run.millis(d.latency, 0.95),
          Run.millis(d.latency, 0.99), Run.round(d.latency.maxMicros() / 1000.0), Run.round(cpu), -1, -1, Run.round(cpu),
          failed.sum(), Math.max(0, count - d.received()),
          "raw signed POSTs by Crier's SendAttempt, no storage; CPU is the bench process (sender + receiver)", details);
    } finally {
      receiver.unroute(route);
    }
  }

  /** The payload as Crier builds it (WebhookRequest): a tree serialised per delivery. */
  private static byte[] body(String id, int hook) {
    ObjectNode out = JSON.createObjectNode();
    out.put("id", id);
    out.put("type", "bench.baseline");
    out.put("timestamp", Instant.now().toString());
    out.putObject("webhook").put("id", "wh_baseline_" + hook).put("name", "baseline " + hook);
    out.putObject("subject").put("type", "bench");
    out.putRawValue("data", new RawValue(DATA));
    out.putNull("changes");
    return JSON.writeValueAsBytes(out);
  }
}
