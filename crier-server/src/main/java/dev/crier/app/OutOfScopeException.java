package dev.crier.app;

/** A token asked for something its scope does not grant; the message names the scope it lacks. */
public final class OutOfScopeException extends RuntimeException {
  public OutOfScopeException(String message) {
    super(message);
  }
}
