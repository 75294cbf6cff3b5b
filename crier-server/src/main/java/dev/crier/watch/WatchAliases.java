package dev.crier.watch;

import java.util.Map;

/**
 * Short route prefixes and the pattern roots they stand for, so {@code PUT <path>/watch} can
 * speak a provider's own URLs: with Noah's table, {@code /a/my_app} watches {@code
 * //noah/application/my_app}. A path no prefix covers is watched as it is.
 *
 * @param table prefix → root, both ending in '/' (as {@code CRIER_WATCH_ALIASES} gives them)
 */
public record WatchAliases(Map<String, String> table) {
  public static final WatchAliases NONE = new WatchAliases(Map.of());

  public WatchAliases {
    table = Map.copyOf(table);
  }

  /** The pattern a route path stands for, through the longest prefix that covers it. */
  public String patternFor(String path) {
    String slashed = path.endsWith("/") ? path : path + "/";
    String best = null;
    for (String prefix : table.keySet()) {
      if (slashed.startsWith(prefix) && (best == null || prefix.length() > best.length())) best = prefix;
    }
    if (best == null) return path;
    return table.get(best) + slashed.substring(best.length());
  }
}
