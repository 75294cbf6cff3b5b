package dev.crier.event;

/** The commit queue is full: the publisher should retry shortly. Nothing was written. */
public final class OverloadedException extends RuntimeException {
  public OverloadedException(String message) {
    super(message);
  }
}
