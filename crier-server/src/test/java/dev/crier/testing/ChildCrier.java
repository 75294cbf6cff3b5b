package dev.crier.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Crier as a real child JVM ({@code dev.crier.cli.Main serve}) on a data directory and database
 * that outlive it, so a test can {@code kill -9} it and start it again on the same state. Its
 * stdout is read on a thread (to learn the port) and copied, like stderr, to files in the data
 * directory so neither pipe ever blocks it.
 *
 * <p>Not thread-safe: one test drives it. Always {@link #close} it; that kills a running child.
 */
public final class ChildCrier implements AutoCloseable {
  public static final String ADMIN_KEY = "child-admin-key-0123456x";
  private static final Pattern RUNNING = Pattern.compile("is running at http://[^:/]+:(\\d+)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  /** Children still running when the test JVM exits (a failed run, Ctrl-C) die with it. */
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "child-crier-reaper"));
  }

  private final Path dataDir;
  private final String dbUrl;
  private final Map<String, String> extraEnv;
  private final List<Process> started = new ArrayList<>();
  private Process process;
  private volatile int port;

  public ChildCrier(Path dataDir, String dbUrl, Map<String, String> extraEnv) {
    this.dataDir = dataDir;
    this.dbUrl = dbUrl;
    this.extraEnv = Map.copyOf(extraEnv);
  }

  /** Starts a child (the previous one must be dead) and waits until it serves. */
  public ChildCrier start() {
    CompletableFuture<Integer> announced = launch();
    try {
      port = announced.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      String what =
          process.isAlive()
              ? "did not announce its port within " + START_TIMEOUT
              : "exited with code " + process.exitValue() + " before announcing its port";
      kill();
      throw new IllegalStateException("child Crier " + what + "; stderr ends with:\n" + stderrTail(), e);
    }
    return this;
  }

  /**
   * Starts a child that should refuse to start, and waits until it exits.
   *
   * @return its exit code
   * @throws IllegalStateException if it serves instead (it is killed first)
   */
  public int startExpectingRefusal() {
    CompletableFuture<Integer> announced = launch();
    try {
      announced.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      return awaitExit(20, "closing its output"); // it exited, or is about to
    } catch (TimeoutException e) {
      kill();
      throw new IllegalStateException("child Crier neither served nor exited within " + START_TIMEOUT);
    }
    kill();
    throw new IllegalStateException("child Crier started instead of refusing; stderr ends with:\n" + stderrTail());
  }

  /** Starts the child process; the future completes with its port once it announces it. */
  private CompletableFuture<Integer> launch() {
    if (process != null && process.isAlive()) throw new IllegalStateException("a child is already running");
    int run = started.size() + 1;
    ProcessBuilder builder =
        new ProcessBuilder(
            javaBin(),
            "--enable-native-access=ALL-UNNAMED",
            "-Xmx512m",
            // C1 only and the serial collector: the child starts in half the time on a busy
            // machine, and these tests are about recovery, not throughput
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-cp",
            System.getProperty("java.class.path"),
            "dev.crier.cli.Main",
            "serve");
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("CRIER_"));
    env.put("CRIER_PORT", "0");
    env.put("CRIER_DATA_DIR", dataDir.toString());
    env.put("CRIER_DB_URL", dbUrl);
    env.put("CRIER_ADMIN_KEY", ADMIN_KEY);
    env.put("CRIER_ALLOW_PRIVATE_TARGETS", "true");
    env.putAll(extraEnv);
    builder.redirectError(ProcessBuilder.Redirect.appendTo(dataDir.resolve("child-stderr.log").toFile()));
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    started.add(process);
    LIVE.add(process);
    process.onExit().thenAccept(LIVE::remove);
    CompletableFuture<Integer> announced = new CompletableFuture<>();
    Process child = process;
    Thread.ofPlatform()
        .daemon(true)
        .name("child-crier-stdout-" + run)
        .start(() -> copyStdout(child, run, announced));
    return announced;
  }

  private void copyStdout(Process child, int run, CompletableFuture<Integer> announced) {
    Path log = dataDir.resolve("child-stdout.log");
    try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8));
        Writer out = Files.newBufferedWriter(log, UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      out.write("--- run " + run + " (pid " + child.pid() + ")\n");
      String line;
      while ((line = in.readLine()) != null) {
        out.write(line + "\n");
        out.flush();
        Matcher m = RUNNING.matcher(line);
        if (m.find()) announced.complete(Integer.parseInt(m.group(1)));
      }
    } catch (IOException e) {
      // the child died; whoever waits learns it below
    } finally {
      announced.completeExceptionally(new IllegalStateException("child exited before announcing its port"));
    }
  }

  private static String javaBin() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  public Api api() {
    return new Api("http://127.0.0.1:" + port, ADMIN_KEY);
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  /**
   * SIGKILL ({@link Process#destroyForcibly}) and waits until the process is gone.
   *
   * @return the exit code the JVM saw (137 for SIGKILL on Linux)
   */
  public int kill() {
    if (process == null) return -1;
    process.destroyForcibly();
    return awaitExit(20, "SIGKILL");
  }

  /** SIGTERM (an orderly stop: Crier gives back its leases) and waits until the process is gone. */
  public int stop() {
    if (process == null) return -1;
    process.destroy();
    return awaitExit(30, "SIGTERM");
  }

  /**
   * SIGSTOP: the process stops dead (no thread runs, its sockets stay open) until {@link #thaw};
   * to the rest of the cluster it looks like a node cut off by a partition or a very long pause.
   */
  public void freeze() {
    signal("-STOP");
  }

  /** SIGCONT after {@link #freeze}. */
  public void thaw() {
    signal("-CONT");
  }

  private void signal(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
      if (kill.waitFor() != 0) throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Waits until the child exits on its own (at most {@code seconds}); its exit code. */
  public int awaitExit(int seconds) {
    return awaitExit(seconds, "waiting for it to stop on its own");
  }

  private int awaitExit(int seconds, String signal) {
    try {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        throw new IllegalStateException("child " + process.pid() + " still alive " + seconds + " s after " + signal);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return process.exitValue();
  }

  /** The last lines the child wrote to stderr (its log), for failure messages. */
  public String stderrTail() {
    try {
      List<String> lines = Files.readAllLines(dataDir.resolve("child-stderr.log"), UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no stderr: " + e + ")";
    }
  }

  /** Every line the child wrote to stderr, across runs. */
  public String stderr() {
    try {
      return Files.readString(dataDir.resolve("child-stderr.log"), UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** Kills every child this helper started that is still running. */
  @Override
  public void close() {
    for (Process p : started) {
      if (p.isAlive()) {
        p.destroyForcibly();
        try {
          p.waitFor(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
