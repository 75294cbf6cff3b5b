package dev.crier.storage;

import dev.crier.delivery.DeliveryScope;
import dev.crier.delivery.DeliveryStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * Outcome counts and latency percentiles from the {@code deliveries} and {@code attempts} tables,
 * aggregated by the database in one SQL text both engines run: integer bucket arithmetic on the
 * epoch-millisecond columns, and nearest-rank percentiles from {@code ROW_NUMBER()} (SQLite has no
 * {@code percentile_cont}).
 */
public final class SqlDeliveryStats implements DeliveryStats {
  private static final int[] PERCENTILES = {50, 95};

  private final Database db;

  public SqlDeliveryStats(Database db) {
    this.db = db;
  }

  /**
   * The condition on a subscription id column that keeps a query inside {@code scope}; its
   * parameters are bound by {@link #bindScope}.
   */
  static String scopeCondition(String column, DeliveryScope scope) {
    StringBuilder sql = new StringBuilder();
    if (scope.subscriptionId() != null) sql.append(" AND ").append(column).append(" = :scope_id");
    if (scope.ownerToken() != null) {
      sql.append(" AND ").append(column).append(" IN (SELECT id FROM subscriptions WHERE owner = :scope_owner)");
    }
    return sql.toString();
  }

  static void bindScope(Query query, DeliveryScope scope) {
    if (scope.subscriptionId() != null) query.bind("scope_id", scope.subscriptionId());
    if (scope.ownerToken() != null) query.bind("scope_owner", scope.ownerToken());
  }

  /**
   * One row per outcome in the window: subscription, outcome, bucket number and latency. A
   * delivery counts at its last attempt (filtered ones, never attempted, when they were
   * filtered); pending deliveries count only once tried; cancelled ones when they were cancelled
   * (their subscription deleted). Broadcast attempts (sub_seq 0) count
   * one by one. {@code updated_at} is never older than the last attempt, so it bounds the scan.
   * The scan reads the {@code (status, updated_at)} index, so its cost follows the window's
   * deliveries rather than the whole retention.
   */
  private static String outcomes(DeliveryScope scope) {
    String at = "CASE WHEN d.status = 'cancelled' THEN d.updated_at ELSE COALESCE(d.last_attempt_at, d.updated_at) END";
    return "WITH o AS ("
        + "SELECT d.subscription_id AS sid,"
        + " CASE WHEN d.status = 'pending' THEN 'retrying' ELSE d.status END AS outcome,"
        + " (" + at + " - :from) / :width AS b, d.last_duration_ms AS ms"
        // the status list lets both engines range-scan the (status, updated_at) index
        + " FROM deliveries d WHERE d.status IN ('delivered', 'failed', 'pending', 'filtered', 'cancelled')"
        + " AND (d.status <> 'pending' OR d.attempts > 0)"
        + " AND d.updated_at >= :from AND " + at + " >= :from AND " + at + " < :to"
        + scopeCondition("d.subscription_id", scope)
        + " UNION ALL "
        + "SELECT a.subscription_id AS sid,"
        + " CASE WHEN a.response_status >= 200 AND a.response_status < 300 THEN 'delivered' ELSE 'failed' END AS outcome,"
        + " (a.attempted_at - :from) / :width AS b, a.duration_ms AS ms"
        + " FROM attempts a WHERE a.sub_seq = 0 AND a.attempted_at >= :from AND a.attempted_at < :to"
        + scopeCondition("a.subscription_id", scope)
        + ") ";
  }

  private record Row(String subscriptionId, long bucket, Counts counts) {}

  @Override
  public Stats over(DeliveryScope scope, Instant from, Duration bucket, int buckets) {
    long start = from.toEpochMilli();
    long width = bucket.toMillis();
    long end = start + width * buckets;
    return db.withHandle(
        h -> {
          Map<Long, Counts> byBucket = new TreeMap<>();
          Map<String, Counts> bySubscription = new TreeMap<>();
          Query counts = h.createQuery(outcomes(scope) + "SELECT sid, b, outcome, COUNT(*) AS n FROM o GROUP BY sid, b, outcome");
          bind(counts, scope, start, end, width)
              .map((rs, ctx) -> new Row(rs.getString("sid"), rs.getLong("b"), counts(rs.getString("outcome"), rs.getLong("n"))))
              .forEach(row -> {
                byBucket.merge(row.bucket(), row.counts(), Counts::plus);
                bySubscription.merge(row.subscriptionId(), row.counts(), Counts::plus);
              });
          Map<Long, Latency> latency = latency(h, scope, start, end, width);
          Latency whole = latency(h, scope, start, end, end - start).getOrDefault(0L, Latency.NONE);
          List<Bucket> series = new ArrayList<>(buckets);
          Counts totals = Counts.NONE;
          for (long b = 0; b < buckets; b++) {
            Counts c = byBucket.getOrDefault(b, Counts.NONE);
            totals = totals.plus(c);
            series.add(new Bucket(Instant.ofEpochMilli(start + b * width), c, latency.getOrDefault(b, Latency.NONE)));
          }
          return new Stats(totals, whole, series, bySubscription);
        });
  }

  /** Nearest-rank percentiles per bucket: the value at rank ceil(p × n / 100) of the sorted latencies. */
  private static Map<Long, Latency> latency(Handle h, DeliveryScope scope, long start, long end, long width) {
    StringBuilder sql =
        new StringBuilder(outcomes(scope))
            .append(", r AS (SELECT b, ms, ROW_NUMBER() OVER (PARTITION BY b ORDER BY ms) AS rn,")
            .append(" COUNT(*) OVER (PARTITION BY b) AS n FROM o WHERE ms IS NOT NULL)")
            .append(" SELECT b");
    for (int p : PERCENTILES) {
      sql.append(", MAX(CASE WHEN rn = (").append(p).append(" * n + 99) / 100 THEN ms END) AS p").append(p);
    }
    sql.append(" FROM r GROUP BY b");
    Map<Long, Latency> out = new HashMap<>();
    bind(h.createQuery(sql.toString()), scope, start, end, width)
        .map((rs, ctx) -> Map.entry(rs.getLong("b"), new Latency(rs.getInt("p50"), rs.getInt("p95"))))
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private static Query bind(Query query, DeliveryScope scope, long start, long end, long width) {
    query.bind("from", start).bind("to", end).bind("width", width);
    bindScope(query, scope);
    return query;
  }

  private static Counts counts(String outcome, long n) {
    return switch (outcome) {
      case "delivered" -> new Counts(n, 0, 0, 0, 0);
      case "failed" -> new Counts(0, n, 0, 0, 0);
      case "retrying" -> new Counts(0, 0, n, 0, 0);
      case "filtered" -> new Counts(0, 0, 0, n, 0);
      case "cancelled" -> new Counts(0, 0, 0, 0, n);
      default -> throw new IllegalStateException("unknown outcome " + outcome);
    };
  }
}
