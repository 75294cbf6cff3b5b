package dev.crier.model;

import java.time.Duration;
import java.util.List;

/**
 * One step of a generated sequence. Webhooks are named by their index in the sequence's setup;
 * {@code target} −1 in {@link Publish} means the type every webhook hears.
 */
sealed interface Op {
  /** Publishes {@code count} events of one type: one object when 1, else a batch (an array). */
  record Publish(int target, int count) implements Op {
    @Override
    public String toString() {
      return "publish(" + (target < 0 ? "all" : "w" + target) + ", " + count + ")";
    }
  }

  record Answer(int webhook, ModelReceiver.Mode mode) implements Op {
    @Override
    public String toString() {
      return "answer(w" + webhook + ", " + mode + ")";
    }
  }

  /** A one-step schedule, a failing receiver and one event: an ordered webhook halts. */
  record Halt(int webhook) implements Op {
    @Override
    public String toString() {
      return "halt(w" + webhook + ")";
    }
  }

  record Disable(int webhook) implements Op {
    @Override
    public String toString() {
      return "disable(w" + webhook + ")";
    }
  }

  record Enable(int webhook) implements Op {
    @Override
    public String toString() {
      return "enable(w" + webhook + ")";
    }
  }

  record Resume(int webhook) implements Op {
    @Override
    public String toString() {
      return "resume(w" + webhook + ")";
    }
  }

  record SetOrdered(int webhook, boolean ordered) implements Op {
    @Override
    public String toString() {
      return "patch(w" + webhook + ", ordered=" + ordered + ")";
    }
  }

  record SetSchedule(int webhook, List<String> steps) implements Op {
    @Override
    public String toString() {
      return "patch(w" + webhook + ", retry_schedule=" + steps + ")";
    }
  }

  record Delete(int webhook) implements Op {
    @Override
    public String toString() {
      return "delete(w" + webhook + ")";
    }
  }

  record Rotate(int webhook) implements Op {
    @Override
    public String toString() {
      return "rotate(w" + webhook + ")";
    }
  }

  /** Three PATCHes of the name and three secret rotations released at the same moment. */
  record PatchWhileRotating(int webhook) implements Op {
    @Override
    public String toString() {
      return "patchWhileRotating(w" + webhook + ")";
    }
  }

  /** {@code kill -9} of the Crier process and a start on the same data (child flavour only). */
  record Kill() implements Op {
    @Override
    public String toString() {
      return "kill9";
    }
  }

  /** Moves the injected clock forward (in-process flavour only). */
  record Step(Duration by) implements Op {
    @Override
    public String toString() {
      return "clock+" + by;
    }
  }

  /** Lets real time pass, so lanes make progress between operations. */
  record Pause(int millis) implements Op {
    @Override
    public String toString() {
      return "pause(" + millis + "ms)";
    }
  }
}
