package dev.crier.delivery;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One HTTP attempt as it is logged: what was sent and what came back.
 *
 * @param number the attempt's number for its delivery, from 1
 * @param redelivery true when a person asked for it outside the delivery's own schedule
 */
public record Attempt(
    int number,
    boolean redelivery,
    Instant at,
    List<Map.Entry<String, String>> requestHeaders,
    byte[] requestBody,
    SendResult result) {}
