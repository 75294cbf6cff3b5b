package dev.crier.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One scenario's run: the server and receiver it uses, its time budget, the progress line printed
 * every few seconds, the server's heap sampled every second, and the measured window (wall time,
 * CPU of both processes, and a JFR recording of the server when asked).
 */
final class Run implements AutoCloseable {
  // Scraping /metrics costs the server CPU too (7% of its Java samples at one scrape every 2 s in
  // the ordered scenario), so the heap is sampled only as often as progress is printed.
  private static final long SAMPLE_MILLIS = 5_000;
  private static final long PRINT_MILLIS = 5_000;

  final String scenario;
  final ServerUnderTest server;
  final CrierApi api;
  final Receiver receiver;
  final Duration duration;
  final Duration warmup;
  final PrintStream out;
  /** Lowercase letters unique to this run, for event type names that never collide. */
  final String tag;
  /** True when the server is this scenario's alone (a child started for it): no clean-up needed. */
  final boolean freshServer;
  private final Path jfrDir;
  private final AtomicLong peakHeap = new AtomicLong(-1);
  private final ProcessStats bench = ProcessStats.self();
  private final long started = System.nanoTime();
  private volatile Supplier<String> status = () -> "setting up";
  private volatile boolean closed;
  private final Thread monitor;
  private long windowStart;
  private double jitCpuStart = -1;
  private double serverCpuStart;
  private double benchCpuStart;
  private double stealStart;
  private boolean recording;

  Run(String scenario, ServerUnderTest server, Receiver receiver, Duration duration, Duration warmup, PrintStream out,
      String tag, boolean freshServer, Path jfrDir) {
    this.scenario = scenario;
    this.server = server;
    this.api = new CrierApi(server.url(), server.adminKey());
    this.receiver = receiver;
    this.duration = duration;
    this.warmup = warmup;
    this.out = out;
    this.tag = tag;
    this.freshServer = freshServer;
    this.jfrDir = jfrDir;
    this.monitor = Thread.ofPlatform().daemon(true).name("bench-monitor").start(this::watch);
  }

  void status(Supplier<String> status) {
    this.status = status;
  }

  void say(String line) {
    out.printf(Locale.ROOT, "[%s %3ds] %s%n", scenario, (System.nanoTime() - started) / 1_000_000_000, line);
    out.flush();
  }

