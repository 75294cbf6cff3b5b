package dev.crier.event;

import java.util.List;

/** Decides where an event goes, from memory, before it is committed. */
public interface FanOut {

  /**
   * Where one event goes.
   *
   * @param deliveries subscriptions that get a delivery of it (webhooks and the like)
   * @param coalesced subscriptions that keep only the latest event per subject (broadcast
   *     receivers): one upsert each, sent at their interval
   */
  record Targets(List<String> deliveries, List<String> coalesced) {
    public static final Targets NONE = new Targets(List.of(), List.of());

    public static Targets deliveryTo(String subscriptionId) {
      return new Targets(List.of(subscriptionId), List.of());
    }
  }

  Targets targets(NewEvent event);

  FanOut NONE = event -> Targets.NONE;
}
