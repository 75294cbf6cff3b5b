package dev.crier.bench;

import java.net.URI;
import java.util.Optional;

/**
 * The Crier being measured: a child process the bench started (and can read the CPU, memory and
 * profile of), or a Crier already running somewhere the bench can only talk to.
 */
interface ServerUnderTest extends AutoCloseable {
  URI url();

  String adminKey();

  /** Its process, when it runs on this machine under the bench's control. */
  Optional<ProcessStats> process();

  /** Runs {@code jcmd <pid> <command...>} on it; false when that is not possible. */
  default boolean jcmd(String... command) {
    return false;
  }

  /** What it runs on, for the report ("sqlite", "postgresql", "remote"). */
  String database();

  @Override
  void close();

  /** A Crier someone else runs: only its API is reachable. */
  record Remote(URI url, String adminKey) implements ServerUnderTest {
    @Override
    public Optional<ProcessStats> process() {
      return Optional.empty();
    }

    @Override
    public String database() {
      return "remote";
    }

    @Override
    public void close() {}
  }
}
