package dev.crier.subscription;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Where subscriptions are kept. Secrets are stored encrypted by the implementation. */
public interface SubscriptionStore {

  void create(Subscription subscription);

  /**
   * Creates {@code subscription} unless {@code refusal} objects, in one transaction that first
   * takes the named lock, so two such creations for the same lock run one after the other and
   * each sees what the other wrote.
   *
   * @param refusal given the subscriptions of the same kind and url as they are once the lock is
   *     held, says why this one may not be created, or empty when it may
   * @return the refusal, or empty when the subscription was created
   */
  Optional<String> createUnlessRefused(
      Subscription subscription, String lockName, Function<List<Subscription>, Optional<String>> refusal);

  /**
   * The next number in a kind's own sequence (broadcast receivers and watches have numeric ids),
   * skipping numbers another kind already uses as an id.
   */
  long nextNumber(Kind kind);

  /**
   * The account a relay name belongs to ('' for the admin's), once any webhook used it: names
   * are never handed to another account, even after every webhook on them is gone.
   */
  Optional<String> relayAccount(String name);

  Optional<Subscription> find(String id);

  List<Subscription> list(Kind kind);

  /** The subscriptions of a kind sent to exactly {@code url}. */
  List<Subscription> listByUrl(Kind kind, String url);

  /** Every subscription that is not disabled: what the in-memory index holds. */
  List<Subscription> listEnabled();

  /** The ids of every subscription that is not disabled, with the time each last changed. */
  java.util.Map<String, Instant> versions();

  /**
   * Deletes it, ending its open deliveries as cancelled in the same transaction (the delivery log
   * keeps them); false when there was none.
   */
  boolean delete(String id, Instant now);

  /**
   * Commits {@code transition} with the delivery rows it affects, in one transaction guarded by
   * the status it starts from.
   *
   * @return the subscription as stored after it (before it, for a delete), or empty when the
   *     transition may not start from the stored status, or there is none
   */
  Optional<Subscription> transition(String id, Transition transition, Instant now);

  /**
   * Applies {@code change} to the row as it is stored now, under its lock, and writes its fields
   * and secrets (not its status): concurrent changes each apply to the other's result.
   *
   * @return the subscription as stored after it, or empty when there is none
   */
  Optional<Subscription> change(String id, Instant now, java.util.function.UnaryOperator<Subscription> change);
}
