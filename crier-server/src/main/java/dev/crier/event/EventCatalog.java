package dev.crier.event;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The declared event types, with the names kept in memory so that publishing checks them without
 * a query. A name missing from memory is looked up in the store before it is called undeclared,
 * so a type declared through another node is found.
 */
public final class EventCatalog {
  private final EventTypes store;
  private final Set<String> declared = ConcurrentHashMap.newKeySet();

  public EventCatalog(EventTypes store) {
    this.store = store;
    for (EventType type : store.list()) declared.add(type.name());
  }

  public EventTypes.Saved declare(String name, String description) {
    return declare(name, description, null);
  }

  public EventTypes.Saved declare(String name, String description, String scope) {
    EventTypes.Saved saved = store.save(name, description, scope);
    declared.add(name);
    return saved;
  }

  public Optional<EventType> find(String name) {
    return store.find(name);
  }

  public List<EventType> list() {
    return store.list();
  }

  public boolean delete(String name) {
    declared.remove(name);
    return store.delete(name);
  }

  /** Which of these names are not declared, in the order given. */
  public List<String> undeclared(Collection<String> names) {
    List<String> unknown = new ArrayList<>();
    for (String name : names) if (!declared.contains(name)) unknown.add(name);
    if (unknown.isEmpty()) return unknown;
    List<String> stillUnknown = store.undeclared(unknown);
    for (String name : unknown) if (!stillUnknown.contains(name)) declared.add(name);
    return stillUnknown;
  }
}
