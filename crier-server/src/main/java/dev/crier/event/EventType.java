package dev.crier.event;

import java.time.Instant;

/**
 * A declared kind of event, {@code resource.action}, with what it means for integrators.
 *
 * @param scope the notification scope that grants it ({@code people} for {@code person.create}),
 *     or null for the regular plural of its resource
 */
public record EventType(String name, String description, String scope, Instant createdAt, Instant updatedAt) {

  /** The resource part of the name: {@code timer} for {@code timer.running}. */
  public String resource() {
    return EventTypeName.resourceOf(name);
  }
}
