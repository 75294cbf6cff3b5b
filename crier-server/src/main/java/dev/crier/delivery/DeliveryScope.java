package dev.crier.delivery;

/**
 * Which subscriptions a read of the delivery log covers: one subscription, the subscriptions an
 * app token made, or every subscription (the admin's view).
 *
 * @param subscriptionId only this subscription, or null
 * @param ownerToken only subscriptions made with this token id, or null
 */
public record DeliveryScope(String subscriptionId, String ownerToken) {
  public static final DeliveryScope ALL = new DeliveryScope(null, null);
}
