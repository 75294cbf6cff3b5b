package dev.crier.event;

import java.time.Instant;

/** A declared kind of event, {@code resource.action}, with what it means for integrators. */
public record EventType(String name, String description, Instant createdAt, Instant updatedAt) {

  /** The resource part of the name: {@code timer} for {@code timer.running}. */
  public String resource() {
    return EventTypeName.resourceOf(name);
  }
}
