package dev.crier.cli;

import dev.crier.config.Settings;
import java.util.EnumMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The flags that mirror Crier's environment variables; a flag wins over its variable. Values are
 * kept as text so {@link Settings#load} validates flags and variables with the same messages.
 */
final class SettingsOptions {
  @Option(names = "--port", description = "HTTP port (CRIER_PORT, default 8080)")
  String port;

  @Option(names = "--data-dir", description = "data directory (CRIER_DATA_DIR, default ./data)")
  String dataDir;

  @Option(names = "--db-url", description = "JDBC URL; unset = embedded SQLite (CRIER_DB_URL)")
  String dbUrl;

  @Option(names = "--db-user", description = "database user (CRIER_DB_USER)")
  String dbUser;

  @Option(names = "--db-password", description = "database password (CRIER_DB_PASSWORD)")
  String dbPassword;

  @Option(names = "--admin-key", description = "admin key; unset = generated once (CRIER_ADMIN_KEY)")
  String adminKey;

  @Option(names = "--brand", description = "header prefix and User-Agent word (CRIER_BRAND)")
  String brand;

  @Option(names = "--allow-private-targets", description = "deliver to private addresses (CRIER_ALLOW_PRIVATE_TARGETS)")
  String allowPrivateTargets;

  @Option(names = "--allow-http-callbacks", description = "accept http:// callbacks (CRIER_ALLOW_HTTP_CALLBACKS)")
  String allowHttpCallbacks;

  @Option(names = "--public-url", description = "the URL Crier is reached at (CRIER_PUBLIC_URL)")
  String publicUrl;

  @Option(names = "--auto-event-types", description = "declare unknown event types on publish (CRIER_AUTO_EVENT_TYPES)")
  String autoEventTypes;

  @Option(names = "--max-event-bytes", description = "largest event accepted (CRIER_MAX_EVENT_BYTES, default 262144)")
  String maxEventBytes;

  @Option(names = "--max-body-bytes", description = "largest request body (CRIER_MAX_BODY_BYTES, default 8388608)")
  String maxBodyBytes;

  @Option(names = "--publish-queue-events", description = "events waiting for commit before 503 (CRIER_PUBLISH_QUEUE_EVENTS)")
  String publishQueueEvents;

  @Option(names = "--db-pool-size", description = "database connections (CRIER_DB_POOL_SIZE, default 8)")
  String dbPoolSize;

  @Option(names = "--master-key", description = "base64 of 32 bytes sealing stored secrets; unset = generated once (CRIER_MASTER_KEY)")
  String masterKey;

  @Option(names = "--previous-master-key", description = "during a key rotation, the other key accepted (CRIER_PREVIOUS_MASTER_KEY)")
  String previousMasterKey;

  @Option(names = "--retention-days", description = "days delivered payloads are kept (CRIER_RETENTION_DAYS, default 30)")
  String retentionDays;

  @Option(names = "--watch-aliases", description = "short routes for PUT <path>/watch: prefix=root pairs, or noah (CRIER_WATCH_ALIASES)")
  String watchAliases;

  @Option(names = "--lease-seconds", description = "how long a cluster node's claim lasts unrenewed (CRIER_LEASE_SECONDS, default 15)")
  String leaseSeconds;

  @Option(names = "--header-timeout-seconds", description = "seconds a client may take to send a request's headers (CRIER_HEADER_TIMEOUT_SECONDS, default 10)")
  String headerTimeoutSeconds;

  @Option(names = "--auth-failures-per-minute", description = "different keys or tokens an address may fail with in a minute before it is answered 429, 0 for no limit (CRIER_AUTH_FAILURES_PER_MINUTE, default 20)")
  String authFailuresPerMinute;

  Settings load() {
    Map<Settings.Key, String> flags = new EnumMap<>(Settings.Key.class);
    put(flags, Settings.Key.PORT, port);
    put(flags, Settings.Key.DATA_DIR, dataDir);
    put(flags, Settings.Key.DB_URL, dbUrl);
    put(flags, Settings.Key.DB_USER, dbUser);
    put(flags, Settings.Key.DB_PASSWORD, dbPassword);
    put(flags, Settings.Key.ADMIN_KEY, adminKey);
    put(flags, Settings.Key.BRAND, brand);
    put(flags, Settings.Key.ALLOW_PRIVATE_TARGETS, allowPrivateTargets);
    put(flags, Settings.Key.ALLOW_HTTP_CALLBACKS, allowHttpCallbacks);
    put(flags, Settings.Key.PUBLIC_URL, publicUrl);
    put(flags, Settings.Key.AUTO_EVENT_TYPES, autoEventTypes);
    put(flags, Settings.Key.MAX_EVENT_BYTES, maxEventBytes);
    put(flags, Settings.Key.MAX_BODY_BYTES, maxBodyBytes);
    put(flags, Settings.Key.PUBLISH_QUEUE_EVENTS, publishQueueEvents);
    put(flags, Settings.Key.DB_POOL_SIZE, dbPoolSize);
    put(flags, Settings.Key.MASTER_KEY, masterKey);
    put(flags, Settings.Key.PREVIOUS_MASTER_KEY, previousMasterKey);
    put(flags, Settings.Key.RETENTION_DAYS, retentionDays);
    put(flags, Settings.Key.WATCH_ALIASES, watchAliases);
    put(flags, Settings.Key.LEASE_SECONDS, leaseSeconds);
    put(flags, Settings.Key.HEADER_TIMEOUT_SECONDS, headerTimeoutSeconds);
    put(flags, Settings.Key.AUTH_FAILURES_PER_MINUTE, authFailuresPerMinute);
    return Settings.load(System.getenv(), flags);
  }

  private static void put(Map<Settings.Key, String> flags, Settings.Key key, String value) {
    if (value != null) flags.put(key, value);
  }
}
