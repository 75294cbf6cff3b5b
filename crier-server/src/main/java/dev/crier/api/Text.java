package dev.crier.api;

import java.util.Optional;

/**
 * The one rule for text a request may carry: Unicode a database can store and a receiver can
 * decode. U+0000 is refused (PostgreSQL cannot store it in text), and so is a lone UTF-16
 * surrogate such as {@code \ud800} (it has no UTF-8 form: it would be stored and delivered as
 * {@code ?}, bytes the sender never sent). Both stores apply it alike, since it runs before either.
 */
final class Text {
  private Text() {}

  /** Why {@code text} cannot be accepted, or empty when it can; {@code allowNul} for JSON kept as JSON. */
  static Optional<String> problem(String text, boolean allowNul) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == 0 && !allowNul) return Optional.of("must not contain the NUL character (U+0000)");
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return Optional.of(
            "must not contain a lone surrogate (\\u" + Integer.toHexString(c) + " at character " + i + "): it is not Unicode text");
      }
    }
    return Optional.empty();
  }

  /** {@code text} safe to repeat in an answer: NUL and lone surrogates shown as {@code \\uXXXX}. */
  static String shown(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
      if (pair) {
        out.append(c).append(text.charAt(++i));
      } else if (c == 0 || Character.isSurrogate(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