  private void watch() {
    long lastPrint = System.nanoTime();
    while (!closed) {
      try {
        Thread.sleep(SAMPLE_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      long heap = api.heapUsedBytes().orElse(-1);
      peakHeap.accumulateAndGet(heap, Math::max);
      if (System.nanoTime() - lastPrint >= PRINT_MILLIS * 1_000_000) {
        lastPrint = System.nanoTime();
        say(status.get() + (heap >= 0 ? " | heap " + (heap >> 20) + " MiB" : ""));
      }
    }
  }

  /**
   * The JIT is quiet when its compiler threads used less than this share of one core over the
   * last {@link #JIT_SAMPLE_MILLIS}: on two slow cores the ordered scenario's server still spent
   * half a core in C2 20 s after its start (level-4 compilations of the commit and lane loops
   * taking 0.2-1 s each), which the window measured as Crier's cost.
   */
  static final double JIT_QUIET_SHARE = 0.05;
  private static final long JIT_SAMPLE_MILLIS = 2_000;

  /**
   * Waits, after the warm-up, until the server's JIT is quiet, for at most three times the
   * warm-up; the load keeps running meanwhile. Returns the seconds waited, or 0 when the server's
   * threads cannot be read (a {@code --target} server).
   */
  double awaitQuietJit() {
    long startedWaiting = System.nanoTime();
    long limit = startedWaiting + 3 * warmup.toNanos();
    double last = jitCpuSeconds();
    if (last < 0) return 0;
    double share;
    while (true) {
      sleep(JIT_SAMPLE_MILLIS);
      double now = jitCpuSeconds();
      share = Math.max(0, now - last) / (JIT_SAMPLE_MILLIS / 1000.0); // a retired thread takes its time along
      last = now;
      if (share < JIT_QUIET_SHARE || System.nanoTime() >= limit) break;
    }
    double waited = (System.nanoTime() - startedWaiting) / 1e9;
    say(String.format(Locale.ROOT, share < JIT_QUIET_SHARE
            ? "JIT quiet after %.0f s more (compiling on %.1f%% of a core)"
            : "JIT still compiling after %.0f s more (on %.0f%% of a core); measuring anyway",
        waited, share * 100));
    return waited;
  }

  private double jitCpuSeconds() {
    return server.process().map(ProcessStats::jitCpuSeconds).orElse(-1.0);
  }

  /** Starts the measured window (and the server's JFR recording when asked). */
  void beginWindow() {
    windowStart = System.nanoTime();
    jitCpuStart = jitCpuSeconds();
    serverCpuStart = server.process().map(ProcessStats::cpuSeconds).orElse(-1.0);
    benchCpuStart = bench.cpuSeconds();
    stealStart = ProcessStats.machineStealSeconds();
    say("measuring for " + duration.toSeconds() + " s");
    if (jfrDir != null) {
      Path file = jfrDir.toAbsolutePath().resolve(scenario + "-" + server.database() + ".jfr");
      try {
        Files.createDirectories(jfrDir); // JFR.start records nothing into a missing directory
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the JFR directory " + jfrDir, e);
      }
      recording = server.jcmd("JFR.start", "name=bench", "settings=profile", "filename=" + file);
      if (recording) say("JFR recording to " + file);
    }
  }

  /** Ends the measured window. */
  Window endWindow() {
    double seconds = (System.nanoTime() - windowStart) / 1e9;
    double serverCpu = server.process().map(ProcessStats::cpuSeconds).orElse(-1.0);
    double benchCpu = bench.cpuSeconds();
    double jitCpu = jitCpuSeconds();
    double steal = ProcessStats.machineStealSeconds();
    if (recording) server.jcmd("JFR.stop", "name=bench");
    recording = false;
    return new Window(
        seconds,
        ProcessStats.percent(serverCpuStart, serverCpu, seconds),
        ProcessStats.percent(benchCpuStart, benchCpu, seconds),
        ProcessStats.percent(jitCpuStart, jitCpu, seconds),
        ProcessStats.percent(stealStart, steal, seconds));
  }

  /**
   * @param jitPercent the CPU of the server's JIT compiler threads in the window, in % of one core; -1 unknown
   * @param stealPercent CPU the hypervisor gave to other guests in the window, in % of one core; -1 unknown
   */
  record Window(double seconds, double serverCpuPercent, double benchCpuPercent, double jitPercent, double stealPercent) {}

  long peakHeap() {
    api.heapUsedBytes().ifPresent(h -> peakHeap.accumulateAndGet(h, Math::max));
    return peakHeap.get();
  }

  long peakRss() {
    return server.process().flatMap(p -> {
      var rss = p.peakRssBytes();
      return rss.isPresent() ? Optional.of(rss.getAsLong()) : Optional.empty();
    }).orElse(-1L);
  }

  /** A row with the common columns filled from the window, the latencies and the server. */
  Row row(Window w, long events, long deliveries, LatencyHistogram latency, long publishErrors, long missing,
      String notes, Map<String, Object> details) {
    return new Row(
        scenario,
        server.database(),
        round(w.seconds()),
        events,
        round(events / w.seconds()),
        deliveries,
        round(deliveries / w.seconds()),
        millis(latency, 0.50),
        millis(latency, 0.95),
        millis(latency, 0.99),
        latency.count() == 0 ? -1 : round(latency.maxMicros() / 1000.0),
        round(w.serverCpuPercent()),
        peakRss(),
        peakHeap(),
        round(w.benchCpuPercent()),
        publishErrors,
        missing,
        notes,
        withLoad(details, w));
  }

  /**
   * Adds the machine's load average (other work on the box skews every number) and the server's
   * JIT in the window (a server still compiling pays for it out of the same CPU).
   */
  private static Map<String, Object> withLoad(Map<String, Object> details, Window w) {
    Map<String, Object> all = new java.util.LinkedHashMap<>(details);
    all.put("machine_load_1m_at_end", ProcessStats.loadAverage());
    if (w.jitPercent() >= 0) all.put("server_jit_percent_of_a_core_in_window", round(w.jitPercent()));
    if (w.stealPercent() >= 0) all.put("machine_steal_percent_of_a_core_in_window", round(w.stealPercent()));
    return all;
  }

  static double millis(LatencyHistogram h, double fraction) {
    long micros = h.percentile(fraction);
    return micros < 0 ? -1 : round(micros / 1000.0);
  }

  static double round(double v) {
    if (v < 0 || Double.isNaN(v) || Double.isInfinite(v)) return -1;
    return Math.round(v * 100) / 100.0;
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public void close() {
    closed = true;
    monitor.interrupt();
    if (recording) server.jcmd("JFR.stop", "name=bench");
    api.close();
  }
}
