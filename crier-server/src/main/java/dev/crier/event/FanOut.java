package dev.crier.event;

import java.util.List;

/** Decides which subscriptions an event goes to, from memory, before it is committed. */
public interface FanOut {

  /** The ids of the subscriptions that should get a delivery of {@code event}. */
  List<String> targets(NewEvent event);

  FanOut NONE = event -> List.of();
}
