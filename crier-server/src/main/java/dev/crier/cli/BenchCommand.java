package dev.crier.cli;

import dev.crier.bench.Bench;
import dev.crier.bench.Row;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code crier bench}: measures Crier on this machine, scenario by scenario, in one table. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Run benchmark scenarios against Crier on loopback and print one table (and JSON).",
      "By default each scenario starts its own Crier child process (SQLite, or PostgreSQL with --db-url).",
      "Scenarios: fanout, ordered, latency, broadcast, fanout-wide, backlog."
    })
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--scenario", split = ",", paramLabel = "NAME",
      description = "scenarios to run, comma-separated; all (the default), or none (with --baseline)")
  List<String> scenarios = new ArrayList<>(List.of("all"));

  @Option(names = "--duration", paramLabel = "TIME", description = "measured time per scenario, e.g. 30s, 2m (default 30s)")
  String duration = "30s";

  @Option(names = "--warmup", paramLabel = "TIME", description = "unmeasured load before each window: JIT, pools (default 10s)")
  String warmup = "10s";

  @Option(names = "--db-url", paramLabel = "JDBC", description = "PostgreSQL for the servers the bench starts (a fresh schema each, dropped after)")
  String dbUrl;

  @Option(names = "--target", paramLabel = "URL", description = "use this running Crier instead of starting one")
  URI target;

  @Option(names = "--key", paramLabel = "KEY", description = "admin key of --target")
  String key;

  @Option(names = "--baseline", description = "add raw signed POSTs to the same receiver, no storage, for comparison")
  boolean baseline;

  @Option(names = "--json", paramLabel = "FILE", description = "also write the results as JSON")
  Path json;

  @Option(names = "--backlog", paramLabel = "N", description = "pending deliveries the backlog scenario builds (default 1000000)")
  long backlog = 1_000_000;

  @Option(names = "--latency-rate", paramLabel = "N", description = "events a second the latency scenario publishes (default 1000)")
  int latencyRate = 1_000;

  @Option(names = "--jfr", paramLabel = "DIR", description = "record each scenario's window with JFR into DIR (servers the bench starts)")
  Path jfr;

  @Option(names = "--receiver", paramLabel = "KIND", description = "the bench's receiver: jetty (default) or jdk")
  String receiver = "jetty";

  @Option(names = "--keep", description = "keep the servers' data directories, logs and PostgreSQL schemas")
  boolean keep;

  @Option(names = "--server-jvm-arg", paramLabel = "FLAG", description = "extra JVM flag for the servers the bench starts (repeatable)")
  List<String> serverJvmArgs = new ArrayList<>();

  @Override
  public Integer call() {
    Bench.Options options;
    try {
      List<String> names =
          scenarios.contains("all") ? Bench.SCENARIOS
              : scenarios.contains("none") ? List.of() : scenarios.stream().map(String::trim).toList();
      options = new Bench.Options(names, duration(duration, "--duration"), duration(warmup, "--warmup"), dbUrl, target, key,
          baseline, json, backlog, latencyRate, jfr, receiver, keep, serverJvmArgs);
    } catch (IllegalArgumentException e) {
      System.err.println("crier bench: " + e.getMessage());
      return 2;
    }
    List<Row> rows = Bench.run(options, System.out);
    return rows.stream().anyMatch(r -> r.notes() != null && r.notes().startsWith("not run: failed")) ? 1 : 0;
  }

  /** Parses 30s, 2m, 500ms, 1h or a plain number of seconds. */
  static Duration duration(String text, String option) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.endsWith("ms")) return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      if (t.endsWith("s")) return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
      if (t.endsWith("m")) return Duration.ofSeconds(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 60));
      if (t.endsWith("h")) return Duration.ofSeconds(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 3600));
      return Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be a time such as 30s, 2m or 500ms, got '" + text + "'");
    }
  }
}
