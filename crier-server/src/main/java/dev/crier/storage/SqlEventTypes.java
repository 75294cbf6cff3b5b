package dev.crier.storage;

import dev.crier.event.EventType;
import dev.crier.event.EventTypes;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.statement.StatementContext;

/** Event types in the {@code event_types} table. */
public final class SqlEventTypes implements EventTypes {
  private final Database db;
  private final Clock clock;

  public SqlEventTypes(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  @Override
  public Saved save(String name, String description, String scope) {
    long now = clock.millis();
    return db.inTransaction(
        h -> {
          boolean existed =
              h.createQuery("SELECT 1 FROM event_types WHERE name = :name")
                  .bind("name", name)
                  .mapTo(Integer.class)
                  .findOne()
                  .isPresent();
          EventType saved =
              h.createQuery(
                      """
                      INSERT INTO event_types (name, description, scope, created_at, updated_at)
                      VALUES (:name, :description, :scope, :now, :now)
                      ON CONFLICT (name) DO UPDATE
                        SET description = excluded.description, scope = excluded.scope,
                            updated_at = excluded.updated_at
                      RETURNING name, description, scope, created_at, updated_at
                      """)
                  .bind("name", name)
                  .bind("description", description)
                  .bind("scope", scope)
                  .bind("now", now)
                  .map(SqlEventTypes::row)
                  .one();
          return new Saved(saved, !existed);
        });
  }

  @Override
  public Optional<EventType> find(String name) {
    return db.withHandle(
        h ->
            h.createQuery(
                    "SELECT name, description, scope, created_at, updated_at FROM event_types WHERE name = :name")
                .bind("name", name)
                .map(SqlEventTypes::row)
                .findOne());
  }

  @Override
  public List<EventType> list() {
    return db.withHandle(
        h ->
            h.createQuery(
                    "SELECT name, description, scope, created_at, updated_at FROM event_types ORDER BY name")
                .map(SqlEventTypes::row)
                .list());
  }

  @Override
  public boolean delete(String name) {
    return db.inTransaction(
        h -> h.createUpdate("DELETE FROM event_types WHERE name = :name").bind("name", name).execute()
            == 1);
  }

  @Override
  public List<String> undeclared(Collection<String> names) {
    if (names.isEmpty()) return List.of();
    Set<String> known =
        new HashSet<>(
            db.withHandle(
                h ->
                    h.createQuery("SELECT name FROM event_types WHERE name IN (<names>)")
                        .bindList("names", List.copyOf(names))
                        .mapTo(String.class)
                        .list()));
    List<String> missing = new ArrayList<>();
    for (String name : names) if (!known.contains(name)) missing.add(name);
    return missing;
  }

  private static EventType row(ResultSet rs, StatementContext ctx) throws SQLException {
    return new EventType(
        rs.getString("name"),
        rs.getString("description"),
        rs.getString("scope"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("updated_at")));
  }
}
