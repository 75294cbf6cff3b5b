package dev.crier.delivery;

/**
 * Another live process runs under this node's id (a copied data directory): starting would make
 * two owners of the same leases. The message names the setting to fix, in one line.
 */
public final class DuplicateNodeException extends RuntimeException {
  public DuplicateNodeException(String message) {
    super(message);
  }
}
