package dev.crier.event;

import java.util.List;
import java.util.Optional;

/** The catalog of declared event types. */
public interface EventTypes {

  /** The outcome of a {@link #save}: the stored type, and whether it was new. */
  record Saved(EventType type, boolean created) {}

  Saved save(String name, String description, String scope);

  Optional<EventType> find(String name);

  List<EventType> list();

  /** Removes a type; false when there was none. Events already published keep their type. */
  boolean delete(String name);

  /** Which of these names are not declared. */
  List<String> undeclared(java.util.Collection<String> names);
}
