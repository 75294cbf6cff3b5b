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
  String name;

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
   * The secrets a request arriving at {@code t} may be signed with: the current and previous
   * ones as of the last rotation answered before t, and any rotation still in progress.
   */
  List<String> secretsAt(long t) {
    int current = 0;
    for (int i = 0; i < secrets.size(); i++) if (secrets.get(i).ended() <= t) current = i;
    List<String> allowed = new ArrayList<>();
    for (int i = Math.max(0, current - 1); i < secrets.size(); i++) {
      if (secrets.get(i).started() <= t) allowed.add(secrets.get(i).value());
    }
    return allowed;
  }

  String latestSecret() {
    return secrets.getLast().value();
  }

  @Override
  public String toString() {
    return "w" + index + " (" + id + ")";
  }
}
