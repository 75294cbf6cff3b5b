package dev.crier.storage;

import dev.crier.config.InvalidSettingException;
import dev.crier.config.Settings;
import dev.crier.secrets.SecretBox;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database's master key check (the {@code master_key} row: the fingerprint of the key its
 * secrets are sealed under) and the re-encryption a rotation does. Every node on one database
 * must hold that key, else each could not read the other's secrets: deliveries of webhooks made
 * on one node would get no signature on the other, and events would be lost.
 */
public final class SqlMasterKey implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SqlMasterKey.class);

  /** Every sealed column, as (table, key column, sealed column). */
  private static final List<String[]> SEALED =
      List.of(
          new String[] {"subscriptions", "id", "secret"},
          new String[] {"subscriptions", "id", "previous_secret"},
          new String[] {"apps", "id", "secret"},
          new String[] {"tokens", "id", "token_sealed"},
          new String[] {"signing_keys", "generation", "private_key"});

  private final Database db;
  private final Clock clock;
  private ScheduledExecutorService follower;
  private String unknownKey;

  public SqlMasterKey(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /**
   * Checks the box's keys against the database's, storing the check if this is the first node,
   * and seals from now on under the key the database names.
   *
   * @throws InvalidSettingException (one line naming {@code CRIER_MASTER_KEY}) when the box does
   *     not hold the database's key
   */
  public void check(SecretBox box) {
    String current =
        db.inTransaction(
            h -> {
              String stored = current(h);
              if (stored != null) return stored;
              // The first node, or a database from before the check: if secrets are stored
              // already, the key is the one they open under, not whichever node starts first.
              String first = keyOfStoredSecrets(h, box);
              if (first == null) return null;
              h.createUpdate(
                      "INSERT INTO master_key (id, fingerprint, changed_at) VALUES (1, :fp, :now)"
                          + " ON CONFLICT (id) DO NOTHING")
                  .bind("fp", first)
                  .bind("now", clock.millis())
                  .execute();
              return current(h);
            });
    if (current == null || !box.sealWith(current)) throw refusal();
  }

  private static InvalidSettingException refusal() {
    return new InvalidSettingException(
        Settings.Key.MASTER_KEY.env()
            + " is not this database's master key (every node on one database needs the same one;"
            + " unset, it is master.key in the data directory): set the key the other nodes use,"
            + " or rotate it with crier rotate-master-key");
  }

  private static String current(Handle h) {
    return h.createQuery("SELECT fingerprint FROM master_key WHERE id = 1").mapTo(String.class).findOne().orElse(null);
  }

  /** The fingerprint of the box's key that opens a stored secret; the box's own when none is stored; null if none opens. */
  private static String keyOfStoredSecrets(Handle h, SecretBox box) {
    for (String[] column : SEALED) {
      String sample =
          h.createQuery("SELECT " + column[2] + " FROM " + column[0] + " WHERE " + column[2] + " IS NOT NULL LIMIT 1")
              .mapTo(String.class)
              .findOne()
              .orElse(null);
      if (sample == null) continue;
      for (String fp : box.fingerprints()) if (box.sealedUnder(sample, fp)) return fp;
      return null;
    }
    return box.fingerprints().get(0);
  }

  /**
   * Follows the database's key every second, so that once a rotation moved it this node seals
   * under the new key (the rotation re-encrypts what was sealed under the old one meanwhile).
   */
  public void follow(SecretBox box) {
    follower =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("crier-master-key").daemon(true).unstarted(r));
    follower.scheduleWithFixedDelay(() -> refresh(box), 1, 1, TimeUnit.SECONDS);
  }

  private void refresh(SecretBox box) {
    try {
      String current = db.withHandle(SqlMasterKey::current);
      if (current != null && !current.equals(box.sealingFingerprint()) && !box.sealWith(current)
          && !current.equals(unknownKey)) {
        unknownKey = current; // said once per rotation, not every second
        log.error("{} is not this database's master key any more (it was rotated); restart this node with the new key",
            Settings.Key.MASTER_KEY.env());
      }
    } catch (RuntimeException e) {
      log.debug("master key check failed (the database may be unreachable): {}", e.toString());
    }
  }

  /**
   * Makes the box's configured key the database's, then re-seals under it every secret sealed
   * under the previous key, one row at a time (each update expects the value it read, so a
   * secret changed meanwhile is left to the next pass), until a pass finds none.
   *
   * @return how many secrets were re-sealed
   */
  public int rotate(SecretBox box, java.time.Duration settle) throws InterruptedException {
    check(box);
    String target = box.fingerprints().get(0);
    db.withHandle(
        h ->
            h.createUpdate("UPDATE master_key SET fingerprint = :fp, changed_at = :now WHERE id = 1")
                .bind("fp", target)
                .bind("now", clock.millis())
                .execute());
    box.sealWith(target);
    // nodes notice the new key within a second; a secret one of them sealed just before lands
    // in a later pass
    Thread.sleep(settle.toMillis());
    int total = 0;
    for (int pass = reseal(box, target); pass > 0; pass = reseal(box, target)) total += pass;
    return total;
  }

  private int reseal(SecretBox box, String target) {
    int count = 0;
    for (String[] column : SEALED) {
      List<java.util.Map.Entry<Object, String>> rows =
          db.withHandle(
              h ->
                  h.createQuery(
                          "SELECT " + column[1] + " AS k, " + column[2] + " AS v FROM " + column[0] + " WHERE "
                              + column[2] + " IS NOT NULL")
                      .map((rs, ctx) -> java.util.Map.entry(rs.getObject("k"), rs.getString("v")))
                      .list());
      for (var row : rows) {
        if (box.sealedUnder(row.getValue(), target)) continue;
        String resealed = box.seal(box.open(row.getValue()));
        count +=
            db.withHandle(
                h ->
                    h.createUpdate(
                            "UPDATE " + column[0] + " SET " + column[2] + " = :new WHERE " + column[1] + " = :k AND "
                                + column[2] + " = :old")
                        .bind("new", resealed)
                        .bind("k", row.getKey())
                        .bind("old", row.getValue())
                        .execute());
      }
    }
    return count;
  }

  @Override
  public void close() {
    if (follower != null) follower.shutdownNow();
  }
}
