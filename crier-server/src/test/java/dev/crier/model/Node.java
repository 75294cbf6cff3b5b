package dev.crier.model;

import dev.crier.testing.Api;
import dev.crier.testing.ChildCrier;
import dev.crier.testing.Engine;
import dev.crier.testing.ManualClock;
import dev.crier.testing.TestCrier;
import dev.crier.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/** The Crier a sequence runs against: fresh data for every run, so runs never see each other. */
interface Node extends AutoCloseable {
  Api api();

  /** Moves the clock forward where there is one to move (in-process); otherwise nothing. */
  void advance(Duration by);

  /** kill -9 and a start on the same data (child process); otherwise nothing. */
  void kill9AndRestart();

  /** The last lines of the server's log, for a failure report (child process only). */
  String logTail();

  @Override
  void close();

  static Node start(Scenario.Flavour flavour, Engine engine) {
    return flavour == Scenario.Flavour.IN_PROCESS ? new InProcess(engine) : new Child(engine);
  }

  /** A {@link TestCrier} in this JVM, reading time from a {@link ManualClock}. */
  final class InProcess implements Node {
    private final ManualClock clock = new ManualClock();
    private final TestCrier crier;

    InProcess(Engine engine) {
      crier = TestCrier.start(engine, Map.of(), clock);
    }

    @Override
    public Api api() {
      return crier.api();
    }

    @Override
    public void advance(Duration by) {
      clock.advance(by);
    }

    @Override
    public void kill9AndRestart() {}

    @Override
    public String logTail() {
      return "";
    }

    @Override
    public void close() {
      crier.close();
    }
  }

  /** A {@link ChildCrier}: a separate JVM that can be killed with SIGKILL. */
  final class Child implements Node {
    private final Path dir;
    private final TestDatabase database;
    private final ChildCrier child;

    Child(Engine engine) {
      try {
        dir = Files.createTempDirectory("crier-model");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      database = TestDatabase.create(engine, dir);
      child = new ChildCrier(dir, database.url(), Map.of());
      child.start();
    }

    @Override
    public Api api() {
      return child.api();
    }

    @Override
    public void advance(Duration by) {}

    @Override
    public void kill9AndRestart() {
      int exit = child.kill();
      if (exit != 137) throw new IllegalStateException("kill -9 gave exit code " + exit);
      child.start();
    }

    @Override
    public String logTail() {
      return child.stderrTail();
    }

    @Override
    public void close() {
      try {
        child.close();
      } finally {
        database.close();
        try (Stream<Path> files = Files.walk(dir)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
          // a leftover temp directory is harmless
        }
      }
    }
  }
}
