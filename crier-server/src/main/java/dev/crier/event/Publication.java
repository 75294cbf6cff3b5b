package dev.crier.event;

import java.util.List;

/**
 * One publish request inside a group commit: its events, and for each event the subscriptions it
 * goes to.
 */
public record Publication(List<NewEvent> events, List<FanOut.Targets> targets) {
  public Publication {
    if (events.size() != targets.size()) throw new IllegalArgumentException("one target list per event");
  }
}
