package dev.crier.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Every setting Crier reads, validated once at start and immutable afterwards.
 *
 * <p>Each setting comes from an environment variable ({@code CRIER_PORT}) or the matching {@code
 * crier serve} flag ({@code --port}); a flag wins over the environment. {@link #load} names the bad
 * setting, its flag and the reason when a value cannot be used.
 */
public record Settings(
    int port,
    Path dataDir,
    String dbUrl,
    String dbUser,
    String dbPassword,
    String adminKey,
    String brand,
    boolean allowPrivateTargets,
    boolean allowHttpCallbacks,
    String publicUrl,
    boolean autoEventTypes,
    int maxEventBytes,
    int maxBodyBytes,
    int publishQueueEvents,
    int dbPoolSize,
    String masterKey,
    String previousMasterKey,
    int retentionDays,
    Map<String, String> watchAliases,
    int leaseSeconds,
    int headerTimeoutSeconds,
    int authFailuresPerMinute) {

  /** Noah's short routes ({@code PUT /a/my_app/watch} watches {@code //noah/application/my_app}). */
  public static final Map<String, String> NOAH_WATCH_ALIASES =
      orderedMap(
          "/a/", "//noah/application/",
          "/c/", "//noah/configuration/",
          "/h/", "//noah/host/",
          "/s/", "//noah/service/",
          "/e/", "//noah/ephemeral/");

  /** The settings Crier knows, with their defaults; the order is the order they are logged in. */
  public enum Key {
    PORT("8080"),
    DATA_DIR("./data"),
    DB_URL(null),
    DB_USER(null),
    DB_PASSWORD(null),
    ADMIN_KEY(null),
    BRAND("Crier"),
    ALLOW_PRIVATE_TARGETS("false"),
    ALLOW_HTTP_CALLBACKS("false"),
    PUBLIC_URL(null),
    AUTO_EVENT_TYPES("false"),
    MAX_EVENT_BYTES("262144"),
    MAX_BODY_BYTES("8388608"),
    PUBLISH_QUEUE_EVENTS("20000"),
    DB_POOL_SIZE("8"),
    MASTER_KEY(null),
    /**
     * During a master key rotation, the other key a node accepts besides {@code MASTER_KEY}: it
     * opens secrets sealed under either, and seals under the one the database names.
     */
    PREVIOUS_MASTER_KEY(null),
    RETENTION_DAYS("30"),
    /** {@code prefix=root} pairs, comma-separated, or {@code noah} for Noah's table. */
    WATCH_ALIASES(null),
    /** How long a node's claim on a subscription lasts without renewal (PostgreSQL cluster). */
    LEASE_SECONDS("15"),
    /** How long a client may take to send a request's headers before it is cut off. */
    HEADER_TIMEOUT_SECONDS("10"),
    /** Different keys or tokens one address may fail with in a minute before it is answered 429 (0: no limit). */
    AUTH_FAILURES_PER_MINUTE("20");

    private final String defaultValue;

    Key(String defaultValue) {
      this.defaultValue = defaultValue;
    }

    public String env() {
      return "CRIER_" + name();
    }

    public String flag() {
      return "--" + name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    boolean secret() {
      return this == ADMIN_KEY || this == DB_PASSWORD || this == MASTER_KEY || this == PREVIOUS_MASTER_KEY;
    }

    String describe() {
      return env() + " (" + flag() + ")";
    }
  }

  /**
   * Reads settings from the environment, overridden by explicit values (from flags), and
   * validates all of them.
   *
   * @param env the process environment (or a test's map)
   * @param overrides values given as flags, keyed by {@link Key}
   * @throws InvalidSettingException naming the first bad setting and why
   */
  public static Settings load(Map<String, String> env, Map<Key, String> overrides) {
    Function<Key, String> raw =
        key -> {
          String value = overrides.get(key);
          if (value == null) value = env.get(key.env());
          if (value != null && value.isBlank()) value = null;
          return value != null ? value.trim() : key.defaultValue;
        };
    return new Settings(
        integer(Key.PORT, raw, 0, 65_535),
        Path.of(raw.apply(Key.DATA_DIR)),
        dbUrl(raw.apply(Key.DB_URL)),
        raw.apply(Key.DB_USER),
        raw.apply(Key.DB_PASSWORD),
        adminKey(raw.apply(Key.ADMIN_KEY)),
        brand(raw.apply(Key.BRAND)),
        bool(Key.ALLOW_PRIVATE_TARGETS, raw),
        bool(Key.ALLOW_HTTP_CALLBACKS, raw),
        publicUrl(raw.apply(Key.PUBLIC_URL)),
        bool(Key.AUTO_EVENT_TYPES, raw),
        integer(Key.MAX_EVENT_BYTES, raw, 1024, 64 << 20),
        integer(Key.MAX_BODY_BYTES, raw, 1024, 512 << 20),
        integer(Key.PUBLISH_QUEUE_EVENTS, raw, 1, 10_000_000),
        integer(Key.DB_POOL_SIZE, raw, 2, 200),
        masterKey(Key.MASTER_KEY, raw.apply(Key.MASTER_KEY)),
        previousMasterKey(raw),
        integer(Key.RETENTION_DAYS, raw, 1, 3650),
        watchAliases(raw.apply(Key.WATCH_ALIASES)),
        integer(Key.LEASE_SECONDS, raw, 2, 600),
        integer(Key.HEADER_TIMEOUT_SECONDS, raw, 1, 300),
        integer(Key.AUTH_FAILURES_PER_MINUTE, raw, 0, 1_000_000));
  }

  /** Settings from the environment alone, as {@code crier serve} without flags reads them. */
  public static Settings fromEnvironment() {
    return load(System.getenv(), Map.of());
  }

  /** True when the events live in the embedded SQLite file rather than a server database. */
  public boolean embedded() {
    return dbUrl == null;
  }

  /** The JDBC URL actually used: the configured one, or the SQLite file in the data directory. */
  public String jdbcUrl() {
    return embedded() ? "jdbc:sqlite:" + dataDir.resolve("crier.db") : dbUrl;
  }

  /** The effective settings, one per line, secrets masked: safe to log. */
  public List<String> describe() {
    Map<Key, Object> values = new LinkedHashMap<>();
    values.put(Key.PORT, port);
    values.put(Key.DATA_DIR, dataDir.toAbsolutePath().normalize());
    values.put(Key.DB_URL, embedded() ? "(embedded SQLite) " + jdbcUrl() : maskUrl(dbUrl));
    values.put(Key.DB_USER, dbUser);
    values.put(Key.DB_PASSWORD, dbPassword);
    values.put(Key.ADMIN_KEY, adminKey);
    values.put(Key.BRAND, brand);
    values.put(Key.ALLOW_PRIVATE_TARGETS, allowPrivateTargets);
    values.put(Key.ALLOW_HTTP_CALLBACKS, allowHttpCallbacks);
    values.put(Key.PUBLIC_URL, publicUrl);
    values.put(Key.AUTO_EVENT_TYPES, autoEventTypes);
    values.put(Key.MAX_EVENT_BYTES, maxEventBytes);
    values.put(Key.MAX_BODY_BYTES, maxBodyBytes);
    values.put(Key.PUBLISH_QUEUE_EVENTS, publishQueueEvents);
    values.put(Key.DB_POOL_SIZE, dbPoolSize);
    values.put(Key.MASTER_KEY, masterKey);
    values.put(Key.PREVIOUS_MASTER_KEY, previousMasterKey);
    values.put(Key.RETENTION_DAYS, retentionDays);
    values.put(
        Key.WATCH_ALIASES,
        watchAliases.isEmpty()
            ? null
            : String.join(",", watchAliases.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
    values.put(Key.LEASE_SECONDS, leaseSeconds);
    values.put(Key.HEADER_TIMEOUT_SECONDS, headerTimeoutSeconds);
    values.put(Key.AUTH_FAILURES_PER_MINUTE, authFailuresPerMinute);
    List<String> lines = new ArrayList<>();
    values.forEach(
        (key, value) -> {
          String shown =
              value == null ? "(unset)" : key.secret() ? "****" : value.toString();
          lines.add(key.env() + "=" + shown);
        });
    return lines;
  }

  @Override
  public String toString() {
    return "Settings" + describe();
  }

  private static int integer(Key key, Function<Key, String> raw, int min, int max) {
    String value = raw.apply(key);
    try {
      int parsed = Integer.parseInt(value);
      if (parsed < min || parsed > max) {
        throw new InvalidSettingException(
            key.describe() + " must be between " + min + " and " + max + ", got " + value);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new InvalidSettingException(
          key.describe() + " must be a whole number, got '" + value + "'");
    }
  }

  private static boolean bool(Key key, Function<Key, String> raw) {
    String value = raw.apply(key).toLowerCase(Locale.ROOT);
    return switch (value) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default ->
          throw new InvalidSettingException(
              key.describe() + " must be true or false, got '" + value + "'");
    };
  }

  private static String dbUrl(String value) {
    if (value == null) return null;
    if (value.startsWith("jdbc:postgresql:") || value.startsWith("jdbc:sqlite:")) return value;
    throw new InvalidSettingException(
        Key.DB_URL.describe()
            + " must be a jdbc:postgresql: URL (or jdbc:sqlite:), got '"
            + maskUrl(value)
            + "'");
  }

  private static String adminKey(String value) {
    if (value != null && value.length() < 16) {
      throw new InvalidSettingException(
          Key.ADMIN_KEY.describe() + " must be at least 16 characters long");
    }
    return value;
  }

  private static String masterKey(Key key, String value) {
    if (value == null) return null;
    try {
      if (java.util.Base64.getDecoder().decode(value).length == 32) return value;
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new InvalidSettingException(
        key.describe() + " must be the base64 of 32 random bytes (openssl rand -base64 32)");
  }

  /** The previous key only beside a configured current one: alone it would seal nothing. */
  private static String previousMasterKey(Function<Key, String> raw) {
    String previous = masterKey(Key.PREVIOUS_MASTER_KEY, raw.apply(Key.PREVIOUS_MASTER_KEY));
    if (previous != null && raw.apply(Key.MASTER_KEY) == null) {
      throw new InvalidSettingException(
          Key.PREVIOUS_MASTER_KEY.describe() + " needs " + Key.MASTER_KEY.describe() + " set too (the new key)");
    }
    return previous;
  }

  /**
   * Route prefixes for {@code PUT <path>/watch} and the pattern roots they stand for, both ending
   * in '/'; the word {@code noah} adds Noah's table.
   */
  private static Map<String, String> watchAliases(String value) {
    Map<String, String> aliases = new LinkedHashMap<>();
    if (value == null) return Collections.unmodifiableMap(aliases);
    for (String item : value.split(",")) {
      String pair = item.trim();
      if (pair.isEmpty()) continue;
      if (pair.equalsIgnoreCase("noah")) {
        aliases.putAll(NOAH_WATCH_ALIASES);
        continue;
      }
      int eq = pair.indexOf('=');
      String prefix = eq < 0 ? "" : withSlash(pair.substring(0, eq).trim());
      String root = eq < 0 ? "" : withSlash(pair.substring(eq + 1).trim());
      if (prefix.length() < 3 || !prefix.startsWith("/") || !root.startsWith("/")) {
        throw new InvalidSettingException(
            Key.WATCH_ALIASES.describe()
                + " must be 'noah' or comma-separated prefix=root pairs such as /a/=//noah/application/, got '"
                + pair
                + "'");
      }
      aliases.put(prefix, root);
    }
    return Collections.unmodifiableMap(aliases);
  }

  private static String withSlash(String path) {
    return path.endsWith("/") ? path : path + "/";
  }

  private static Map<String, String> orderedMap(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) map.put(keysAndValues[i], keysAndValues[i + 1]);
    return Collections.unmodifiableMap(map);
  }

  private static String brand(String value) {
    if (!value.matches("[A-Za-z][A-Za-z0-9]{0,31}")) {
      throw new InvalidSettingException(
          Key.BRAND.describe()
              + " must be a word of letters and digits (it becomes a header prefix), got '"
              + value
              + "'");
    }
    return value;
  }

  private static String publicUrl(String value) {
    if (value == null) return null;
    try {
      URI uri = URI.create(value);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null) {
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new InvalidSettingException(
        Key.PUBLIC_URL.describe() + " must be an absolute http(s) URL, got '" + value + "'");
  }

  private static String maskUrl(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1****").replaceAll("//([^/:@]+):[^@/]*@", "//$1:****@");
  }
}
