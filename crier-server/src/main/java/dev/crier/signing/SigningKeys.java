package dev.crier.signing;

import dev.crier.verify.SigningKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployment's Ed25519 signing keys for {@code v1a} signatures: made on first need, rotated
 * with an overlap in which the old and the new key both sign, published as a JWK Set.
 *
 * <p>Every send reads the keys, so they are cached and re-read from the database every {@link
 * #REFRESH}: a rotation made on another node reaches this one within that time (well inside the
 * overlap). A rotation made here is seen here at once, and a key stops signing the moment its
 * overlap ends, whatever the cache's age. Thread-safe.
 */
public final class SigningKeys {
  private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
  /** How stale this node's view of the keys may get: a rotation elsewhere shows within this. */
  public static final Duration REFRESH = Duration.ofSeconds(30);
  /** The default overlap in which the old key keeps signing beside the new one. */
  public static final Duration DEFAULT_OVERLAP = Duration.ofHours(24);
  /** The longest overlap a rotation may ask for. */
  public static final Duration MAX_OVERLAP = Duration.ofDays(7);
  /** How long a receiver may cache the JWK Set: much shorter than the default overlap. */
  public static final Duration PUBLISHED_MAX_AGE = Duration.ofMinutes(5);

  private final SigningKeyStore store;
  private final Clock clock;
  private volatile Snapshot snapshot;

  private record Snapshot(List<StoredKey> keys, Instant readAt) {}

  public SigningKeys(SigningKeyStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** The keys that sign now, newest first; at least one (made here on first need). */
  public List<SigningKey> signing() {
    return live().stream().map(StoredKey::key).toList();
  }

  /** The keys that sign now, with their generations and retirement, newest first. */
  public List<StoredKey> live() {
    Instant now = clock.instant();
    Snapshot s = snapshot;
    if (s == null || !now.isBefore(s.readAt().plus(REFRESH)) || s.keys().stream().noneMatch(k -> k.liveAt(now))) {
      s = refresh(s, now);
    }
    return s.keys().stream().filter(k -> k.liveAt(now)).toList();
  }

  /**
   * A fresh read; if the database cannot answer, the keys read before keep signing (they are
   * still the deployment's keys) and the read is tried again after {@link #REFRESH}.
   */
  private Snapshot refresh(Snapshot stale, Instant now) {
    try {
      return reload(now);
    } catch (RuntimeException e) {
      if (stale == null || stale.keys().stream().noneMatch(k -> k.liveAt(now))) throw e;
      log.warn("cannot re-read the signing keys, signing with the ones read at {}: {}", stale.readAt(), e.toString());
      Snapshot kept = new Snapshot(stale.keys(), now);
      snapshot = kept;
      return kept;
    }
  }

  /**
   * Makes a new key the current one; the keys before it keep signing for {@code overlap} (not
   * longer than they already would). Concurrent rotations are serialized by the generation: the
   * loser gets a {@link RotationConflictException}.
   */
  public synchronized List<StoredKey> rotate(Duration overlap) {
    if (overlap.isNegative() || overlap.compareTo(MAX_OVERLAP) > 0) {
      throw new IllegalArgumentException("the overlap must be from 0 to " + MAX_OVERLAP.toDays() + " days");
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    List<StoredKey> before = reload(now).keys();
    int next = before.isEmpty() ? 1 : before.get(0).generation() + 1;
    if (!store.add(new StoredKey(next, SigningKey.generate(), now, null), now.plus(overlap))) {
      throw new RotationConflictException();
    }
    return reload(now).keys().stream().filter(k -> k.liveAt(now)).toList();
  }

  private synchronized Snapshot reload(Instant now) {
    List<StoredKey> keys = store.live(now);
    if (keys.isEmpty()) {
      // First need: generation 1. Another node may make it at the same moment; then theirs wins.
      Instant created = now.truncatedTo(ChronoUnit.MILLIS);
      store.add(new StoredKey(1, SigningKey.generate(), created, null), created);
      keys = store.live(now);
      if (keys.isEmpty()) throw new IllegalStateException("no signing key, and none could be made");
    }
    Snapshot s = new Snapshot(keys, now);
    snapshot = s;
    return s;
  }
}
