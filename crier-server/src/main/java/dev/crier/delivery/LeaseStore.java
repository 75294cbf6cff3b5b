package dev.crier.delivery;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Nodes and leases in the database. Every time is the database's clock; every change states the
 * owner it expects, so a node can only renew, use or give back what it still owns.
 */
public interface LeaseStore {

  /**
   * Makes {@code node}'s row this process's ({@code token}, random per process), unless another
   * live process heartbeats under the same id: a row whose heartbeat is younger than {@code
   * lease} and has another token is watched for {@code settle}, and if it moves on meanwhile
   * the id is taken (a copied data directory). One that stands still is this node's previous
   * run, dead.
   *
   * @return false when another live process holds the id
   */
  boolean join(String node, String token, String address, Duration lease, Duration settle);

  /**
   * Records that {@code node} (reachable at {@code address}) is alive now.
   *
   * @return false when the row carries another process's token: another process took this id
   */
  boolean heartbeat(String node, String token, String address);

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
