package dev.crier.bench;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code crier bench}: runs the named scenarios against a Crier on this machine and reports one
 * table. By default each scenario gets a fresh Crier child process (own data directory or
 * PostgreSQL schema, 512 MiB heap), so scenarios never disturb each other and the CPU and peak RSS
 * columns are that scenario's alone; with a target URL it uses a running Crier instead, with a
 * fresh event type and its own subscriptions per scenario, deleted afterwards.
 */
public final class Bench {
  public static final List<String> SCENARIOS = List.of("fanout", "ordered", "latency", "broadcast", "fanout-wide", "backlog");

  /**
   * What to run.
   *
   * @param scenarios names from {@link #SCENARIOS}
   * @param duration the measured window of each timed scenario
   * @param warmup load before the window that is not measured (JIT, connection pools)
   * @param dbUrl a PostgreSQL JDBC URL for the child servers, or null for SQLite
   * @param target a running Crier to use instead of child servers, or null
   * @param key its admin key (with {@code target})
   * @param baseline add the raw-sending row
   * @param json where to write the JSON, or null
   * @param backlog pending deliveries the backlog scenario builds
   * @param latencyRate events a second the latency scenario publishes (1,000 by the issue)
   * @param jfrDir where to write a JFR recording of each scenario's window, or null
   * @param receiver "jetty" or "jdk"
   * @param keep keep the child servers' data directories and logs
   * @param serverJvmArgs extra flags for the child servers' JVMs
   */
  public record Options(
      List<String> scenarios,
      Duration duration,
      Duration warmup,
      String dbUrl,
      URI target,
      String key,
      boolean baseline,
      Path json,
      long backlog,
      int latencyRate,
      Path jfrDir,
      String receiver,
      boolean keep,
      List<String> serverJvmArgs) {
    public Options {
      for (String s : scenarios) {
        if (!SCENARIOS.contains(s)) throw new IllegalArgumentException("unknown scenario '" + s + "'; known: " + String.join(", ", SCENARIOS));
      }
      if (target != null && (key == null || key.isBlank())) throw new IllegalArgumentException("--target needs --key (the admin key)");
      if (target != null && dbUrl != null) throw new IllegalArgumentException("--db-url configures the servers the bench starts; with --target it has no effect");
      Bench.receiverKind(receiver);
    }
  }

  private final Options options;
  private final PrintStream out;

