package dev.crier.event;

/** An event id was published before with different content. */
public final class IdempotencyConflictException extends RuntimeException {
  private final String id;

  public IdempotencyConflictException(String id) {
    super("event id '" + id + "' was already published with different content");
    this.id = id;
  }

  public String id() {
    return id;
  }
}
