package dev.crier.testing;

import dev.crier.Crier;
import dev.crier.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real Crier for a test class: its own data directory and database, listening on a free port,
 * reached over real HTTP through {@link #api()}.
 */
public final class TestCrier implements AutoCloseable {
  public static final String ADMIN_KEY = "test-admin-key-0123456789";

  private final Path dir;
  private final TestDatabase database;
  private final Map<Settings.Key, String> overrides;
  private final Clock clock;
  private Crier crier;

  private TestCrier(Path dir, TestDatabase database, Map<Settings.Key, String> overrides, Clock clock) {
    this.dir = dir;
    this.database = database;
    this.overrides = overrides;
    this.clock = clock;
  }

  /** Declares these event types (with a placeholder description) through the API. */
  public void declare(String... types) {
    for (String type : types) {
      var r = api().put("/v1/event-types/" + type, "{\"description\":\"test\"}");
      if (r.status() != 200 && r.status() != 201) throw new IllegalStateException("declaring " + type + ": " + r.body());
    }
  }

  public static TestCrier start(Engine engine) {
    return start(engine, Map.of());
  }

  /** Starts Crier on {@code engine} with these settings on top of the test defaults. */
  public static TestCrier start(Engine engine, Map<Settings.Key, String> settings) {
    return start(engine, settings, Clock.systemUTC());
  }

  /** Starts Crier reading time from {@code clock} (a {@link ManualClock} to run schedules fast). */
  public static TestCrier start(Engine engine, Map<Settings.Key, String> settings, Clock clock) {
    try {
      Path dir = Files.createTempDirectory("crier-test");
      TestDatabase database = TestDatabase.create(engine, dir);
      Map<Settings.Key, String> overrides = new EnumMap<>(Settings.Key.class);
      overrides.put(Settings.Key.PORT, "0");
      overrides.put(Settings.Key.DATA_DIR, dir.toString());
      overrides.put(Settings.Key.DB_URL, database.url());
      overrides.put(Settings.Key.ADMIN_KEY, ADMIN_KEY);
      // receivers in tests listen on 127.0.0.1; the SSRF guard's own test turns this off
      overrides.put(Settings.Key.ALLOW_PRIVATE_TARGETS, "true");
      overrides.putAll(settings);
      TestCrier test = new TestCrier(dir, database, overrides, clock);
      test.restart();
      return test;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the server (if running) and starts it again on the same data and database. */
  public void restart() {
    if (crier != null) crier.close();
    crier = Crier.start(Settings.load(Map.of(), overrides), clock);
  }

  /** Restarts with {@code key} set to {@code value} (null: unset) from now on. */
  public void restartWith(Settings.Key key, String value) {
    if (value == null) overrides.remove(key);
    else overrides.put(key, value);
    restart();
  }

  /** The settings this Crier runs with, as flags would give them. */
  public Map<Settings.Key, String> settings() {
    return Map.copyOf(overrides);
  }

  public Api api() {
    return new Api("http://127.0.0.1:" + crier.port(), ADMIN_KEY);
  }

  public Crier crier() {
    return crier;
  }

  public TestDatabase database() {
    return database;
  }

  public Path dataDir() {
    return dir;
  }

  @Override
  public void close() {
    if (crier != null) crier.close();
    database.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temp directory is harmless
    }
  }
}
