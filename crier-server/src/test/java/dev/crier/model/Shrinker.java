package dev.crier.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Delta debugging over a failing scenario's operations: drops chunks (then single operations)
 * while a run still fails with the same kind of violation, until nothing more can go or the time
 * budget is spent. Runs are real and timing varies, so a chunk that does not fail once stays.
 */
final class Shrinker {
  private Shrinker() {}

  /** The shortest failing scenario found, with the result of its failing run. */
  record Shrunk(Scenario scenario, SequenceRun.Result result, int runs) {}

  static Shrunk shrink(Scenario failing, SequenceRun.Result failure, Duration budget, Function<Scenario, SequenceRun.Result> run) {
    long deadline = System.nanoTime() + budget.toNanos();
    List<Op> ops = new ArrayList<>(failing.ops());
    SequenceRun.Result last = failure;
    int runs = 0;
    int parts = 2;
    while (ops.size() >= 2 && System.nanoTime() < deadline) {
      int chunk = (ops.size() + parts - 1) / parts;
      boolean reduced = false;
      for (int start = 0; start < ops.size() && System.nanoTime() < deadline; start += chunk) {
        List<Op> candidate = new ArrayList<>(ops.subList(0, start));
        candidate.addAll(ops.subList(Math.min(ops.size(), start + chunk), ops.size()));
        SequenceRun.Result result = run.apply(failing.withOps(candidate));
        runs++;
        if (result.failed() && result.kind().equals(failure.kind())) {
          ops = candidate;
          last = result;
          parts = Math.max(parts - 1, 2);
          reduced = true;
          break;
        }
      }
      if (!reduced) {
        if (parts >= ops.size()) break;
        parts = Math.min(ops.size(), parts * 2);
      }
    }
    if (ops.size() == 1 && System.nanoTime() < deadline) {
      SequenceRun.Result result = run.apply(failing.withOps(List.of()));
      runs++;
      if (result.failed() && result.kind().equals(failure.kind())) {
        ops = List.of();
        last = result;
      }
    }
    return new Shrunk(failing.withOps(ops), last, runs);
  }
}
