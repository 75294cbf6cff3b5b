package dev.crier.event;

import java.util.Optional;
import java.util.regex.Pattern;

/** The rule for event type names: lowercase words joined by dots, at least two of them. */
public final class EventTypeName {
  static final int MAX_LENGTH = 100;
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+");

  private EventTypeName() {}

  /** Why {@code name} is not a valid event type name, or empty when it is. */
  public static Optional<String> problem(String name) {
    if (name == null || name.isEmpty()) return Optional.of("must not be empty");
    if (name.length() > MAX_LENGTH) {
      return Optional.of("must be at most " + MAX_LENGTH + " characters");
    }
    if (!NAME.matcher(name).matches()) {
      return Optional.of(
          "must be lowercase words joined by dots, at least two (resource.action), got '"
              + name
              + "'");
    }
    return Optional.empty();
  }

  /** The resource part of a valid name: everything before the last dot. */
  public static String resourceOf(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? name : name.substring(0, dot);
  }
}
