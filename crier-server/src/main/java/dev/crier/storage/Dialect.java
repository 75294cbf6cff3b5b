package dev.crier.storage;

/**
 * The two database engines Crier runs on. Every SQL difference between them is decided here, so
 * the repositories share one text for everything else.
 */
public enum Dialect {
  SQLITE("sqlite"),
  POSTGRESQL("postgresql");

  private final String folder;

  Dialect(String folder) {
    this.folder = folder;
  }

  /** Chooses the dialect from a JDBC URL. */
  public static Dialect of(String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:postgresql:")) return POSTGRESQL;
    if (jdbcUrl.startsWith("jdbc:sqlite:")) return SQLITE;
    throw new IllegalArgumentException("unsupported JDBC URL: " + jdbcUrl);
  }

  /**
   * Where this dialect's Flyway migrations live on the classpath: the shared folder, for
   * migrations whose SQL both engines accept, and the dialect's own.
   */
  String[] migrations() {
    return new String[] {"classpath:db/migration/common", "classpath:db/migration/" + folder};
  }

  /** Whether several nodes may share this database (and so must claim their work with leases). */
  public boolean shared() {
    return this == POSTGRESQL;
  }

  /**
   * The database's own clock in epoch milliseconds, as SQL: leases and heartbeats are compared
   * with it, never with a node's clock, so clock skew between nodes cannot make two owners.
   */
  String nowMillis() {
    return switch (this) {
      case POSTGRESQL -> "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT";
      case SQLITE -> "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";
    };
  }

  /**
   * Takes the cluster-wide lock for one chore until the transaction ends, if no other node holds
   * it; a single SQLite process has nobody to share with.
   */
  boolean tryChoreLock(org.jdbi.v3.core.Handle h, long chore) {
    return switch (this) {
      case POSTGRESQL ->
          h.createQuery("SELECT pg_try_advisory_xact_lock(:chore)").bind("chore", chore).mapTo(Boolean.class).one();
      case SQLITE -> true;
    };
  }

  /**
   * The database refused the data itself: PostgreSQL's data exceptions (22: a NUL or invalid
   * UTF-8 in text, a value out of range) and integrity violations (23) but a duplicate key, which
   * the code handles where it can occur; SQLite's too big, type mismatch and constraint failures
   * (a CHECK or a trigger's RAISE) but a duplicate key.
   */
  boolean isRefused(java.sql.SQLException e) {
    String state = e.getSQLState();
    return switch (this) {
      case POSTGRESQL ->
          state != null && (state.startsWith("22") || (state.startsWith("23") && !state.equals("23505")));
      case SQLITE -> {
        int code = e.getErrorCode();
        int primary = code & 0xff;
        boolean duplicate = code == 2067 || code == 1555 || String.valueOf(e.getMessage()).contains("UNIQUE constraint");
        yield primary == 18 || primary == 20 || (primary == 19 && !duplicate);
      }
    };
  }

  /**
   * Whether a failed statement means the database could not be reached (so the caller should
   * retry later) rather than that the statement was wrong.
   */
  boolean isUnavailable(java.sql.SQLException e) {
    String state = e.getSQLState();
    return switch (this) {
      // 08: connection exceptions; 57P: operator intervention (shutdown); 53: out of resources
      case POSTGRESQL ->
          state != null
              && (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53"));
      // SQLITE_BUSY / SQLITE_LOCKED: another writer holds the file longer than busy_timeout
      case SQLITE -> e.getErrorCode() == 5 || e.getErrorCode() == 6;
    };
  }

  /**
   * Whether the database aborted the transaction to break a deadlock (40P01) or because it could
   * not be serialized (40001): nothing was written, and running it again is safe. SQLite has one
   * writer and never reports either.
   */
  boolean isAborted(java.sql.SQLException e) {
    String state = e.getSQLState();
    return this == POSTGRESQL && ("40P01".equals(state) || "40001".equals(state));
  }

  /**
   * What a query that locks one receiver's rows must end with so that it locks them in {@code
   * column}'s byte order, the order writers lock them in (see {@link #BYTE_ORDER}); SQLite locks
   * the whole file instead of rows.
   */
  String lockedInOrderOf(String column) {
    return switch (this) {
      case POSTGRESQL -> " ORDER BY " + column + " COLLATE \"C\" FOR UPDATE";
      case SQLITE -> "";
    };
  }

  /** Text in UTF-8 byte order: PostgreSQL's {@code COLLATE "C"}, and SQLite's own. */
  static final java.util.Comparator<String> BYTE_ORDER =
      (a, b) ->
          java.util.Arrays.compareUnsigned(
              a.getBytes(java.nio.charset.StandardCharsets.UTF_8), b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
}
