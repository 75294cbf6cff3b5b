package dev.crier.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.testing.Engine;
import dev.crier.testing.TestCrier;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/** The harness's pieces, quickly: numbers in the table, not how good they are (no thresholds). */
class BenchTest {

  @Test
  void histogramPercentilesFallInsideTheirBucket() {
    LatencyHistogram h = new LatencyHistogram();
    for (long v = 1; v <= 100_000; v++) h.record(v);
    assertThat(h.count()).isEqualTo(100_000);
    assertThat(h.percentile(0.5)).isBetween(49_000L, 51_000L);
    assertThat(h.percentile(0.99)).isBetween(98_000L, 100_000L);
    assertThat(h.percentile(1.0)).isEqualTo(100_000L);
    assertThat(new LatencyHistogram().percentile(0.5)).isEqualTo(-1);
    for (long v : new long[] {0, 127, 128, 1_000, 123_456_789}) {
      long middle = LatencyHistogram.middle(LatencyHistogram.index(v));
      assertThat((double) Math.abs(middle - v)).isLessThanOrEqualTo(Math.max(1, v * 0.016));
    }
  }

  @Test
  void heapIsTheSumOfTheHeapPools() {
    String text = """
        # TYPE jvm_memory_used_bytes gauge
        jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.048576E7
        jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 5.0E7
        jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 2097152.0
        """;
    assertThat(CrierApi.heapUsed(text)).hasValue(10_485_760L + 2_097_152L);
  }

  @Test
  void broadcastSinkCountsPerReceiverAndIntervalAndSpotsATimerSentTwiceInOne() {
    BroadcastScenario.Sink sink = new BroadcastScenario.Sink();
    sink.windowStart = 0;
    byte[] a = broadcast("2026-11-24T04:01:23Z", 7);
    byte[] b = broadcast("2026-11-24T04:01:24Z", 7);
    sink.receive(3, a, a.length, "timer", Deliveries.EPOCH + 1_000);
    sink.receive(3, b, b.length, "timer", Deliveries.EPOCH + 2_000);
    assertThat(sink.repeats.sum()).isZero();
    sink.receive(3, b, b.length, "timer", Deliveries.EPOCH + 3_000);
    assertThat(sink.repeats.sum()).isEqualTo(1);
    assertThat(sink.maxPerInterval()).isEqualTo(2);
    assertThat(sink.received.sum()).isEqualTo(3);
    assertThat(BroadcastScenario.Sink.sentAtSecondOfDay(a, a.length)).isEqualTo(4 * 3600 + 60 + 23);
  }

