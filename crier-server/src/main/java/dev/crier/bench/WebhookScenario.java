package dev.crier.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The webhook scenarios that publish for a fixed time and count receipts: {@code fanout} (100
 * unordered webhooks, batches, closed loop), {@code ordered} (one ordered webhook, one event per
 * call, closed loop) and {@code latency} (10 webhooks with Crier's defaults, 1,000 single events a
 * second, open loop). Each warms up first; only the window after the warm-up is measured.
 */
final class WebhookScenario implements Scenario {
  /** How the events go out; returns what the publishers did. */
  @FunctionalInterface
  interface Load {
    Publishers.Counts publish(Run run, Deliveries d, Publishers.Bodies bodies, Publishers.Phases phases);
  }

  private final String name;
  private final int webhooks;
  private final Boolean ordered;
  private final boolean batches;
  private final Load load;
  /** What the notes say about the rate, when it is fixed; else null. */
  private String pace;
  /**
   * For a fixed rate: the warm-up goes on (at most {@link #MAX_SETTLE_NANOS} longer) until no
   * more deliveries than this are outstanding, so the window measures the steady state, not
   * the queue a cold JIT left behind; 0 for closed loops, whose queue is bounded anyway.
   */
  private long settleBelow;
  private static final long MAX_SETTLE_NANOS = 30_000_000_000L;
  /** The ramp holds above this many times {@link #settleBelow} outstanding (300 ms of deliveries). */
  private static final int HOLD_FACTOR = 3;
  /** How long a holding ramp may take to reach the full rate before the window starts anyway. */
  private static final long MAX_RAMP_NANOS = 120_000_000_000L;
  /**
   * How long a fixed rate takes to ramp up from a tenth: on two cores a cold server at the full
   * rate queued 30,000-100,000 deliveries while its JIT compiled, which then took longer to drain
   * than any warm-up; the window starts after the ramp, a {@code --warmup} at the full rate, and
   * the settling, in any case.
   */
  private static final long RAMP_NANOS = 30_000_000_000L;

  private WebhookScenario(String name, int webhooks, Boolean ordered, boolean batches, Load load) {
    this.name = name;
    this.webhooks = webhooks;
    this.ordered = ordered;
    this.batches = batches;
    this.load = load;
  }

  /**
   * 100 unordered webhooks; 2 publishers of 50-event batches (5,000 deliveries a call), at most
   * 20,000 deliveries outstanding: 2 s of the 10,000/s target, enough to keep every lane busy.
   */
  static WebhookScenario fanout() {
    return new WebhookScenario("fanout", 100, false, true,
        (run, d, bodies, phases) -> Publishers.closedLoop(run, d, bodies, 2, 50, 20_000, phases));
  }

  /**
   * One ordered webhook; 64 publishers of single events (each waits for its commit, so it takes
   * that many to keep one lane fed), at most 500 deliveries outstanding (0.25 s of the 2,000/s
   * target), so the lane always has work but the latency is not all queueing.
   */
  static WebhookScenario ordered() {
    return new WebhookScenario("ordered", 1, true, false,
        (run, d, bodies, phases) -> Publishers.closedLoop(run, d, bodies, 64, 1, 500, phases));
  }

