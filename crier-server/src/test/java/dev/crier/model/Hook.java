package dev.crier.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The reference model of one webhook: what the test asked for and when (System.nanoTime of each
 * call's start and end), and which acknowledged events it must receive.
 */
final class Hook {
  /** A period in which something changed; {@code ended} is when the API answered. */
  record Change<T>(T value, long started, long ended) {}

  /** An acknowledged event this webhook must receive, and when its publish was answered. */
  record Expected(String eventId, long publishedAt) {}

  final int index;
  final String path;
  final String id;
  final int maxInFlight;
  final List<Change<String>> secrets = new ArrayList<>();
  final List<Change<Boolean>> ordering = new ArrayList<>();
  final List<Expected> expected = new ArrayList<>();
  boolean disabled;
  Change<Boolean> deletion;

  Hook(int index, String path, String id, String secret, boolean ordered, int maxInFlight, long createdAt) {
    this.index = index;
    this.path = path;
    this.id = id;
    this.maxInFlight = maxInFlight;
    secrets.add(new Change<>(secret, createdAt, createdAt));
    ordering.add(new Change<>(ordered, createdAt, createdAt));
  }

  boolean deleted() {
    return deletion != null;
  }

  /** Whether every event of the type this webhook hears (or of the shared type) reaches it. */
  boolean hears(int target) {
    return target < 0 || target == index;
  }

  /**
   * Ordered for certain at {@code t}: the last change begun before t had been answered by then
   * and made it ordered. During a PATCH of {@code ordered} either answer is allowed.
   */
  boolean orderedAt(long t) {
    Change<Boolean> last = null;
    for (Change<Boolean> c : ordering) if (c.started() <= t) last = c;
    return last != null && last.ended() <= t && last.value();
  }

  boolean orderedNow() {
    return ordering.getLast().value();
  }

  /** When the current ordered period began, or -1 when the webhook is unordered now. */
  long orderedSince() {
    Change<Boolean> last = ordering.getLast();
    if (!last.value()) return -1;
    // successive PATCHes to true keep one ordered period
    long since = last.ended();
    for (int i = ordering.size() - 1; i >= 0 && ordering.get(i).value(); i--) since = ordering.get(i).ended();
    return since;
  }

  /**
   * The secrets a request arriving at {@code t} may be signed with: those of the last rotation
   * answered before t (rotations sent together count as one, since any of them may have won)
   * and of any still in progress; and those of the rotation before, but only for an event
   * published before the last rotation was answered (its request may have been signed before).
   */
  List<String> secretsAt(long t, long publishedAt) {
    List<Long> groups = secrets.stream().map(Change::started).distinct().toList();
    int current = 0;
    long currentEnded = 0;
    for (int g = 0; g < groups.size(); g++) {
      long started = groups.get(g);
      long ended = secrets.stream().filter(c -> c.started() == started).mapToLong(Change::ended).max().orElseThrow();
      if (ended <= t) {
        current = g;
        currentEnded = ended;
      }
    }
    long from = groups.get(publishedAt > currentEnded ? current : Math.max(0, current - 1));
    return secrets.stream().filter(c -> c.started() >= from && c.started() <= t).map(Change::value).toList();
  }

  /** The secrets of the last rotation, or of the last group of rotations sent together. */
  List<String> latestSecrets() {
    long started = secrets.getLast().started();
    return secrets.stream().filter(c -> c.started() == started).map(Change::value).toList();
  }

  @Override
  public String toString() {
    return "w" + index + " (" + id + ")";
  }
}
