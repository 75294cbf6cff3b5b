/**
 * Publishes events to Crier: {@link dev.crier.client.CrierClient} sends one event or a batch to
 * {@code POST /v1/events}, retries what may be retried (503 and 429, honouring {@code
 * Retry-After}, and lost connections) with the same event ids so that Crier stores each event
 * once, and turns Crier's problem+json answers into a {@link dev.crier.client.CrierException}
 * whose {@link dev.crier.client.CrierException#kind() kind} says what went wrong.
 *
 * <p>Java 17+, the JDK's {@link java.net.http.HttpClient}, no dependencies. Every class is
 * thread-safe.
 */
package dev.crier.client;
