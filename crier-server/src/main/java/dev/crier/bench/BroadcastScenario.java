package dev.crier.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code broadcast}: 10,000 events a second on 1,000 timers (every timer changes ten times a
 * second) to 10 broadcast receivers with a 1 s interval. Coalescing must turn that into at most
 * one request per receiver, timer and interval: at most 1,000 per receiver per interval. The
 * latency of a broadcast is how long a change waited: from the first publish of a timer after
 * its previous broadcast to the receiver, until the next broadcast of it arrives.
 */
final class BroadcastScenario implements Scenario {
  static final String COLLECTION = "/v1/broadcast-receivers";
  static final int RECEIVERS = 10;
  static final int TIMERS = 1_000;
  static final double EVENTS_PER_SECOND = 10_000;
  static final int INTERVAL_SECONDS = 1;
  private static final byte[] TIMER_KEY = "/timers/".getBytes(StandardCharsets.US_ASCII);

  @Override
  public String name() {
    return "broadcast";
  }

  @Override
  public Row run(Run run) {
    if (!run.api.exists(COLLECTION)) {
      return Row.notRun(name(), run.server.database(), "this Crier has no " + COLLECTION);
    }
    String type = "timer.running";
    run.api.putEventType(type, "a timer is running (bench broadcast scenario)");
    Sink sink = new Sink();
    int route = run.receiver.route(sink);
    List<String> ids = new ArrayList<>();
    try {
      for (int r = 0; r < RECEIVERS; r++) {
        ObjectNode spec = CrierApi.JSON.createObjectNode();
        spec.put("name", "bench receiver " + r);
        spec.put("url", run.receiver.url(route) + r);
        spec.putArray("subjects").add("timer");
        spec.put("interval_seconds", INTERVAL_SECONDS);
        ids.add(run.api.create(COLLECTION, spec));
      }
      return measure(run, sink, type);
    } finally {
      run.receiver.unroute(route);
      Webhooks.delete(run, COLLECTION, ids);
    }
  }

  private Row measure(Run run, Sink sink, String type) {
    long warmEnd = System.nanoTime() + run.warmup.toNanos();
    // the warm-up lasts until the JIT is quiet (ended below)
    Publishers.Phases phases = new Publishers.Phases(Long.MAX_VALUE, Long.MAX_VALUE);
    WebhookScenario.Rate rate = new WebhookScenario.Rate(sink.received::sum);
    run.status(() -> String.format(Locale.ROOT, "%s broadcasts received %,d (%s/s)",
        System.nanoTime() < phases.warmEnd() ? "warming up," : "measuring,", sink.received.sum(), Report.rate(rate.perSecond())));
    Publishers.Counts[] counts = new Publishers.Counts[1];
    Publishers.Bodies bodies = bodies(type, sink);
    Thread publisher = Thread.ofPlatform().name("bench-broadcast-publisher").start(() ->
        counts[0] = Publishers.openLoop(run, null, bodies, EVENTS_PER_SECOND, 100, 64, phases));
    WebhookScenario.sleepUntil(warmEnd);
    double jitWait = run.awaitQuietJit();
    phases.measureFrom(System.nanoTime(), run.duration.toNanos());
    long end = phases.end();
    sink.windowStart = Deliveries.now();
    long receivedBefore = sink.received.sum();
    run.beginWindow();
    WebhookScenario.sleepUntil(end);
    sink.windowEnd = Deliveries.now();
    long received = sink.received.sum() - receivedBefore;
    Run.Window window = run.endWindow();
    WebhookScenario.join(publisher);
    Run.sleep(2_000L * INTERVAL_SECONDS); // the last interval's broadcasts
    Publishers.Counts c = counts[0];
    double meanPerReceiver = sink.meanPerInterval();
    long maxPerInterval = sink.maxPerInterval();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("receivers", RECEIVERS);
    details.put("timers", TIMERS);
    details.put("target_events_per_second", EVENTS_PER_SECOND);
    details.put("requests_per_receiver_per_interval_mean", Run.round(meanPerReceiver));
    details.put("requests_per_receiver_per_interval_max", maxPerInterval);
    details.put("same_timer_twice_in_one_interval", sink.repeats.sum());
    details.put("receipts_not_understood", sink.unparsed.sum());
    details.put("events_skipped_server_behind", c.skipped.sum());
    details.put("events_skipped_warming_up", c.skippedWarmingUp.sum());
    details.put("bench_cpu_percent", window.benchCpuPercent());
    details.put("warmup_seconds_waiting_for_quiet_jit", Run.round(jitWait));
    String notes = String.format(Locale.ROOT,
        "requests/receiver/interval: mean %.0f, max %d (limit %d), same timer twice in one interval %d",
        meanPerReceiver, maxPerInterval, TIMERS, sink.repeats.sum());
    if (c.skipped.sum() > 0) notes += String.format(Locale.ROOT, "; %,d events not sent in time (server behind)", c.skipped.sum());
    return run.row(window, c.measuredEvents.sum(), received, sink.latency, c.errors.sum() + c.skipped.sum(), 0, notes,
        details);
  }

