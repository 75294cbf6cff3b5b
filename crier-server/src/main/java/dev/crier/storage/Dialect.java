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
}
