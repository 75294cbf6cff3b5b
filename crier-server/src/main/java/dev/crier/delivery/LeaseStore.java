package dev.crier.delivery;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Nodes and leases in the database. Every time is the database's clock; every change states the
 * owner it expects, so a node can only renew, use or give back what it still owns.
 */
public interface LeaseStore {

  /** Records that {@code node} (reachable at {@code address}) is alive now. */
  void heartbeat(String node, String address);

  /** Extends every lease {@code node} owns to now + {@code lease}; the ids it still owns. */
  Set<String> renew(String node, Duration lease);

  /** Nodes whose heartbeat is younger than {@code lease}. */
  int liveNodes(Duration lease);

  /**
   * Subscriptions that need an owner: active ones with pending deliveries or a live lease (a lane
   * busy with them), and active broadcast receivers (whose flush ticks run on their owner).
   */
  int subscriptionsNeedingOwner();

  /**
   * Takes up to {@code max} leases on subscriptions that need an owner and have none alive
   * (never held, released, or expired), atomically: two nodes can never both get one.
   *
   * @return the ids claimed
   */
  List<String> claim(String node, int max, Duration lease);

  /** The subscriptions {@code node} owns that have pending deliveries. */
  Set<String> ownedWithPendingWork(String node);

  /** Gives a lease back (only while {@code node} still owns it). */
  void release(String node, String subscriptionId);

  /** Gives back every lease of {@code node} and removes its row: an orderly stop. */
  void leave(String node);
}
