package dev.crier.delivery;

import java.util.Optional;

/**
 * A delivery's public id, {@code <subscription id>-<sub seq>}: the subscription and the place in
 * its order, which is also the delivery's key in the database.
 */
public record DeliveryId(String subscriptionId, long subSeq) {

  public static String format(String subscriptionId, long subSeq) {
    return subscriptionId + "-" + subSeq;
  }

  public static Optional<DeliveryId> parse(String text) {
    int dash = text.lastIndexOf('-');
    if (dash <= 0 || dash == text.length() - 1) return Optional.empty();
    try {
      return Optional.of(new DeliveryId(text.substring(0, dash), Long.parseLong(text.substring(dash + 1))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return format(subscriptionId, subSeq);
  }
}
