package dev.crier.subscription;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where subscriptions are kept. Secrets are stored encrypted by the implementation. */
public interface SubscriptionStore {

  void create(Subscription subscription);

  /** The next number in a kind's own sequence (broadcast receivers have numeric ids). */
  long nextNumber(Kind kind);

  /** Replaces the stored fields (not status, secrets or sequence); false when there is none. */
  boolean update(Subscription subscription);

  Optional<Subscription> find(String id);

  List<Subscription> list(Kind kind);

  /** Every subscription that is not disabled: what the in-memory index holds. */
  List<Subscription> listEnabled();

  /** Deletes it with its deliveries and attempts, in one transaction; false when there was none. */
  boolean delete(String id);

  /** Moves {@code id} from {@code from} to {@code to}; false when it was not in {@code from}. */
  boolean changeStatus(String id, Status from, Status to, Instant now);

  void saveSecrets(String id, Secrets secrets, Instant now);
}
