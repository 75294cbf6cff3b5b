package dev.crier.storage;

/**
 * The database could not be reached or stayed locked; nothing was written. Callers answer 503 and
 * the client tries again.
 */
public final class StorageUnavailableException extends RuntimeException {
  public StorageUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
