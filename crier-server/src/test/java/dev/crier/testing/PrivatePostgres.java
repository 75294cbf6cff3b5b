package dev.crier.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of the test's own, on a free loopback port and a data directory under
 * /tmp, so a test may stop and restart it without disturbing anybody else's server. PostgreSQL
 * refuses to run as root, so its commands run as the {@code postgres} user (via {@code runuser}
 * when the tests run as root). Trust authentication, user {@code postgres}.
 */
public final class PrivatePostgres implements AutoCloseable {
  private final Path bin;
  private final Path dir;
  private final int port;

  private PrivatePostgres(Path bin, Path dir, int port) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
  }

  /** Creates a fresh cluster (initdb) and starts it. */
  public static PrivatePostgres start() {
    try {
      Path bin = newestBin();
      Path dir = Files.createTempDirectory("crier-pg");
      run(List.of("chown", "postgres:postgres", dir.toString()), false);
      PrivatePostgres pg = new PrivatePostgres(bin, dir, freePort());
      pg.pg("initdb", "-D", pg.data(), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8");
      pg.resume();
      return pg;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path newestBin() throws IOException {
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
          .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
          .orElseThrow(() -> new IllegalStateException("no PostgreSQL binaries under /usr/lib/postgresql"));
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A JDBC URL for this server's {@code postgres} database. */
  public String url() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
  }

  /** Starts the server (again) and waits until it accepts connections. */
  public void resume() {
    pg("pg_ctl", "-D", data(), "-l", dir.resolve("server.log").toString(), "-w", "-t", "60", "-o",
        "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + dir + " -c fsync=off", "start");
  }

  /**
   * Stops the server at once, the way a crash would ({@code -m immediate}: no checkpoint,
   * connections cut, crash recovery at the next start).
   */
  public void crash() {
    pg("pg_ctl", "-D", data(), "-m", "immediate", "-w", "stop");
  }

  private String data() {
    return dir.resolve("data").toString();
  }

  private void pg(String command, String... args) {
    List<String> line = new ArrayList<>(List.of(bin.resolve(command).toString()));
    line.addAll(List.of(args));
    run(line, true);
  }

  private static void run(List<String> command, boolean asPostgres) {
    List<String> line = new ArrayList<>();
    if (asPostgres && "root".equals(System.getProperty("user.name"))) line.addAll(List.of("runuser", "-u", "postgres", "--"));
    line.addAll(command);
    try {
      Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", line) + " failed:\n" + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Stops the server and deletes its data directory. */
  @Override
  public void close() {
    try {
      pg("pg_ctl", "-D", data(), "-m", "fast", "-w", "stop");
    } catch (RuntimeException e) {
      // already stopped
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover under /tmp
    }
  }
}
