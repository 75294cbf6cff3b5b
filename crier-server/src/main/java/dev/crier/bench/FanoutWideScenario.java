package dev.crier.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/**
 * {@code fanout-wide}: one event to 10,000 webhooks; the time from the publish call until the
 * last of them is received. Repeated in rounds (at most five, within the duration), each after
 * the lanes of the round before went idle, so every round starts with no lane running, as a rare
 * event would; warm-up rounds (for {@code --warmup}, at least one) are not measured.
 */
final class FanoutWideScenario implements Scenario {
  static final int WEBHOOKS = 10_000;
  private static final int MAX_ROUNDS = 5;
  private static final long ROUND_TIMEOUT_MILLIS = 60_000;
  private static final long PAUSE_MILLIS = 3_000;

  @Override
  public String name() {
    return "fanout-wide";
  }

  @Override
  public Row run(Run run) {
    String type = "bench" + run.tag + ".fanout_wide";
    run.api.putEventType(type, "events of the bench's fanout-wide scenario");
    Deliveries d = new Deliveries(WEBHOOKS);
    int route = run.receiver.route(d);
    long setup = System.nanoTime();
    run.status(() -> String.format(Locale.ROOT, "creating %,d webhooks", WEBHOOKS));
    List<String> ids = Webhooks.create(run, route, WEBHOOKS, type, spec -> {});
    double setupSeconds = (System.nanoTime() - setup) / 1e9;
    run.say(String.format(Locale.ROOT, "%,d webhooks created in %.1f s", WEBHOOKS, setupSeconds));
    try {
      return rounds(run, d, Webhooks.events(type, false), setupSeconds);
    } finally {
      run.receiver.unroute(route);
      Webhooks.delete(run, Webhooks.COLLECTION, ids);
    }
  }

  private Row rounds(Run run, Deliveries d, Publishers.Bodies bodies, double setupSeconds) {
    List<Double> lastReceipt = new ArrayList<>();
    List<Double> warmupRounds = new ArrayList<>();
    long errors = 0;
    long events = 0;
    run.status(() -> String.format(Locale.ROOT, "round %d: %,d of %,d received", warmupRounds.size() + lastReceipt.size() + 1,
        d.received() % WEBHOOKS, WEBHOOKS));
    // Warm-up rounds (at least one, for --warmup): the JIT has compiled the webhook creation by
    // now, not the delivery path, and the first round otherwise measured the interpreter (3.5 s
    // against 1.0-1.6 s for the next). Each measured round still starts with every lane retired.
    long warmEnd = System.nanoTime() + run.warmup.toNanos();
    do {
      if (!warmupRounds.isEmpty()) Run.sleep(PAUSE_MILLIS);
      Double seconds = round(run, d, bodies, 'w', 1_000 + warmupRounds.size());
      if (seconds == null) break;
      warmupRounds.add(seconds);
    } while (System.nanoTime() < warmEnd && warmupRounds.size() < MAX_ROUNDS);
    long deadline = System.nanoTime() + run.duration.toNanos();
    long receivedWarmingUp = d.received();
    run.beginWindow();
    do {
      Run.sleep(PAUSE_MILLIS);
      Double seconds = round(run, d, bodies, 'm', lastReceipt.size());
      if (seconds == null) {
        errors++;
        break;
      }
      events++;
      lastReceipt.add(seconds);
    } while (lastReceipt.size() < MAX_ROUNDS && System.nanoTime() < deadline);
    Run.Window window = run.endWindow();
    double worst = lastReceipt.stream().mapToDouble(Double::doubleValue).max().orElse(-1);
    double best = lastReceipt.stream().mapToDouble(Double::doubleValue).min().orElse(-1);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("webhooks", WEBHOOKS);
    details.put("webhook_setup_seconds", Run.round(setupSeconds));
    details.put("rounds", lastReceipt.size());
    details.put("warmup_rounds_last_receipt_seconds", warmupRounds);
    details.put("last_receipt_seconds_per_round", lastReceipt);
    details.put("last_receipt_seconds_worst", worst);
    details.put("note", "rates and CPU% are over the rounds' busy time (publish to last receipt), not the pauses");
    String notes = String.format(Locale.ROOT, "1 event to %,d webhooks: last receipt after %.2f s (worst of %d rounds, best %.2f s)",
        WEBHOOKS, worst, lastReceipt.size(), best);
    // Rates over the rounds themselves (publish to last receipt), not the pauses between them.
    double busy = lastReceipt.stream().mapToDouble(Double::doubleValue).sum();
    // CPU is rescaled to the same time, so CPU per delivery stays the CPU of the whole window.
    double scale = busy > 0 ? window.seconds() / busy : 1;
    DoubleUnaryOperator scaled = percent -> percent < 0 ? -1 : percent * scale;
    Run.Window rounds = new Run.Window(busy > 0 ? busy : window.seconds(),
        scaled.applyAsDouble(window.serverCpuPercent()),
        scaled.applyAsDouble(window.benchCpuPercent()),
        scaled.applyAsDouble(window.jitPercent()),
        scaled.applyAsDouble(window.stealPercent()));
    return run.row(rounds, events, d.received() - receivedWarmingUp, d.latency, errors, Math.max(0, d.outstanding()), notes, details);
  }

  /** One event to every webhook; the seconds until the last receipt, or null when the publish failed. */
  private Double round(Run run, Deliveries d, Publishers.Bodies bodies, char phase, int seq) {
    long receivedBefore = d.received();
    long sent = Deliveries.now();
    d.expect(1);
    int status = run.api.publish(bodies.body(phase, sent, seq, 1));
    if (status < 200 || status >= 300) {
      d.refused(1);
      return null;
    }
    long roundEnd = System.nanoTime() + ROUND_TIMEOUT_MILLIS * 1_000_000;
    while (d.received() - receivedBefore < WEBHOOKS && System.nanoTime() < roundEnd) Run.sleep(2);
    double seconds = (d.lastReceiptNanos() - sent) / 1e9;
    run.say(String.format(Locale.ROOT, "%s round: %,d received, last after %.3f s", phase == 'w' ? "warm-up" : "measured",
        d.received() - receivedBefore, seconds));
    return Run.round(seconds);
  }
}
