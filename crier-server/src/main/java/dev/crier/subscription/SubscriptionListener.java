package dev.crier.subscription;

/** Told of every change to subscriptions, so the delivery engine's lanes follow. */
public interface SubscriptionListener {
  void changed(Subscription subscription);

  void removed(String id);
}
