package dev.crier.signing;

import java.time.Instant;
import java.util.List;

/** Where the signing keys are kept; the implementation seals the private keys. */
public interface SigningKeyStore {

  /** Keys that have not retired by {@code now}, newest generation first. */
  List<StoredKey> live(Instant now);

  /**
   * Adds {@code next} as the newest generation and retires every older key still live at
   * {@code retireBy} (or later) at {@code retireBy}, in one transaction.
   *
   * @return false, with nothing written, if that generation exists already (another node or
   *     request rotated first)
   */
  boolean add(StoredKey next, Instant retireBy);
}
