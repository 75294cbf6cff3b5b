package dev.crier.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code crier serve} as a child JVM of the bench: same java binary and classpath, a fresh data
 * directory, a random admin key, port 0 (read back from its "is running at" line), a 512 MiB heap
 * cap, and for PostgreSQL a fresh schema that {@link #close} drops.
 */
final class ChildServer implements ServerUnderTest {
  static final String HEAP = "512m";
  /** The launcher's default collector for `crier serve`, so the bench measures what users run. */
  static final String DEFAULT_GC = "-XX:+UseParallelGC";
  private static final Pattern RUNNING = Pattern.compile("is running at http://[^:/]+:(\\d+)");
  private static final long START_SECONDS = 120;

  private final Path dir;
  private final String adminKey;
  private final String pgServerUrl;
  private final String schema;
  private final boolean keep;
  private final Process process;
  private final int port;

  private ChildServer(Path dir, String adminKey, String pgServerUrl, String schema, boolean keep, Process process, int port) {
    this.dir = dir;
    this.adminKey = adminKey;
    this.pgServerUrl = pgServerUrl;
    this.schema = schema;
    this.keep = keep;
    this.process = process;
    this.port = port;
  }

  /**
   * Starts a child Crier and waits until it serves.
   *
   * @param dbUrl a PostgreSQL JDBC URL, or null for the embedded SQLite
   * @param jvmArgs extra JVM flags (for experiments)
   * @param keep keep the data directory (and its logs) afterwards
   */
  static ChildServer start(String dbUrl, List<String> jvmArgs, boolean keep) {
    Path dir;
    try {
      dir = Files.createTempDirectory("crier-bench");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String adminKey = "bench-" + random(16);
    String schema = null;
    String childDbUrl = null;
    if (dbUrl != null) {
      schema = "bench_" + random(6);
      execute(dbUrl, "CREATE SCHEMA " + schema);
      childDbUrl = dbUrl + (dbUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }
    List<String> command = new ArrayList<>();
    command.add(javaBin());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-Xmx" + HEAP);
    // the collector the launcher gives `crier serve` (docs/decisions.md), unless the flags pick one
    if (jvmArgs.stream().noneMatch(flag -> flag.matches("-XX:\\+Use\\w*GC"))) command.add(DEFAULT_GC);
    command.addAll(jvmArgs);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.crier.cli.Main", "serve"));
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("CRIER_"));
    env.put("CRIER_PORT", "0");
    env.put("CRIER_DATA_DIR", dir.toString());
    env.put("CRIER_ADMIN_KEY", adminKey);
    env.put("CRIER_ALLOW_PRIVATE_TARGETS", "true");
    if (childDbUrl != null) env.put("CRIER_DB_URL", childDbUrl);
    builder.redirectError(dir.resolve("server-stderr.log").toFile());
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the Crier server", e);
    }
    CompletableFuture<Integer> announced = new CompletableFuture<>();
    Thread.ofPlatform().daemon(true).name("bench-server-stdout").start(() -> copyStdout(process, dir, announced));
    int port;
    try {
      port = announced.get(START_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      process.destroyForcibly();
      if (schema != null) execute(dbUrl, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      throw new IllegalStateException(
          "the Crier server did not start; its logs are in " + dir + ": " + tail(dir.resolve("server-stderr.log")), e);
    }
    return new ChildServer(dir, adminKey, dbUrl, schema, keep, process, port);
  }

  private static void copyStdout(Process child, Path dir, CompletableFuture<Integer> announced) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8));
        Writer out = Files.newBufferedWriter(dir.resolve("server-stdout.log"), UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        out.write(line);
        out.write('\n');
        Matcher m = RUNNING.matcher(line);
        if (!announced.isDone() && m.find()) {
          out.flush();
          announced.complete(Integer.parseInt(m.group(1)));
        }
      }
    } catch (IOException e) {
      // the child ended
    } finally {
      announced.completeExceptionally(new IllegalStateException("the server exited before announcing its port"));
    }
  }

  @Override
  public URI url() {
    return URI.create("http://127.0.0.1:" + port);
  }

  @Override
  public String adminKey() {
    return adminKey;
  }

  long pid() {
    return process.pid();
  }

  @Override
  public Optional<ProcessStats> process() {
    return Optional.of(new ProcessStats(process.pid()));
  }

  @Override
  public String database() {
    return schema == null ? "sqlite" : "postgresql";
  }

  Path dir() {
    return dir;
  }

  @Override
  public boolean jcmd(String... command) {
    List<String> args = new ArrayList<>();
    args.add(Path.of(javaBin()).resolveSibling("jcmd").toString());
    args.add(Long.toString(process.pid()));
    args.addAll(List.of(command));
    try {
      Process jcmd = new ProcessBuilder(args).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("jcmd.log").toFile())).start();
      return jcmd.waitFor(60, TimeUnit.SECONDS) && jcmd.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Whether the server died (an OutOfMemoryError, say) while the bench ran. */
  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    if (keep) return; // the data directory, its logs and the PostgreSQL schema, to look at afterwards
    if (schema != null) execute(pgServerUrl, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    deleteTree(dir);
  }

  private static void execute(String url, String sql) {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("PostgreSQL at " + url.replaceAll("password=[^&]*", "password=****")
          + " refused '" + sql + "': " + e.getMessage(), e);
    }
  }

  private static String javaBin() {
    return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  private static String random(int bytes) {
    byte[] b = new byte[bytes];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static String tail(Path file) {
    try {
      String text = Files.readString(file);
      return text.substring(Math.max(0, text.length() - 2000));
    } catch (IOException e) {
      return "(no stderr)";
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp directory left behind
    }
  }
}
