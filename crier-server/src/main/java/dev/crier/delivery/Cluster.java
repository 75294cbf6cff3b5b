package dev.crier.delivery;

import dev.crier.subscription.SubscriptionStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * How the engine shares its database: {@link #alone} (SQLite: one process owns everything, no
 * leases, no messages) or {@link #shared} (PostgreSQL: a node among others, claiming leases and
 * following the others' changes).
 */
public final class Cluster {
  private final Leases leases;
  private final Signals signals;
  private final SubscriptionStore subscriptions;

  private Cluster(Leases leases, Signals signals, SubscriptionStore subscriptions) {
    this.leases = leases;
    this.signals = signals;
    this.subscriptions = subscriptions;
  }

  /** One process alone on its database; the engine reads {@code subscriptions} back after its own changes. */
  public static Cluster alone(SubscriptionStore subscriptions) {
    return new Cluster(null, Signals.NONE, subscriptions);
  }

  /**
   * One node of a cluster.
   *
   * @param node this node's id, unique for the life of the process
   * @param address where it serves (for the {@code nodes} table)
   * @param lease how long a lease lasts without renewal
   * @param meters where the node's lease metrics go
   * @param onDuplicate told (with a one-line reason) when another process took this node's id
   *     while it ran: the node has stopped sending, and the process should stop
   */
  public static Cluster shared(
      LeaseStore leases,
      Signals signals,
      SubscriptionStore subscriptions,
      String node,
      String address,
      Duration lease,
      MeterRegistry meters,
      java.util.function.Consumer<String> onDuplicate) {
    return new Cluster(new Leases(leases, signals, node, address, lease, meters, onDuplicate), signals, subscriptions);
  }

  /**
   * Whether this node may flush a broadcast receiver now: it is alone, or holds the receiver's
   * lease with time left on it (the same fence lanes use).
   */
  public Predicate<String> owns() {
    return leases == null ? id -> true : id -> !leases.remaining(id).isZero();
  }

  /** Records where this node serves, once its HTTP port is known. */
  public void serving(String address) {
    if (leases != null) leases.serving(address);
  }

  Leases leases() {
    return leases;
  }

  Signals signals() {
    return signals;
  }

  SubscriptionStore subscriptions() {
    return subscriptions;
  }
}
