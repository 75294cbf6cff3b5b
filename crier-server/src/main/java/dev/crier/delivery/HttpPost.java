package dev.crier.delivery;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One webhook POST as it goes on the wire: the receiver's URL, exactly the headers to send (in
 * order, including {@code Content-Type} and {@code User-Agent}; nothing else is added but {@code
 * Host} and {@code Content-Length}), the exact body bytes, and the total time allowed for the whole
 * exchange, from connecting to the last byte of the response.
 */
public record HttpPost(
    URI url, List<Map.Entry<String, String>> headers, byte[] body, Duration timeout) {}
