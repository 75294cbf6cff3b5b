package dev.crier.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * A generated sequence: the webhooks made first, then the operations. The same seed and flavour
 * always give the same scenario; shrinking keeps the webhooks and drops operations.
 */
record Scenario(long seed, Flavour flavour, List<Setup> webhooks, List<Op> ops) {

  /** In-process Crier on a {@code ManualClock} (clock steps), or a child process (kill -9). */
  enum Flavour {
    IN_PROCESS,
    CHILD
  }

  /** How one webhook is created. */
  record Setup(boolean ordered, List<String> schedule, int maxInFlight) {
    @Override
    public String toString() {
      return (ordered ? "ordered" : "unordered, max_in_flight=" + maxInFlight) + ", retry_schedule=" + schedule;
    }
  }

  /** A hand-written (or shrunk and kept) scenario; a seed of 0 or below marks it as not generated. */
  static Scenario of(Flavour flavour, List<Setup> webhooks, Op... ops) {
    return new Scenario(0, flavour, List.copyOf(webhooks), List.of(ops));
  }

  /** The same scenario under another label (kept ones are numbered −1, −2, ...). */
  Scenario withSeed(long label) {
    return new Scenario(label, flavour, webhooks, ops);
  }

  Scenario withOps(List<Op> fewer) {
    return new Scenario(seed, flavour, webhooks, List.copyOf(fewer));
  }

  String describe() {
    StringBuilder out = new StringBuilder("seed " + seed + " (" + flavour + ")\n");
    for (int i = 0; i < webhooks.size(); i++) out.append("  w").append(i).append(": ").append(webhooks.get(i)).append('\n');
    for (int i = 0; i < ops.size(); i++) out.append("  ").append(i).append(". ").append(ops.get(i)).append('\n');
    return out.toString();
  }

  static Scenario generate(long seed, Flavour flavour, int opCount) {
    Random random = new Random(seed * 31 + flavour.ordinal());
    List<List<String>> schedules =
        flavour == Flavour.CHILD
            ? List.of(List.of("10ms", "10ms"), List.of("20ms", "50ms", "100ms"), List.of("50ms"))
            : List.of(List.of("10ms", "10ms"), List.of("50ms", "1s"), List.of("1s", "1m", "10m"));
    int count = 2 + random.nextInt(2);
    List<Setup> webhooks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      webhooks.add(new Setup(random.nextInt(10) < 7, pick(random, schedules), 2 + random.nextInt(3)));
    }
    List<Op> ops = new ArrayList<>();
    List<Integer> live = new ArrayList<>(IntStream.range(0, count).boxed().toList());
    Set<Integer> disabled = new HashSet<>();
    int kills = 0;
    int w = 0;
    while (ops.size() < opCount) {
      // mostly the same webhook as the step before, so that steps combine (halt, then disable...)
      if (random.nextInt(10) < 4 || !live.contains(w)) w = pick(random, live);
      int roll = random.nextInt(100);
      if (disabled.contains(w) && roll < 40) roll = 58; // enable it again, mostly
      Op op;
      if (roll < 35) op = new Op.Publish(random.nextInt(4) == 0 ? -1 : w, random.nextBoolean() ? 1 : 2 + random.nextInt(4));
      else if (roll < 49) op = new Op.Answer(w, mode(random));
      else if (roll < 55) op = new Op.Halt(w);
      else if (roll < 58) op = new Op.Disable(w);
      else if (roll < 61) op = new Op.Enable(w);
      else if (roll < 67) op = new Op.Resume(w);
      else if (roll < 72) op = new Op.SetOrdered(w, random.nextBoolean());
      else if (roll < 75) op = new Op.SetSchedule(w, pick(random, schedules));
      else if (roll < 77 && live.size() > 1 && random.nextBoolean()) op = new Op.Delete(w);
      else if (roll < 82) op = new Op.Rotate(w);
      else if (roll < 85) op = new Op.PatchWhileRotating(w);
      else if (roll < 92) {
        if (flavour == Flavour.IN_PROCESS) op = new Op.Step(pick(random, List.of(Duration.ofSeconds(2), Duration.ofMinutes(2), Duration.ofMinutes(15), Duration.ofHours(3))));
        else if (kills < 3) {
          op = new Op.Kill();
          kills++;
        } else op = new Op.Pause(100);
      } else op = new Op.Pause(50 + random.nextInt(300));
      if (op instanceof Op.Delete) live.remove(Integer.valueOf(w));
      if (op instanceof Op.Disable) disabled.add(w);
      if (op instanceof Op.Enable) disabled.remove(w);
      ops.add(op);
    }
    return new Scenario(seed, flavour, List.copyOf(webhooks), List.copyOf(ops));
  }

  /**
   * Receiver answers a soak may leave out ({@code -Dcrier.model.withoutAnswers=NUL_BODY,...}),
   * to look past a defect already found; the fixed seeds always use them all.
   */
  private static final Set<String> LEFT_OUT = Set.of(System.getProperty("crier.model.withoutAnswers", "").split(","));

  private static ModelReceiver.Mode mode(Random random) {
    int roll = random.nextInt(100);
    ModelReceiver.Mode mode;
    if (roll < 40) mode = ModelReceiver.Mode.OK;
    else if (roll < 60) mode = ModelReceiver.Mode.FAIL;
    else if (roll < 75) mode = ModelReceiver.Mode.TIMEOUT;
    else if (roll < 90) mode = ModelReceiver.Mode.GARBAGE;
    else mode = ModelReceiver.Mode.NUL_BODY;
    return LEFT_OUT.contains(mode.name()) ? ModelReceiver.Mode.OK : mode;
  }

  private static <T> T pick(Random random, List<T> from) {
    return from.get(random.nextInt(from.size()));
  }
}
