package dev.crier.subscription;

/** Told of every change to subscriptions, so the delivery engine's lanes follow. */
public interface SubscriptionListener {
  void changed(Subscription subscription);

  /** A subscription was just created (nothing can be pending for it yet). */
  default void created(Subscription subscription) {
    changed(subscription);
  }

  void removed(String id);
}