  private static byte[] broadcast(String sentAt, int timer) {
    return ("{\"broadcast_receiver\":{\"id\":1,\"name\":\"r\"},\"sent_at\":\"" + sentAt
            + "\",\"last_event\":\"timer.running\",\"subject\":{\"type\":\"timer\",\"url\":\"https://bench.invalid/timers/"
            + timer + "\"}}").getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @EnumSource(Receiver.Kind.class)
  void receiverHandsTheBodyToItsRouteAndAnswersItsStatus(Receiver.Kind kind) throws Exception {
    try (Receiver receiver = Receiver.start(kind, "Crier")) {
      Deliveries d = new Deliveries(1);
      d.answer(500);
      int route = receiver.route(d);
      long sent = Deliveries.now();
      String body = "{\"id\":\"" + Deliveries.id('m', sent, 7) + "\",\"type\":\"a.b\"}";
      HttpResponse<Void> response =
          HttpClient.newHttpClient()
              .send(HttpRequest.newBuilder(URI.create(receiver.url(route) + "3"))
                  .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
      assertThat(response.statusCode()).isEqualTo(500);
      assertThat(d.received()).isEqualTo(1);
      assertThat(d.latency.count()).isEqualTo(1);
      receiver.unroute(route);
      HttpResponse<Void> unrouted =
          HttpClient.newHttpClient()
              .send(HttpRequest.newBuilder(URI.create(receiver.url(route) + "3"))
                  .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
      assertThat(unrouted.statusCode()).isEqualTo(404);
    }
  }

  @Test
  void orderedScenarioAgainstAChildServerFillsTheTableAndTheJson() throws Exception {
    Path dir = Files.createTempDirectory("crier-bench-test");
    Path json = dir.resolve("bench.json");
    Path jfr = dir.resolve("jfr"); // not there yet: the bench makes it
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    List<Row> rows =
        Bench.run(
            new Bench.Options(List.of("ordered"), Duration.ofSeconds(3), Duration.ofSeconds(5), null, null, null, true,
                json, 1_000, 1_000, jfr, "jetty", false, List.of()),
            new PrintStream(printed, true, StandardCharsets.UTF_8));
    String out = printed.toString(StandardCharsets.UTF_8);
    assertThat(rows).extracting(Row::scenario).containsExactly("ordered", "baseline");
    Row ordered = rows.get(0);
    assertThat(ordered.database()).isEqualTo("sqlite");
    assertThat(ordered.events()).isPositive();
    assertThat(ordered.deliveriesPerSecond()).isPositive();
    assertThat(ordered.p50Ms()).isGreaterThanOrEqualTo(0);
    assertThat(ordered.p99Ms()).isGreaterThanOrEqualTo(ordered.p50Ms());
    assertThat(ordered.serverCpuPercent()).isGreaterThanOrEqualTo(0);
    assertThat(ordered.peakRssBytes()).isPositive();
    assertThat(ordered.peakHeapBytes()).isPositive();
    assertThat(ordered.notes()).contains("of baseline");
    assertThat(rows.get(1).deliveries()).isEqualTo(ordered.deliveries());
    assertThat(out).contains("| scenario", "| ordered", "| baseline", "[ordered");
    JsonNode written = CrierApi.JSON.readTree(json.toFile());
    assertThat(written.path("rows")).hasSize(2);
    assertThat(written.path("rows").get(0).path("deliveriesPerSecond").asDouble()).isPositive();
    assertThat(jfr.resolve("ordered-sqlite.jfr")).isNotEmptyFile();
    // the window waits for the server's JIT (at most three warm-ups) and says how busy it still was
    assertThat(out).containsPattern("JIT (quiet|still compiling) after");
    assertThat(ordered.details().get("warmup_seconds_waiting_for_quiet_jit")).isInstanceOf(Double.class);
    assertThat((double) ordered.details().get("warmup_seconds_waiting_for_quiet_jit")).isBetween(1.9, 3 * 5 + 2.5);
    assertThat((double) ordered.details().get("server_jit_percent_of_a_core_in_window")).isGreaterThanOrEqualTo(0);
    // and how much of the host other guests took (steal): at most both cores
    assertThat((double) ordered.details().get("machine_steal_percent_of_a_core_in_window")).isBetween(0.0, 200.0 * 1.05);
  }

  @Test
  void aRunningCrierIsUsedThroughItsApiAndLeftAsItWas() throws Exception {
    try (TestCrier crier = TestCrier.start(Engine.SQLITE)) {
      ByteArrayOutputStream printed = new ByteArrayOutputStream();
      List<Row> rows =
          Bench.run(
              new Bench.Options(List.of("latency"), Duration.ofSeconds(2), Duration.ofSeconds(1), null,
                  URI.create(crier.api().base()), TestCrier.ADMIN_KEY, false, null, 1_000, 1_000, null, "jdk", false, List.of()),
              new PrintStream(printed, true, StandardCharsets.UTF_8));
      Row latency = rows.get(0);
      assertThat(latency.database()).isEqualTo("remote");
      assertThat(latency.deliveries()).isPositive();
      assertThat(latency.p50Ms()).isGreaterThanOrEqualTo(0);
      assertThat(latency.serverCpuPercent()).isEqualTo(-1);
      // the commit's share of the latency: every measured publish was answered
      assertThat((double) latency.details().get("publish_answer_p50_ms")).isPositive();
      assertThat((double) latency.details().get("publish_answer_p99_ms"))
          .isGreaterThanOrEqualTo((double) latency.details().get("publish_answer_p50_ms"));
      String output = printed.toString(StandardCharsets.UTF_8);
      assertThat(output).contains("n/a").contains("full rate reached; warming up at it for 1 s").contains("slowest");
      HttpResponse<String> hooks =
          HttpClient.newHttpClient()
              .send(HttpRequest.newBuilder(URI.create(crier.api().base() + "/v1/webhooks"))
                  .header("Authorization", "Bearer " + TestCrier.ADMIN_KEY).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(CrierApi.JSON.readTree(hooks.body()).path("items")).isEmpty();
    }
  }
}
