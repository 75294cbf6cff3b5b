package dev.crier.event;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The durable log of published events. */
public interface EventLog {

  /**
   * Stores the events of several publish requests, and a delivery of each new event to each of
   * its targets (numbered in that subscription's own order), in one transaction. Each request is all or
   * nothing: a request whose id is already used by different content gets {@link
   * CommitResult.Conflict} and writes nothing, without failing the others.
   *
   * @param alsoInTransaction run inside the same transaction after the events are written
   *     (other writes that share the commit), or null
   * @return one result per request, in the same order
   */
  List<CommitResult> commit(List<Publication> requests, Instant receivedAt, Runnable alsoInTransaction);

  Optional<Event> find(String id);

  List<Event> list(EventQuery query);
}
