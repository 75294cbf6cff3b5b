package dev.crier.delivery;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;

/**
 * What a receiver sent (a body's start, a header's name or value), as text that any database
 * stores and any screen shows: the bytes read as UTF-8, where each byte that is not part of a
 * well-formed UTF-8 character, and each byte of a control character other than tab, line feed
 * and carriage return, is written {@code \xNN} (two upper-case hex digits). A backslash that is
 * followed by {@code x} is itself written {@code \x5C}, so {@code \xNN} always means byte NN and
 * the original bytes can be told from the text exactly. Everything else, JSON escapes included,
 * is shown as it came.
 */
public final class ShownBytes {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private ShownBytes() {}

  /** The bytes as text, by the rule above. */
  public static String of(byte[] bytes) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder(); // reports malformed input
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer chars = CharBuffer.allocate(bytes.length); // UTF-8 never gives more chars than bytes
    StringBuilder out = new StringBuilder(bytes.length + 16);
    while (true) {
      CoderResult result = decoder.decode(in, chars, true);
      chars.flip();
      while (chars.hasRemaining()) {
        char c = chars.get();
        // a chunk ends at the end or before a byte that is not UTF-8: neither is an 'x'
        boolean beforeX = c == '\\' && chars.hasRemaining() && chars.get(chars.position()) == 'x';
        if (beforeX || isControl(c)) {
          for (byte b : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) escape(out, b);
        } else {
          out.append(c);
        }
      }
      chars.clear();
      if (result.isUnderflow()) return out.toString();
      for (int i = 0; i < result.length(); i++) escape(out, in.get()); // not UTF-8
    }
  }

  /**
   * A header name or value as the HTTP client gave it: each char below 256 stands for the byte
   * received (HTTP/1.1 headers are bytes); a string with larger chars was decoded already.
   */
  static String ofHeader(String text) {
    boolean bytes = true;
    for (int i = 0; i < text.length() && bytes; i++) bytes = text.charAt(i) < 256;
    return of(text.getBytes(bytes ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8));
  }

  private static boolean isControl(char c) {
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7f && c <= 0x9f);
  }

  private static void escape(StringBuilder out, byte b) {
    out.append("\\x").append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
  }
}
