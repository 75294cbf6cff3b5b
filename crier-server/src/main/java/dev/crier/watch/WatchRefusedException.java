package dev.crier.watch;

/**
 * A watch was refused because of the endpoint's other watches; the message is Noah's, word for
 * word ({@code Record already exists}, {@code Pattern would overwrite existing}, {@code Pattern is
 * already provided}). Nothing was written.
 */
public final class WatchRefusedException extends RuntimeException {
  public WatchRefusedException(String message) {
    super(message);
  }
}
