package dev.crier.delivery;

import java.time.Duration;

/** Which subscriptions this node may send for, and for how long: the fence lanes check. */
interface Ownership {
  /** A node alone on its database owns every subscription, for ever. */
  Ownership ALONE =
      new Ownership() {
        @Override
        public boolean shared() {
          return false;
        }

        @Override
        public boolean holds(String subscriptionId) {
          return true;
        }

        @Override
        public Duration remaining(String subscriptionId) {
          return FOREVER;
        }
      };

  Duration FOREVER = Duration.ofDays(365);

  /** False on one node alone: no leases, lanes start for any subscription. */
  boolean shared();

  /** Whether this node holds the subscription's lease (it may be about to expire). */
  boolean holds(String subscriptionId);

  /**
   * How long this node may still send for the subscription: until its lease could expire in the
   * database, minus a margin; zero when it does not hold it or the time is up.
   */
  Duration remaining(String subscriptionId);
}
