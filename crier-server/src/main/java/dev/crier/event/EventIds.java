package dev.crier.event;

import java.security.SecureRandom;
import java.time.Clock;

/**
 * Generates ids: a prefix ({@code evt_}, {@code wh_}) and a ULID (48 bits of milliseconds, 80
 * random bits, Crockford base32), so generated ids sort by creation time. Thread-safe.
 */
public final class EventIds {
  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private final SecureRandom random = new SecureRandom();
  private final Clock clock;

  public EventIds(Clock clock) {
    this.clock = clock;
  }

  /** A new event id. */
  String next() {
    return next("evt_");
  }

  /** A new id with this prefix. */
  public String next(String prefix) {
    long time = clock.millis();
    byte[] entropy = new byte[10];
    random.nextBytes(entropy);
    char[] out = new char[26];
    for (int i = 9; i >= 0; i--) {
      out[i] = ALPHABET[(int) (time & 31)];
      time >>>= 5;
    }
    long hi = 0;
    for (int i = 0; i < 5; i++) hi = (hi << 8) | (entropy[i] & 0xff);
    long lo = 0;
    for (int i = 5; i < 10; i++) lo = (lo << 8) | (entropy[i] & 0xff);
    for (int i = 17; i >= 10; i--) {
      out[i] = ALPHABET[(int) (hi & 31)];
      hi >>>= 5;
    }
    for (int i = 25; i >= 18; i--) {
      out[i] = ALPHABET[(int) (lo & 31)];
      lo >>>= 5;
    }
    return prefix + new String(out);
  }
}
