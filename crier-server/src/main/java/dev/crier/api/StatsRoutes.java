package dev.crier.api;

import dev.crier.delivery.DeliveryScope;
import dev.crier.delivery.DeliveryStats;
import dev.crier.delivery.DeliveryStats.Counts;
import dev.crier.delivery.DeliveryStats.Latency;
import dev.crier.subscription.SubscriptionStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /v1/stats}: delivery outcomes per bucket and latency percentiles over the last hour
 * (one-minute buckets) or day (15-minute buckets), for one subscription or all the caller sees.
 */
final class StatsRoutes {
  /** A window the charts show, and the width of its buckets. */
  private enum Window {
    HOUR("1h", Duration.ofHours(1), Duration.ofMinutes(1)),
    DAY("24h", Duration.ofDays(1), Duration.ofMinutes(15));

    final String wire;
    final Duration length;
    final Duration bucket;

    Window(String wire, Duration length, Duration bucket) {
      this.wire = wire;
      this.length = length;
      this.bucket = bucket;
    }

    static Window of(String wire) {
      return wire.equals(DAY.wire) ? DAY : HOUR;
    }
  }

  private final DeliveryStats stats;
  private final SubscriptionStore subscriptions;
  private final Clock clock;

  StatsRoutes(DeliveryStats stats, SubscriptionStore subscriptions, Clock clock) {
    this.stats = stats;
    this.subscriptions = subscriptions;
    this.clock = clock;
  }

  void register(RoutesConfig routes) {
    routes.get("/v1/stats", this::stats);
  }

  private void stats(Context ctx) {
    Query query = new Query(ctx, "subscription", "window");
    String subscription = query.string("subscription");
    Window window = Window.of(query.oneOf("window", Window.HOUR.wire, Window.HOUR.wire, Window.DAY.wire));
    query.done();
    DeliveryScope scope = Access.scope(ctx, subscriptions, subscription);
    // Buckets end on a boundary, so the last one is the bucket now running and a chart redrawn a
    // little later shifts by whole buckets.
    long width = window.bucket.toMillis();
    Instant to = Instant.ofEpochMilli(Math.floorDiv(clock.millis(), width) * width + width);
    int buckets = (int) (window.length.toMillis() / width);
    DeliveryStats.Stats result = stats.over(scope, to.minus(window.length), window.bucket, buckets);

    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("subscription", subscription);
    out.put("window", window.wire);
    out.put("from", to.minus(window.length).toString());
    out.put("to", to.toString());
    out.put("bucket_seconds", window.bucket.toSeconds());
    counts(out.putObject("totals"), result.totals(), result.latency());
    ArrayNode series = out.putArray("buckets");
    for (DeliveryStats.Bucket b : result.buckets()) {
      counts(series.addObject().put("start", b.start().toString()), b.counts(), b.latency());
    }
    ArrayNode bySubscription = out.putArray("subscriptions");
    result.bySubscription().forEach((id, c) -> counts(bySubscription.addObject().put("id", id), c, null));
    Json.write(ctx, 200, out);
  }

  private static void counts(ObjectNode node, Counts c, Latency latency) {
    node.put("delivered", c.delivered());
    node.put("failed", c.failed());
    node.put("retrying", c.retrying());
    node.put("filtered", c.filtered());
    node.put("cancelled", c.cancelled());
    if (latency != null) {
      node.put("p50_ms", latency.p50Ms());
      node.put("p95_ms", latency.p95Ms());
    }
  }
}
