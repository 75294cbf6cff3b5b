package dev.crier.delivery;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What came of one {@link HttpPost}: the receiver answered (with any status, redirects included),
 * or no answer was obtained. Whether an answer counts as delivered is the caller's decision.
 */
public sealed interface SendResult {
  /** How long the attempt took, measured from the call to its result. */
  Duration duration();

  /**
   * The receiver answered. {@code bodyStart} holds at most the first 4096 bytes of the response
   * body, as received (not decoded); {@code bodyTruncated} says whether there was more. {@code
   * headers} are the first ones received (see {@link SendAttempt}), as {@link ShownBytes} text.
   */
  record Answered(
      int status,
      List<Map.Entry<String, String>> headers,
      byte[] bodyStart,
      boolean bodyTruncated,
      Duration duration)
      implements SendResult {}

  /** No answer: {@code error} is a sentence for the operator, e.g. "no response within 10 s". */
  record Failed(Kind kind, String error, Duration duration) implements SendResult {
    /** Why there was no answer. */
    public enum Kind {
      /** The total timeout elapsed (or connecting took longer than the connect timeout). */
      TIMEOUT,
      /** Connection refused or reset, DNS failure, or the receiver closed mid-exchange. */
      CONNECTION,
      /** Every address of the receiver's host is in a range the SSRF guard refuses. */
      REFUSED_ADDRESS,
      /** The URL is not http or https, or has no host; nothing was sent. */
      INVALID_URL,
      /** Not sent at all: the subscription's token no longer holds or its user may not see the event. */
      FILTERED
    }
  }
}
