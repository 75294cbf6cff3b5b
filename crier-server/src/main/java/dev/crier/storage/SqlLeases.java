package dev.crier.storage;

import dev.crier.delivery.LeaseStore;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Nodes and leases in the {@code nodes} and {@code leases} tables, timed by the database's clock.
 * Every change states the owner or the expiry it expects, so a lease never has two owners.
 */
public final class SqlLeases implements LeaseStore {
  /** Active broadcast receivers, and active subscriptions with pending deliveries. */
  private static final String HAS_WORK =
      "s.status = 'active' AND (s.kind = 'broadcast' OR " + SqlDeliveries.hasPending("s.id") + ")";

  /** The subscriptions this node (:node) holds a lease on and that have pending deliveries. */
  static final String OWNED_WITH_WORK =
      "SELECT l.subscription_id FROM leases l WHERE l.owner = :node AND "
          + SqlDeliveries.hasPending("l.subscription_id");

  private final Database db;
  private final String now;

  public SqlLeases(Database db) {
    this.db = db;
    this.now = db.dialect().nowMillis();
  }

  @Override
  public boolean join(String node, String token, String address, Duration lease, Duration settle) {
    Long seen = otherHeartbeat(node, token, lease);
    if (seen != null) {
      try {
        Thread.sleep(settle.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while checking the node id", e);
      }
      Long now = otherHeartbeat(node, token, Duration.ofDays(36500));
      if (now != null && now > seen) return false;
    }
    db.withHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO nodes (id, address, started_at, heartbeat_at, token) VALUES (:id, :address, " + now
                        + ", " + now + ", :token) ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at,"
                        + " started_at = excluded.started_at, address = excluded.address, token = excluded.token")
                .bind("id", node)
                .bind("address", address)
                .bind("token", token)
                .execute());
    return true;
  }

  /** The heartbeat of {@code node}'s row when another process's token is on it and it is younger than {@code lease}. */
  private Long otherHeartbeat(String node, String token, Duration lease) {
    return db.withHandle(
        h ->
            h.createQuery(
                    "SELECT heartbeat_at FROM nodes WHERE id = :id AND token IS NOT NULL AND token <> :token"
                        + " AND heartbeat_at > " + now + " - :lease")
                .bind("id", node)
                .bind("token", token)
                .bind("lease", lease.toMillis())
                .mapTo(Long.class)
                .findOne()
                .orElse(null));
  }

  @Override
  public boolean heartbeat(String node, String token, String address) {
    return db.withHandle(
            h ->
                h.createUpdate(
                        "INSERT INTO nodes (id, address, started_at, heartbeat_at, token) VALUES (:id, :address, " + now
                            + ", " + now + ", :token) ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at,"
                            + " address = excluded.address WHERE nodes.token = excluded.token")
                    .bind("id", node)
                    .bind("address", address)
                    .bind("token", token)
                    .execute())
        == 1;
  }

  /**
   * Renews every lease this node owns, locking them in id order: outcome writes hold some of
   * them {@code FOR SHARE} in that order too (see SqlDeliveries), so the two never deadlock.
   */
  @Override
  public Set<String> renew(String node, Duration lease) {
    return db.withHandle(
        h ->
            new HashSet<>(
                h.createQuery(
                        "UPDATE leases SET expires_at = " + now + " + :lease WHERE subscription_id IN"
                            + " (SELECT subscription_id FROM leases WHERE owner = :node ORDER BY subscription_id"
                            + " FOR UPDATE) AND owner = :node RETURNING subscription_id")
                    .bind("node", node)
                    .bind("lease", lease.toMillis())
                    .mapTo(String.class)
                    .list()));
  }

  @Override
  public int liveNodes(Duration lease) {
    return db.withHandle(
        h ->
            h.createQuery("SELECT COUNT(*) FROM nodes WHERE heartbeat_at > " + now + " - :lease")
                .bind("lease", lease.toMillis())
                .mapTo(Integer.class)
                .one());
  }

  @Override
  public int subscriptionsNeedingOwner() {
    return db.withHandle(
        h ->
            h.createQuery(
                    "SELECT COUNT(*) FROM subscriptions s WHERE " + HAS_WORK + " OR (s.status = 'active' AND EXISTS"
                        + " (SELECT 1 FROM leases l WHERE l.subscription_id = s.id AND l.expires_at >= " + now + "))")
                .mapTo(Integer.class)
                .one());
  }

  /**
   * Two statements, neither of which can deadlock with another claimer. Expired leases are taken
   * over with {@code FOR UPDATE SKIP LOCKED}: a row another claimer (or its renewing owner) has
   * locked is skipped, not waited for, and a row renewed since the snapshot fails the re-checked
   * expiry. Subscriptions that never had a lease row get one with {@code INSERT ... ON CONFLICT DO
   * NOTHING}, in id order, so concurrent inserters wait for each other in one order (a random
   * order deadlocked: LeaseClaimsTest found it).
   */
  @Override
  public List<String> claim(String node, int max, Duration lease) {
    if (max <= 0) return List.of();
    return db.withHandle(
        h -> {
          List<String> claimed =
              new java.util.ArrayList<>(
                  h.createQuery(
                          "UPDATE leases SET owner = :node, expires_at = " + now + " + :lease WHERE expires_at < " + now
                              + " AND subscription_id IN (SELECT l.subscription_id FROM leases l JOIN subscriptions s"
                              + " ON s.id = l.subscription_id WHERE l.expires_at < " + now + " AND " + HAS_WORK
                              + " LIMIT :max FOR UPDATE OF l SKIP LOCKED) RETURNING subscription_id")
                      .bind("node", node)
                      .bind("lease", lease.toMillis())
                      .bind("max", max)
                      .mapTo(String.class)
                      .list());
          if (claimed.size() < max) {
            claimed.addAll(
                h.createQuery(
                        "INSERT INTO leases (subscription_id, owner, expires_at)"
                            + " SELECT s.id, :node, " + now + " + :lease FROM subscriptions s WHERE " + HAS_WORK
                            + " AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.subscription_id = s.id)"
                            + " ORDER BY s.id LIMIT :max ON CONFLICT (subscription_id) DO NOTHING"
                            + " RETURNING subscription_id")
                    .bind("node", node)
                    .bind("lease", lease.toMillis())
                    .bind("max", max - claimed.size())
                    .mapTo(String.class)
                    .list());
          }
          return claimed;
        });
  }

  @Override
  public Set<String> ownedWithPendingWork(String node) {
    return db.withHandle(
        h ->
            new HashSet<>(
                h.createQuery(OWNED_WITH_WORK)
                    .bind("node", node)
                    .mapTo(String.class)
                    .list()));
  }

  @Override
  public void release(String node, String subscriptionId) {
    db.withHandle(
        h ->
            h.createUpdate("DELETE FROM leases WHERE subscription_id = :id AND owner = :node")
                .bind("id", subscriptionId)
                .bind("node", node)
                .execute());
  }

  @Override
  public void leave(String node) {
    db.inTransaction(
        h -> {
          h.createUpdate("DELETE FROM leases WHERE owner = :node").bind("node", node).execute();
          return h.createUpdate("DELETE FROM nodes WHERE id = :node").bind("node", node).execute();
        });
  }
}
