package dev.crier.storage;

/**
 * The database refused the data it was given (a value it cannot hold, a constraint or check it
 * enforces); nothing was written. The same data would be refused again: callers answer 422.
 */
public final class StorageRefusedException extends RuntimeException {
  public StorageRefusedException(String message, Throwable cause) {
    super(message, cause);
  }
}
