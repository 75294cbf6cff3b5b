package dev.crier.event;

/**
 * Thrown by an {@link EventLog} when another writer stored one of the ids of a commit while it
 * ran; the commit was rolled back and can be retried as a whole.
 */
public final class ConcurrentPublishException extends RuntimeException {
  public ConcurrentPublishException(String id) {
    super("event id '" + id + "' was stored concurrently by another writer");
  }
}
