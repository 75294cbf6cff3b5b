/**
 * Crier from a provider's backend: {@link dev.crier.client.CrierClient} publishes one event or a
 * batch to {@code POST /v1/events}, manages webhooks, event types, apps and their tokens, and
 * pages through the event and delivery logs as lazy streams. It retries what may be retried (503
 * and 429, honouring {@code Retry-After}, and lost connections where a repeat cannot make
 * something twice) with the same event ids so that Crier stores each event once, and turns
 * Crier's problem+json answers into a {@link dev.crier.client.CrierException} whose {@link
 * dev.crier.client.CrierException#kind() kind} says what went wrong. Receivers verify deliveries
 * with crier-verify.
 *
 * <p>Java 17+, the JDK's {@link java.net.http.HttpClient}, no dependencies. Every class is
 * thread-safe, except that a paging stream is read on one thread.
 */
package dev.crier.client;
