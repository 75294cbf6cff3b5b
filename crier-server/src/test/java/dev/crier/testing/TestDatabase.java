package dev.crier.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh, empty database for one test class: a new SQLite file, or a new schema in the local
 * PostgreSQL ({@code CRIER_TEST_PG_URL}, default the {@code test} database on 127.0.0.1:5432)
 * that {@link #close} drops, so parallel and repeated runs never see each other's rows.
 */
public final class TestDatabase implements AutoCloseable {
  static final String PG_SERVER =
      System.getenv().getOrDefault(
          "CRIER_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

  private final Engine engine;
  private final String url;
  private final String schema;

  private TestDatabase(Engine engine, String url, String schema) {
    this.engine = engine;
    this.url = url;
    this.schema = schema;
  }

  public static TestDatabase create(Engine engine, Path dir) {
    if (engine == Engine.SQLITE) {
      return new TestDatabase(engine, "jdbc:sqlite:" + dir.resolve("crier.db"), null);
    }
    String schema = "crier_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    execute("CREATE SCHEMA " + schema);
    String separator = PG_SERVER.contains("?") ? "&" : "?";
    return new TestDatabase(engine, PG_SERVER + separator + "currentSchema=" + schema, schema);
  }

  public Engine engine() {
    return engine;
  }

  public String url() {
    return url;
  }

  /** A plain JDBC connection to this database, outside Crier's pool. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url);
  }

  private static void execute(String sql) {
    try (Connection c = DriverManager.getConnection(PG_SERVER);
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "PostgreSQL at " + PG_SERVER + " is needed for the tests: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (schema != null) execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  }
}
