package dev.crier.subscription;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a watch hears: a subject path ({@code //noah/application}) and everything below it,
 * segment by segment ({@code //noah/application/my_app}, not {@code //noah/applications2}).
 * Literal text, no wildcards or regular expressions; a trailing slash means nothing.
 */
public record PathPattern(String text) {
  public static final int MAX_LENGTH = 1024;

  /** Why {@code text} is not a pattern, or empty when it is one. */
  public static Optional<String> problem(String text) {
    if (text == null || text.isEmpty()) return Optional.of("must not be empty");
    if (!text.startsWith("/")) return Optional.of("must start with '/', got '" + text + "'");
    if (text.length() > MAX_LENGTH) return Optional.of("must be at most " + MAX_LENGTH + " characters");
    return Optional.empty();
  }

  /** The pattern {@code text} stands for: trailing slashes removed ({@code /} itself stays). */
  public static PathPattern of(String text) {
    return new PathPattern(normalise(text));
  }

  static String normalise(String path) {
    int end = path.length();
    while (end > 1 && path.charAt(end - 1) == '/') end--;
    return path.substring(0, end);
  }

  /** Whether an event with subject path {@code path} is heard: it is this one or lies below it. */
  public boolean matches(String path) {
    if (path == null) return false;
    String p = normalise(path);
    if (text.equals("/")) return p.startsWith("/");
    return p.equals(text) || (p.startsWith(text) && p.charAt(text.length()) == '/');
  }

  /** Whether {@code other} lies strictly below this pattern (so this one hears all it hears). */
  public boolean contains(PathPattern other) {
    return !other.text.equals(text) && matches(other.text);
  }

  /**
   * Every pattern that matches {@code path}, most specific first: the path itself and each
   * prefix that ends at a {@code /}, down to {@code /}. As many as the path has segments, so
   * looking them up in a map costs O(depth), whatever the number of watches.
   */
  public static List<String> candidates(String path) {
    String p = normalise(path);
    List<String> out = new ArrayList<>();
    out.add(p);
    for (int i = p.length() - 1; i > 0; i--) {
      if (p.charAt(i) == '/') {
        String prefix = p.substring(0, i);
        if (!prefix.equals(out.get(out.size() - 1))) out.add(prefix);
      }
    }
    if (!out.get(out.size() - 1).equals("/")) out.add("/");
    return out;
  }

  @Override
  public String toString() {
    return text;
  }
}