  /** 10 webhooks as created by default (ordered); single events at a fixed rate (the is 1,000 a second). */
  static WebhookScenario latency(int eventsPerSecond) {
    WebhookScenario latency = new WebhookScenario("latency", 10, null, false,
        (run, d, bodies, phases) -> Publishers.openLoop(run, d, bodies, eventsPerSecond, 1, 256, RAMP_NANOS, HOLD_FACTOR * Math.max(100, eventsPerSecond), phases));
    latency.pace = String.format(Locale.ROOT, "%,d events/s", eventsPerSecond);
    latency.settleBelow = Math.max(100, eventsPerSecond); // 100 ms of its 10 webhooks' deliveries
    return latency;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Row run(Run run) {
    String type = "bench" + run.tag + "." + name.replace('-', '_');
    run.api.putEventType(type, "events of the bench's " + name + " scenario");
    Deliveries d = new Deliveries(webhooks);
    int route = run.receiver.route(d);
    List<String> ids = Webhooks.create(run, route, webhooks, type, spec -> {
      if (ordered != null) spec.put("ordered", ordered);
    });
    try {
      return measure(run, d, Webhooks.events(type, batches));
    } finally {
      run.receiver.unroute(route);
      Webhooks.delete(run, Webhooks.COLLECTION, ids);
    }
  }

  private Row measure(Run run, Deliveries d, Publishers.Bodies bodies) {
    long started = System.nanoTime();
    long warmupEnd = started + (settleBelow > 0 ? Math.max(run.warmup.toNanos(), RAMP_NANOS) : run.warmup.toNanos());
    // the warm-up lasts until it is ended below, when the JIT is quiet (and a fixed rate settled)
    Publishers.Phases phases = new Publishers.Phases(Long.MAX_VALUE, Long.MAX_VALUE);
    Rate rate = new Rate(d::received);
    run.status(() -> String.format(Locale.ROOT, "%s delivered %,d (%s/s), outstanding %,d, slowest %,.1f ms",
        System.nanoTime() < phases.warmEnd() ? "warming up," : "measuring,", d.received(), Report.rate(rate.perSecond()),
        d.outstanding(), d.takeRecentWorstMillis()));
    Publishers.Counts[] counts = new Publishers.Counts[1];
    Thread publishers = Thread.ofVirtual().start(() -> counts[0] = load.publish(run, d, bodies, phases));
    sleepUntil(warmupEnd);
    if (settleBelow > 0) { // a ramp that holds for a backlog: the window waits for the full rate
      long rampUntil = started + MAX_RAMP_NANOS;
      while (!phases.fullRate() && System.nanoTime() < rampUntil) Run.sleep(50);
      // then the warm-up proper, at the full rate: the ramp leaves the server just reaching it,
      // and the first seconds there (a backlog of up to 100 ms, code paths new at that rate)
      // held most of the window's slowest deliveries
      run.say("full rate reached; warming up at it for " + run.warmup.toSeconds() + " s");
      sleepUntil(System.nanoTime() + run.warmup.toNanos());
    }
    double jitWait = run.awaitQuietJit();
    double settledAfter = 0;
    if (settleBelow > 0) {
      long settleUntil = System.nanoTime() + MAX_SETTLE_NANOS;
      while (d.outstanding() > settleBelow && System.nanoTime() < settleUntil) Run.sleep(50);
      settledAfter = (System.nanoTime() - started) / 1e9;
      run.say(String.format(Locale.ROOT, "warm-up ended after %.1f s, %,d deliveries outstanding", settledAfter, d.outstanding()));
    }
    phases.measureFrom(System.nanoTime(), run.duration.toNanos());
    long end = phases.end();
    long receivedBefore = d.received();
    run.beginWindow();
    sleepUntil(end);
    long delivered = d.received() - receivedBefore;
    Run.Window window = run.endWindow();
    join(publishers);
    run.status(() -> String.format(Locale.ROOT, "draining: %,d of %,d deliveries outstanding", d.outstanding(), d.expected()));
    Publishers.drain(d, 10_000, 120_000);
    Publishers.Counts c = counts[0];
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("webhooks", webhooks);
    details.put("ordered", ordered == null ? "default" : ordered);
    details.put("events_accepted_total", c.allEvents.sum());
    details.put("deliveries_expected_total", d.expected());
    details.put("deliveries_received_total", d.received());
    details.put("bench_cpu_percent", window.benchCpuPercent());
    details.put("max_ms", d.latency.maxMicros() / 1000.0);
    if (c.answered.count() > 0) {
      details.put("publish_answer_p50_ms", c.answered.percentile(0.50) / 1000.0);
      details.put("publish_answer_p99_ms", c.answered.percentile(0.99) / 1000.0);
    }
    details.put("warmup_seconds_waiting_for_quiet_jit", Run.round(jitWait));
    if (settleBelow > 0) details.put("warmup_seconds_until_settled", Run.round(settledAfter));
    if (c.skipped.sum() > 0) details.put("events_skipped_server_behind", c.skipped.sum());
    if (c.skippedWarmingUp.sum() > 0) details.put("events_skipped_warming_up", c.skippedWarmingUp.sum());
    if (d.unparsed() > 0) details.put("receipts_without_bench_id", d.unparsed());
    long missing = Math.max(0, d.outstanding());
    String notes = webhooks + (webhooks == 1 ? " webhook" : " webhooks")
        + (ordered == null ? " (default: ordered)" : ordered ? " ordered" : " unordered");
    if (pace != null) notes += ", " + pace;
    if (c.skipped.sum() > 0) notes += "; " + c.skipped.sum() + " events not sent in time (server behind)";
    return run.row(window, c.measuredEvents.sum(), delivered, d.latency, c.errors.sum() + c.skipped.sum(), missing,
        notes, details);
  }

  static void sleepUntil(long nanoTime) {
    long wait;
    while ((wait = nanoTime - System.nanoTime()) > 0) Run.sleep(Math.max(1, Math.min(wait / 1_000_000, 200)));
  }

  static void join(Thread t) {
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The rate of a growing counter between two progress lines. */
  static final class Rate {
    private final java.util.function.LongSupplier counter;
    private long lastValue;
    private long lastTime = System.nanoTime();

    Rate(java.util.function.LongSupplier counter) {
      this.counter = counter;
      this.lastValue = counter.getAsLong();
    }

    synchronized double perSecond() {
      long value = counter.getAsLong();
      long now = System.nanoTime();
      double rate = (value - lastValue) / ((now - lastTime) / 1e9);
      lastValue = value;
      lastTime = now;
      return rate;
    }
  }
}
