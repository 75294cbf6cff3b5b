package dev.crier.subscription;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which event types a subscription hears: an exact name ({@code entry.updated}), {@code *} for
 * every type, or names with {@code *} segments ({@code client.*}, {@code *.created}). A {@code *}
 * matches one segment, except at the end where it matches the rest ({@code crier.*} hears {@code
 * crier.webhook.halted}).
 */
public record EventPattern(String text) {
  private static final Pattern SYNTAX = Pattern.compile("\\*|([a-z][a-z0-9_]*|\\*)(\\.([a-z][a-z0-9_]*|\\*))+");

  /** Why {@code text} is not a pattern, or empty when it is one. */
  public static Optional<String> problem(String text) {
    if (text == null || text.isEmpty()) return Optional.of("must not be empty");
    if (text.length() > 100 || !SYNTAX.matcher(text).matches()) {
      return Optional.of(
          "must be an event type, '*', or a type with '*' segments such as 'client.*', got '" + text + "'");
    }
    return Optional.empty();
  }

  public boolean exact() {
    return text.indexOf('*') < 0;
  }

  public boolean matches(String type) {
    if (text.equals("*")) return true;
    if (exact()) return text.equals(type);
    String[] want = text.split("\\.");
    String[] have = type.split("\\.");
    for (int i = 0; i < want.length; i++) {
      boolean last = i == want.length - 1;
      if (i >= have.length) return false;
      if (want[i].equals("*")) {
        if (last) return true;
        continue;
      }
      if (!want[i].equals(have[i])) return false;
    }
    return want.length == have.length;
  }

  @Override
  public String toString() {
    return text;
  }
}