  private Bench(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /** Runs everything, prints progress and the table to {@code out}, writes the JSON; returns the rows. */
  public static List<Row> run(Options options, PrintStream out) {
    return new Bench(options, out).run();
  }

  private List<Row> run() {
    List<Row> rows = new ArrayList<>();
    String database = options.target != null ? "remote" : options.dbUrl != null ? "postgresql" : "sqlite";
    double loadBefore = ProcessStats.loadAverage();
    double stealBefore = ProcessStats.machineStealSeconds();
    long startedAt = System.nanoTime();
    out.printf(Locale.ROOT, "crier bench: %s on %s, %s per scenario after %s warm-up, %d cores, load average %.2f%n",
        String.join(",", options.scenarios), options.target != null ? options.target : database + " (a fresh child server per scenario)",
        human(options.duration), human(options.warmup), Runtime.getRuntime().availableProcessors(), loadBefore);
    try (Receiver receiver = Receiver.start(receiverKind(options.receiver), "Crier")) {
      for (String name : options.scenarios) {
        Scenario scenario = Scenario.named(name, options.backlog, options.latencyRate).orElseThrow();
        rows.add(runOne(scenario, receiver, database));
      }
      if (options.baseline) {
        long count = rows.stream().filter(r -> r.scenario().equals("fanout")).mapToLong(Row::deliveries).findFirst()
            .orElse(rows.stream().mapToLong(Row::deliveries).max().orElse(0));
        if (count <= 0) count = 100_000;
        Row baseline = Baseline.run(receiver, count, out);
        rows.add(baseline);
        rows.replaceAll(r -> r.deliveriesPerSecond() > 0 && (r.scenario().equals("fanout") || r.scenario().equals("ordered"))
            ? r.withNotes(String.format(Locale.ROOT, "%.0f%% of baseline", 100 * r.deliveriesPerSecond() / baseline.deliveriesPerSecond()))
            : r);
      }
    }
    double loadAfter = ProcessStats.loadAverage();
    double steal = ProcessStats.percent(stealBefore, ProcessStats.machineStealSeconds(), (System.nanoTime() - startedAt) / 1e9);
    out.println();
    Report.print(rows, out);
    out.printf(Locale.ROOT, "load average (1 min): %.2f before, %.2f after; CPU stolen by other guests: %s; other work on this machine skews every figure%n",
        loadBefore, loadAfter, steal < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f%% of a core", steal));
    if (options.json != null) {
      Map<String, Object> context = new LinkedHashMap<>();
      context.put("at", Instant.now().toString());
      context.put("database", database);
      context.put("cores", Runtime.getRuntime().availableProcessors());
      context.put("duration_seconds", options.duration.toMillis() / 1000.0);
      context.put("warmup_seconds", options.warmup.toMillis() / 1000.0);
      context.put("receiver", options.receiver);
      context.put("java", System.getProperty("java.version"));
      context.put("load_average_before", loadBefore);
      context.put("load_average_after", loadAfter);
      if (steal >= 0) context.put("machine_steal_percent_of_a_core", Run.round(steal));
      context.put("server_heap", options.target == null ? "-Xmx" + ChildServer.HEAP : "unknown");
      Report.writeJson(rows, context, options.json);
      out.println("JSON written to " + options.json);
    }
    return rows;
  }

  private Row runOne(Scenario scenario, Receiver receiver, String database) {
    out.printf(Locale.ROOT, "== %s%n", scenario.name());
    ServerUnderTest server;
    try {
      server = options.target != null
          ? new ServerUnderTest.Remote(options.target, options.key)
          : ChildServer.start(options.dbUrl, options.serverJvmArgs, options.keep);
    } catch (RuntimeException e) {
      out.println("   could not start the server: " + e.getMessage());
      return Row.notRun(scenario.name(), database, "server did not start: " + e.getMessage());
    }
    if (server instanceof ChildServer child) {
      out.printf(Locale.ROOT, "   server pid %d at %s (data in %s)%n", child.pid(), child.url(), child.dir());
    }
    try (Run run = new Run(scenario.name(), server, receiver, options.duration, options.warmup, out, tag(),
        options.target == null, options.jfrDir)) {
      Row row = scenario.run(run);
      if (server instanceof ChildServer child && !child.isAlive()) row = row.withNotes("THE SERVER DIED during the run");
      out.printf(Locale.ROOT, "   %s: %s events/s, %s deliveries/s, p50 %s ms, p99 %s ms, errors %d/%d%n",
          row.scenario(), Report.rate(row.eventsPerSecond()), Report.rate(row.deliveriesPerSecond()),
          Report.ms(row.p50Ms()), Report.ms(row.p99Ms()), row.publishErrors(), row.missing());
      return row;
    } catch (RuntimeException e) {
      out.println("   " + scenario.name() + " failed: " + e);
      return Row.notRun(scenario.name(), server.database(), "failed: " + e.getMessage());
    } finally {
      server.close();
    }
  }

  static Receiver.Kind receiverKind(String name) {
    return switch (Optional.ofNullable(name).orElse("jetty").toLowerCase(Locale.ROOT)) {
      case "jetty" -> Receiver.Kind.JETTY;
      case "jdk" -> Receiver.Kind.JDK;
      default -> throw new IllegalArgumentException("--receiver must be jetty or jdk, got '" + name + "'");
    };
  }

  private static String tag() {
    SecureRandom random = new SecureRandom();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 6; i++) sb.append((char) ('a' + random.nextInt(26)));
    return sb.toString();
  }

  static String human(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }
}
