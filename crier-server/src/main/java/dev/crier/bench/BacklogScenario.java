package dev.crier.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code backlog}: fills the database with pending deliveries (1,000,000 by default) and shows
 * that the server's heap does not grow with them. Ten ordered webhooks point at a receiver that
 * answers 500 and retry only after an hour: each sends its first delivery, fails, and every later
 * one waits in the database behind it. Events go out in batches of 1,000 (one tenth of the
 * backlog, fanned out to the ten webhooks). The heap is sampled throughout and once more after a
 * full GC ({@code jcmd GC.run}, when the bench started the server).
 */
final class BacklogScenario implements Scenario {
  static final int WEBHOOKS = 10;
  private static final int BATCH = 1_000;
  private static final int PUBLISHERS = 2;

  private final long deliveries;

  BacklogScenario(long deliveries) {
    this.deliveries = deliveries;
  }

  @Override
  public String name() {
    return "backlog";
  }

  @Override
  public Row run(Run run) {
    String type = "bench" + run.tag + ".backlog";
    run.api.putEventType(type, "events of the bench's backlog scenario");
    Deliveries d = new Deliveries(WEBHOOKS);
    d.answer(500);
    int route = run.receiver.route(d);
    List<String> ids = Webhooks.create(run, route, WEBHOOKS, type, spec -> {
      spec.put("ordered", true);
      spec.putArray("retry_schedule").add("1h");
    });
    try {
      return fill(run, d, Webhooks.events(type, true));
    } finally {
      run.receiver.unroute(route);
      Webhooks.delete(run, Webhooks.COLLECTION, ids);
    }
  }

  private Row fill(Run run, Deliveries d, Publishers.Bodies bodies) {
    long events = (deliveries + WEBHOOKS - 1) / WEBHOOKS;
    AtomicLong next = new AtomicLong();
    LongAdder accepted = new LongAdder();
    LongAdder errors = new LongAdder();
    WebhookScenario.Rate rate = new WebhookScenario.Rate(accepted::sum);
    run.status(() -> String.format(Locale.ROOT, "filling: %,d of %,d pending deliveries (%s events/s)",
        accepted.sum() * WEBHOOKS, events * WEBHOOKS, Report.rate(rate.perSecond())));
    run.beginWindow();
    List<Thread> publishers = new ArrayList<>();
    for (int p = 0; p < PUBLISHERS; p++) {
      publishers.add(Thread.ofVirtual().start(() -> {
        long first;
        while ((first = next.getAndAdd(BATCH)) < events) {
          int count = (int) Math.min(BATCH, events - first);
          int status = run.api.publish(bodies.body('w', Deliveries.now(), first, count));
          if (status >= 200 && status < 300) {
            accepted.add(count);
          } else {
            errors.increment(); // the batch is not retried; the errors column shows it
          }
        }
      }));
    }
    publishers.forEach(WebhookScenario::join);
    Run.Window window = run.endWindow();
    long peakWhileFilling = run.peakHeap();
    Run.sleep(3_000);
    boolean gc = run.server.jcmd("GC.run");
    Run.sleep(500);
    long afterGc = run.api.heapUsedBytes().orElse(-1);
    long pending = accepted.sum() * WEBHOOKS - d.received();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("pending_deliveries", pending);
    details.put("heap_peak_bytes", peakWhileFilling);
    details.put("heap_after_full_gc_bytes", gc ? afterGc : -1);
    details.put("heap_limit", "-Xmx" + ChildServer.HEAP);
    details.put("first_attempts_answered_500", d.received());
    String notes = String.format(Locale.ROOT, "%,d deliveries pending in the database; heap %s",
        pending, gc ? "after full GC " + Report.mib(afterGc) : "now " + Report.mib(afterGc));
    return run.row(window, accepted.sum(), accepted.sum() * WEBHOOKS, new LatencyHistogram(), errors.sum(), 0,
        notes, details);
  }
}
