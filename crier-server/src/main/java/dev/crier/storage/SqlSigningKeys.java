package dev.crier.storage;

import dev.crier.secrets.SecretBox;
import dev.crier.signing.SigningKeyStore;
import dev.crier.signing.StoredKey;
import dev.crier.verify.SigningKey;
import dev.crier.verify.VerificationKey;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** The {@code signing_keys} table; private keys sealed by the {@link SecretBox}. */
public final class SqlSigningKeys implements SigningKeyStore {
  private final Database db;
  private final SecretBox box;

  public SqlSigningKeys(Database db, SecretBox box) {
    this.db = db;
    this.box = box;
  }

  @Override
  public List<StoredKey> live(Instant now) {
    return db.withHandle(
        h ->
            h.createQuery(
                    "SELECT generation, kid, public_key, private_key, created_at, retires_at"
                        + " FROM signing_keys WHERE retires_at IS NULL OR retires_at > :now"
                        + " ORDER BY generation DESC")
                .bind("now", now.toEpochMilli())
                .map((rs, ctx) -> row(rs))
                .list());
  }

  @Override
  public boolean add(StoredKey next, Instant retireBy) {
    SigningKey key = next.key();
    return db.inTransaction(
        h -> {
          int inserted =
              h.createUpdate(
                      "INSERT INTO signing_keys (generation, kid, public_key, private_key, created_at)"
                          + " VALUES (:generation, :kid, :public_key, :private_key, :created_at)"
                          + " ON CONFLICT (generation) DO NOTHING")
                  .bind("generation", next.generation())
                  .bind("kid", key.kid())
                  .bind("public_key", key.verificationKey().x())
                  .bind("private_key", box.seal(key.exportPrivateKey()))
                  .bind("created_at", next.createdAt().toEpochMilli())
                  .execute();
          if (inserted != 1) return false;
          h.createUpdate(
                  "UPDATE signing_keys SET retires_at = :retire_by WHERE generation < :generation"
                      + " AND (retires_at IS NULL OR retires_at > :retire_by)")
              .bind("retire_by", retireBy.toEpochMilli())
              .bind("generation", next.generation())
              .execute();
          return true;
        });
  }

  private StoredKey row(ResultSet rs) throws SQLException {
    long retires = rs.getLong("retires_at");
    Instant retiresAt = rs.wasNull() ? null : Instant.ofEpochMilli(retires);
    VerificationKey publicKey = VerificationKey.of(rs.getString("kid"), rs.getString("public_key"));
    SigningKey key = SigningKey.restore(box.open(rs.getString("private_key")), publicKey);
    return new StoredKey(
        rs.getInt("generation"), key, Instant.ofEpochMilli(rs.getLong("created_at")), retiresAt);
  }
}
