package dev.crier.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.crier.testing.Engine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A model-based test of the delivery engine: seeded random sequences of publishes (single and
 * batched, to one or every webhook), receiver answers (2xx, 5xx, timeout, garbage bytes, a NUL in
 * the body), halts, disable, enable, resume, PATCHes of {@code ordered} and of the retry
 * schedule, deletes, secret rotations (also beside a PATCH), clock steps (in-process Crier) and
 * {@code kill -9} with a restart (Crier as a child process), against a real Crier over real HTTP.
 * After each sequence everything heals and {@link ModelChecks} compares the outcome with the
 * model. A failing sequence is printed with its seed and operations, then shrunk.
 *
 * <p>CI runs the fixed seeds below. {@code -Dcrier.model.minutes=N} with {@code -Dgroups=soak}
 * (or the {@code soak} method selected by name) runs fresh random seeds for N minutes per store;
 * {@code -Dcrier.model.seed=S} replays one seed in both flavours; {@code
 * -Dcrier.model.findings=FILE} appends every failure and its shrunk reproduction to FILE.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class EngineModelTest {
  private static final long[] IN_PROCESS_SEEDS = {11, 23, 37};
  private static final long[] CHILD_SEEDS = {9};
  private static final int IN_PROCESS_OPS = 40;
  private static final int CHILD_OPS = 16;
  private static final Duration SHRINK_BUDGET = Duration.ofSeconds(Long.getLong("crier.model.shrinkSeconds", 60));

  /** One line per sequence, across runs and stores (surefire keeps one store's output only). */
  private static final Path RUN_LOG = Path.of("target", "model-runs.log");

  @Parameter Engine engine;

  private int sequences;
  private int operations;

  @Test
  void fixedSeedsKeepTheModel() {
    onlyEngineAsked();
    List<Scenario> scenarios = new ArrayList<>();
    Long only = Long.getLong("crier.model.seed");
    if (only != null) {
      int ops = Integer.getInteger("crier.model.ops", IN_PROCESS_OPS);
      String flavour = System.getProperty("crier.model.flavour", "");
      if (!flavour.equalsIgnoreCase("child")) scenarios.add(Scenario.generate(only, Scenario.Flavour.IN_PROCESS, ops));
      if (!flavour.equalsIgnoreCase("in_process")) scenarios.add(Scenario.generate(only, Scenario.Flavour.CHILD, Integer.getInteger("crier.model.ops", CHILD_OPS)));
    } else {
      for (long seed : IN_PROCESS_SEEDS) scenarios.add(Scenario.generate(seed, Scenario.Flavour.IN_PROCESS, IN_PROCESS_OPS));
      for (long seed : CHILD_SEEDS) scenarios.add(Scenario.generate(seed, Scenario.Flavour.CHILD, CHILD_OPS));
    }
    List<String> failures = new ArrayList<>();
    for (Scenario scenario : scenarios) runAndReport(scenario, new HashSet<>()).ifPresent(failures::add);
    summarize("model", failures.size());
    assertThat(failures).as("sequences that broke the model").isEmpty();
  }

  /**
   * Short sequences kept from shrunk failures (and the defects they pinned), run as they are:
   * each is a rule the engine once broke.
   */
  @Test
  void keptReproductionsKeepTheModel() {
    onlyEngineAsked();
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < KEPT.size(); i++) runAndReport(KEPT.get(i).withSeed(-1 - i), null).ifPresent(failures::add);
    assertThat(failures).as("kept reproductions that broke the model").isEmpty();
  }

  private static final List<String> QUICK = List.of("10ms", "10ms");
  private static final List<Scenario> KEPT =
      List.of(
          // a halted webhook disabled and enabled again still sends the delivery that failed
          Scenario.of(
              Scenario.Flavour.IN_PROCESS,
              List.of(new Scenario.Setup(true, QUICK, 1)),
              new Op.Publish(0, 1), new Op.Halt(0), new Op.Publish(0, 2), new Op.Disable(0), new Op.Enable(0)),
          // unordered requests still open when the webhook becomes ordered: the ordered lane waits
          Scenario.of(
              Scenario.Flavour.IN_PROCESS,
              List.of(new Scenario.Setup(false, QUICK, 4)),
              new Op.Answer(0, ModelReceiver.Mode.TIMEOUT), new Op.Publish(0, 4), new Op.Pause(100), new Op.SetOrdered(0, true),
              new Op.Publish(0, 2), new Op.Pause(300)),
          // a NUL byte in a receiver's answer is stored (or dropped), never stalls recording
          Scenario.of(
              Scenario.Flavour.IN_PROCESS,
              List.of(new Scenario.Setup(true, QUICK, 1), new Scenario.Setup(false, QUICK, 2)),
              new Op.Answer(0, ModelReceiver.Mode.NUL_BODY), new Op.Publish(-1, 3), new Op.Pause(200)),
          // a webhook deleted with deliveries waiting for a retry sends nothing more
          Scenario.of(
              Scenario.Flavour.IN_PROCESS,
              List.of(new Scenario.Setup(true, List.of("1s", "1m"), 1), new Scenario.Setup(false, List.of("1s", "1m"), 4)),
              new Op.Answer(0, ModelReceiver.Mode.FAIL), new Op.Answer(1, ModelReceiver.Mode.FAIL), new Op.Publish(-1, 3),
              new Op.Pause(200), new Op.Delete(0), new Op.Delete(1), new Op.Answer(0, ModelReceiver.Mode.OK),
              new Op.Answer(1, ModelReceiver.Mode.OK), new Op.Step(Duration.ofMinutes(2)), new Op.Pause(300)),
          // a webhook deleted while its receiver holds a request sends nothing more
          Scenario.of(
              Scenario.Flavour.IN_PROCESS,
              List.of(new Scenario.Setup(true, QUICK, 1)),
              new Op.Answer(0, ModelReceiver.Mode.TIMEOUT), new Op.Publish(0, 3), new Op.Pause(100), new Op.Delete(0),
              new Op.Pause(1500)),
          // disabled and enabled while an attempt is in flight: the new lane waits for it
          Scenario.of(
              Scenario.Flavour.IN_PROCESS,
              List.of(new Scenario.Setup(true, QUICK, 1)),
              new Op.Answer(0, ModelReceiver.Mode.TIMEOUT), new Op.Publish(0, 1), new Op.Disable(0), new Op.Enable(0),
              new Op.Pause(300)),
          // a PATCH and a rotation at the same moment both take effect
          Scenario.of(
              Scenario.Flavour.IN_PROCESS,
              List.of(new Scenario.Setup(true, QUICK, 1)),
              new Op.PatchWhileRotating(0), new Op.PatchWhileRotating(0), new Op.PatchWhileRotating(0),
              new Op.PatchWhileRotating(0), new Op.PatchWhileRotating(0), new Op.PatchWhileRotating(0),
              new Op.PatchWhileRotating(0), new Op.PatchWhileRotating(0), new Op.Publish(0, 1)));

  @Test
  @Tag("soak")
  void soak() {
    long minutes = Long.getLong("crier.model.minutes", 0);
    assumeTrue(minutes > 0, "set -Dcrier.model.minutes=N to soak");
    onlyEngineAsked();
    long deadline = System.nanoTime() + Duration.ofMinutes(minutes).toNanos();
    Random seeds = new Random();
    List<String> failures = new ArrayList<>();
    Set<String> shrunkKinds = new HashSet<>();
    while (System.nanoTime() < deadline) {
      long seed = seeds.nextLong() & Long.MAX_VALUE;
      boolean child = sequences % 4 == 3;
      Scenario scenario =
          child
              ? Scenario.generate(seed, Scenario.Flavour.CHILD, CHILD_OPS + seeds.nextInt(CHILD_OPS))
              : Scenario.generate(seed, Scenario.Flavour.IN_PROCESS, IN_PROCESS_OPS + seeds.nextInt(2 * IN_PROCESS_OPS));
      // the first failure of each kind is shrunk; later ones are reported as they are
      runAndReport(scenario, shrunkKinds).ifPresent(failures::add);
    }
    summarize("model soak", failures.size());
    assertThat(failures).as("sequences that broke the model").isEmpty();
  }

  private void summarize(String what, int failed) {
    String line = "[%s] %s: %d sequences, %d operations, %d failed%n".formatted(engine, what, sequences, operations, failed);
    System.out.print(line);
    append(RUN_LOG, line);
  }

  /** {@code -Dcrier.model.engine=sqlite} (or postgresql) runs on that store only. */
  private void onlyEngineAsked() {
    String only = System.getProperty("crier.model.engine");
    assumeTrue(only == null || only.equalsIgnoreCase(engine.name()), "only " + only + " asked for");
  }

  /**
   * Runs one scenario; on failure prints it, shrinks it unless a failure of its kind was shrunk
   * already ({@code shrunkKinds} null: never) and returns the report.
   */
  private Optional<String> runAndReport(Scenario scenario, Set<String> shrunkKinds) {
    long began = System.nanoTime();
    SequenceRun.Result result = SequenceRun.run(scenario, engine);
    sequences++;
    operations += result.opsRun();
    String line =
        "[%s] seed %d %s: %d ops, %d expected deliveries, %d requests, %s, %d ms%n"
            .formatted(engine, scenario.seed(), scenario.flavour(), result.opsRun(), result.expected(), result.requests(), result.failed() ? "FAILED " + result.violations() : "ok", (System.nanoTime() - began) / 1_000_000);
    System.out.print(line);
    append(RUN_LOG, line);
    if (!result.failed()) return Optional.empty();
    StringBuilder report = new StringBuilder();
    report.append("## ").append(engine).append(", ").append(scenario.describe().lines().findFirst().orElse("")).append(" at ").append(Instant.now()).append("\n\n");
    report.append("Violations:\n");
    result.violations().forEach(v -> report.append("- ").append(v).append('\n'));
    report.append("\nSequence:\n```\n").append(scenario.describe()).append("```\n");
    if (!result.log().isEmpty()) report.append("\nNotes:\n```\n").append(result.log()).append("```\n");
    if (shrunkKinds != null && shrunkKinds.add(result.kind())) {
      Shrinker.Shrunk shrunk = Shrinker.shrink(scenario, result, SHRINK_BUDGET, s -> SequenceRun.run(s, engine));
      report.append("\nShrunk in ").append(shrunk.runs()).append(" runs to ").append(shrunk.scenario().ops().size()).append(" operations:\n```\n").append(shrunk.scenario().describe()).append("```\n");
      report.append("which gives:\n");
      shrunk.result().violations().forEach(v -> report.append("- ").append(v).append('\n'));
    }
    System.out.println(report);
    String file = System.getProperty("crier.model.findings");
    if (file != null) append(Path.of(file), report + "\n");
    return Optional.of(report.toString());
  }

  private static void append(Path file, String text) {
    try {
      Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
