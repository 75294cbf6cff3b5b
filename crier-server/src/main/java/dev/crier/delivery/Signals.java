package dev.crier.delivery;

import java.util.Collection;

/**
 * Messages between the nodes of a cluster: "these subscriptions got new deliveries" and "this
 * subscription changed". Best effort and fast; whatever is lost, the periodic claim tick and the
 * reconcile of subscriptions find in the database.
 */
public interface Signals extends AutoCloseable {

  /** What a node does with the messages of the others (and, for changes, its own). */
  interface Handler {
    /** Another node committed deliveries for these subscriptions. */
    void work(Collection<String> subscriptionIds);

    /** A subscription was created, changed or deleted (by any node, this one included). */
    void changed(String subscriptionId);

    /** The listening connection was (re)established: messages may have been missed. */
    void connected();
  }

  void announceWork(Collection<String> subscriptionIds);

  void announceChange(String subscriptionId);

  /** Starts delivering messages to {@code handler}, on a thread of its own. */
  void listen(Handler handler);

  @Override
  void close();

  /** One node alone: nobody to tell. */
  Signals NONE =
      new Signals() {
        @Override
        public void announceWork(Collection<String> subscriptionIds) {}

        @Override
        public void announceChange(String subscriptionId) {}

        @Override
        public void listen(Handler handler) {}

        @Override
        public void close() {}
      };
}
