package dev.crier.app;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a token may hear, as the SalesKing seed writes it: space-separated items, {@code clients}
 * (every action on clients) or {@code clients:create,update}. Items starting with {@code api/}
 * are API scopes: kept, but they grant no notifications.
 */
public record Scope(String text, Map<String, Set<String>> notifications) {

  /** Parses a scope string; throws IllegalArgumentException naming the bad item. */
  public static Scope parse(String text) {
    Map<String, Set<String>> notifications = new LinkedHashMap<>();
    for (String item : text.trim().split("\\s+")) {
      if (item.isEmpty() || item.startsWith("api/")) continue;
      String[] parts = item.split(":", 2);
      if (!parts[0].matches("[a-z][a-z0-9_]*")) {
        throw new IllegalArgumentException("scope item '" + item + "' must be a resource such as 'clients' or 'clients:create,update'");
      }
      Set<String> actions = notifications.computeIfAbsent(parts[0], k -> new LinkedHashSet<>());
      if (parts.length == 1) {
        actions.add("*");
      } else {
        for (String action : parts[1].split(",")) {
          if (!action.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("scope item '" + item + "' has a bad action '" + action + "'");
          }
          actions.add(action);
        }
      }
    }
    return new Scope(text.trim(), Map.copyOf(notifications));
  }

  /**
   * Whether this scope lets its token hear {@code eventType}, whose scope name is {@code
   * scopeName} (the type's declared scope, or the plural of its resource).
   */
  public boolean allows(String eventType, String scopeName) {
    Set<String> actions = notifications.get(scopeName);
    if (actions == null) return false;
    String action = eventType.substring(eventType.lastIndexOf('.') + 1);
    return actions.contains("*") || actions.contains(action);
  }

  /** The scope item a token needs to hear {@code eventType}. */
  public static String needed(String eventType, String scopeName) {
    return scopeName + ":" + eventType.substring(eventType.lastIndexOf('.') + 1);
  }

  /** The scope name of a resource: its declared name, else the English plural. */
  public static String nameFor(String resource, String declared) {
    if (declared != null) return declared;
    String last = resource.substring(resource.lastIndexOf('.') + 1);
    String prefix = resource.substring(0, resource.length() - last.length());
    return prefix + plural(last);
  }

  static String plural(String word) {
    if (word.endsWith("y") && word.length() > 1 && "aeiou".indexOf(word.charAt(word.length() - 2)) < 0) {
      return word.substring(0, word.length() - 1) + "ies";
    }
    if (word.endsWith("s") || word.endsWith("x") || word.endsWith("ch") || word.endsWith("sh")) return word + "es";
    return word + "s";
  }

  public List<String> describe() {
    List<String> items = new ArrayList<>();
    notifications.forEach((k, v) -> items.add(v.contains("*") ? k : k + ":" + String.join(",", v)));
    return items;
  }

}