  /** Events on timers in turn (each timer changes every 1,000 events), noting each change's time. */
  private static Publishers.Bodies bodies(String type, Sink sink) {
    return (phase, sent, first, count) -> {
      StringBuilder sb = new StringBuilder(count * 160).append('[');
      for (int i = 0; i < count; i++) {
        long seq = first + i;
        int timer = (int) (seq % TIMERS);
        sink.changed(timer, sent);
        if (i > 0) sb.append(',');
        sb.append("{\"id\":\"").append(Deliveries.id(phase, sent, seq)).append("\",\"type\":\"").append(type)
            .append("\",\"subject\":{\"type\":\"timer\",\"id\":\"").append(timer)
            .append("\",\"url\":\"https://bench.invalid/timers/").append(timer)
            .append("\"},\"data\":{\"timer\":").append(timer).append(",\"seconds\":").append(seq).append("}}");
      }
      return sb.append(']').toString().getBytes(StandardCharsets.UTF_8);
    };
  }

  /**
   * Counts broadcasts per receiver and interval, spots repeats, and times how long changes waited.
   * An interval is recognised by the broadcast's {@code sent_at}: every POST of one flush carries
   * the flush's time, in whole seconds, and flushes of one receiver are at least an interval (here
   * 1 s) apart, so (receiver, sent_at) names one interval exactly.
   */
  static final class Sink implements Receiver.Sink {
    private static final byte[] SENT_AT_KEY = "\"sent_at\":\"".getBytes(StandardCharsets.US_ASCII);
    final LatencyHistogram latency = new LatencyHistogram();
    final LongAdder received = new LongAdder();
    final LongAdder repeats = new LongAdder();
    final LongAdder unparsed = new LongAdder();
    private final AtomicLongArray firstChange = new AtomicLongArray(RECEIVERS * TIMERS);
    private final AtomicIntegerArray lastInterval = new AtomicIntegerArray(RECEIVERS * TIMERS);
    private final ConcurrentHashMap<Long, LongAdder> perInterval = new ConcurrentHashMap<>();
    volatile long windowStart = Long.MAX_VALUE;
    volatile long windowEnd = Long.MAX_VALUE;

    Sink() {
      for (int i = 0; i < lastInterval.length(); i++) lastInterval.set(i, -1);
    }

    void changed(int timer, long sent) {
      for (int r = 0; r < RECEIVERS; r++) firstChange.compareAndSet(r * TIMERS + timer, 0, sent);
    }

    @Override
    public int receive(int hook, byte[] head, int length, String subject, long nanos) {
      long at = nanos - Deliveries.EPOCH;
      int i = Deliveries.indexOf(head, length, TIMER_KEY);
      int sentAt = sentAtSecondOfDay(head, length);
      if (hook < 0 || hook >= RECEIVERS || i < 0 || sentAt < 0) {
        unparsed.increment();
        return 204;
      }
      int timer = 0;
      for (int j = i; j < length && head[j] >= '0' && head[j] <= '9'; j++) timer = timer * 10 + (head[j] - '0');
      if (timer >= TIMERS) {
        unparsed.increment();
        return 204;
      }
      received.increment();
      int slot = hook * TIMERS + timer;
      int previous = lastInterval.getAndSet(slot, sentAt);
      boolean measured = at >= windowStart && at < windowEnd;
      long first = firstChange.getAndSet(slot, 0);
      if (measured) {
        if (previous == sentAt) repeats.increment();
        if (first != 0) latency.recordNanos(at - first);
        perInterval.computeIfAbsent((long) hook * 100_000 + sentAt, k -> new LongAdder()).increment();
      }
      return 204;
    }

    /** The seconds of the day of {@code "sent_at":"…THH:MM:SSZ"}, or -1. */
    static int sentAtSecondOfDay(byte[] head, int length) {
      int i = Deliveries.indexOf(head, length, SENT_AT_KEY);
      if (i < 0) return -1;
      while (i < length && head[i] != 'T' && head[i] != '"') i++;
      if (i + 9 > length || head[i] != 'T') return -1;
      int h = (head[i + 1] - '0') * 10 + (head[i + 2] - '0');
      int m = (head[i + 4] - '0') * 10 + (head[i + 5] - '0');
      int s = (head[i + 7] - '0') * 10 + (head[i + 8] - '0');
      return h * 3600 + m * 60 + s;
    }

    /** The most requests one receiver got in one interval. */
    long maxPerInterval() {
      return perInterval.values().stream().mapToLong(LongAdder::sum).max().orElse(0);
    }

    /** Requests per receiver per interval that had any, on average. */
    double meanPerInterval() {
      return perInterval.values().stream().mapToLong(LongAdder::sum).average().orElse(0);
    }
  }
}
