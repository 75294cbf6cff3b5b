package dev.crier.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.crier.config.PrivateFiles;
import dev.crier.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection pool, Jdbi and the schema for one database: the embedded SQLite file or a
 * PostgreSQL server. Every database call goes through {@link #withHandle} or {@link
 * #inTransaction}, which turn "the database is unreachable" into {@link
 * StorageUnavailableException} so that callers can answer 503 instead of 500.
 */
public final class Database implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Database.class);

  private final HikariDataSource dataSource;
  private final Jdbi jdbi;
  private final Dialect dialect;
  private volatile boolean migrated;

  private Database(HikariDataSource dataSource, Dialect dialect) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.jdbi = Jdbi.create(dataSource);
  }

  /** Opens the database the settings name, creating the data directory for SQLite. */
  public static Database open(Settings settings) {
    String url = settings.jdbcUrl();
    Dialect dialect = Dialect.of(url);
    HikariConfig config = new HikariConfig();
    config.setPoolName("crier-db");
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(settings.dbPoolSize());
    config.setConnectionTimeout(5_000);
    if (settings.dbUser() != null) config.setUsername(settings.dbUser());
    if (settings.dbPassword() != null) config.setPassword(settings.dbPassword());
    if (dialect == Dialect.SQLITE) {
      if (settings.embedded()) createDataDir(settings);
      prepareSqliteFile(url);
      // WAL lets readers run beside the one writer; synchronous=FULL makes each commit survive
      // power loss, not only a crash (group commit pays the fsync once per batch); IMMEDIATE
      // takes the write lock at BEGIN so two writers queue on busy_timeout instead of failing.
      config.addDataSourceProperty("journal_mode", "WAL");
      config.addDataSourceProperty("synchronous", "FULL");
      config.addDataSourceProperty("busy_timeout", "10000");
      config.addDataSourceProperty("foreign_keys", "true");
      config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
    } else {
      config.addDataSourceProperty("reWriteBatchedInserts", "true");
      config.addDataSourceProperty("ApplicationName", "crier");
      // Crier never leaves a transaction idle: one that is idle for a lease period belongs to a
      // process that stalled (frozen, partitioned, lost without a FIN). Its locks, the lease rows
      // an outcome write holds FOR SHARE among them, would keep its leases from every other
      // node until TCP noticed (hours); the server ends such a session after a lease instead.
      config.setConnectionInitSql(
          "SET idle_in_transaction_session_timeout = " + Math.max(1_000, settings.leaseSeconds() * 1_000));
    }
    return new Database(new HikariDataSource(config), dialect);
  }

  private static void createDataDir(Settings settings) {
    PrivateFiles.directory(settings.dataDir());
  }

  /**
   * Creates an SQLite database file 0600 before SQLite opens it: SQLite gives its -wal, -shm and
   * -journal files the database file's own mode, so they are private from their first byte too
   * (sqlite-jdbc has no setting for the mode; SQLite's default is 0644 less the umask).
   */
  private static void prepareSqliteFile(String jdbcUrl) {
    String path = jdbcUrl.substring("jdbc:sqlite:".length());
    int query = path.indexOf('?');
    if (query >= 0) path = path.substring(0, query);
    if (path.isEmpty() || path.startsWith(":") || path.startsWith("file:")) return; // in memory, or a URI form
    Path file = Path.of(path).toAbsolutePath();
    try {
      // A directory of its own is made private; an existing one (say /tmp) is not Crier's to narrow.
      if (!java.nio.file.Files.isDirectory(file.getParent())) PrivateFiles.directory(file.getParent());
      PrivateFiles.file(file);
      for (String suffix : new String[] {"-wal", "-shm", "-journal"}) {
        PrivateFiles.narrowIfPresent(file.resolveSibling(file.getFileName() + suffix));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the database file " + file, e);
    }
  }

  /** Applies pending migrations for this dialect. */
  public void migrate() {
    var result =
        Flyway.configure()
            .dataSource(dataSource)
            .locations(dialect.migrations())
            .load()
            .migrate();
    log.info(
        "database schema at version {} ({} migrations applied now)",
        result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion,
        result.migrationsExecuted);
    migrated = true;
  }

  /** True when migrations ran and the database answers a query now. */
  public boolean ready() {
    if (!migrated) return false;
    try {
      return withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1;
    } catch (RuntimeException e) {
      return false;
    }
  }

  public Dialect dialect() {
    return dialect;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  public <R> R withHandle(HandleCallback<R, RuntimeException> callback) {
    try {
      return jdbi.withHandle(callback);
    } catch (RuntimeException e) {
      throw translate(e);
    }
  }

  /**
   * Runs the callback in one transaction. A transaction the database aborted to break a deadlock
   * or a serialization conflict wrote nothing, so it is run again, up to {@value #ATTEMPTS} times
   * after a random pause that grows each time (two transactions that deadlocked once, retried at
   * once, would meet again); the callback must therefore only touch the database. When retries
   * run out the caller gets {@link StorageUnavailableException} (a 503), never a raw SQL error.
   */
  public <R> R inTransaction(HandleCallback<R, RuntimeException> callback) {
    for (int attempt = 1; ; attempt++) {
      try {
        return jdbi.inTransaction(callback);
      } catch (RuntimeException e) {
        if (!aborted(e)) throw translate(e);
        if (attempt == ATTEMPTS) {
          throw new StorageUnavailableException(
              "the database aborted the transaction " + ATTEMPTS + " times (deadlock or serialization failure)", e);
        }
        log.debug("transaction aborted by the database (attempt {}), retrying: {}", attempt, e.toString());
        pause(attempt);
      }
    }
  }

  private static final int ATTEMPTS = 6;

  private static void pause(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L << attempt)); // up to 10, 20, ... 160 ms
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageUnavailableException("interrupted while retrying an aborted transaction", e);
    }
  }

  private boolean aborted(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException sql && dialect.isAborted(sql)) return true;
    }
    return false;
  }

  private RuntimeException translate(RuntimeException e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLTransientConnectionException
          || (cause instanceof SQLException sql && dialect.isUnavailable(sql))) {
        return new StorageUnavailableException("the database is unavailable: " + cause.getMessage(), e);
      }
    }
    // outside a transaction of its own a statement is not re-run (those before it committed)
    if (aborted(e)) return new StorageUnavailableException("the database aborted the statement: " + e.getMessage(), e);
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException sql && dialect.isRefused(sql)) {
        return new StorageRefusedException("the database refused the data: " + reason(sql), e);
      }
    }
    return e;
  }

  /** The first line of the database's message, without PostgreSQL's "ERROR: ". */
  private static String reason(SQLException e) {
    String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("").strip();
    return message.startsWith("ERROR: ") ? message.substring(7) : message;
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
