/**
 * Signs and verifies the signatures Crier puts on what it sends, in every wire format it speaks.
 *
 * <p>One library does both halves, so that the sender (Crier's server) and a receiver run the same
 * code and cannot disagree about a byte. It depends on nothing but the JDK.
 *
 * <table>
 *   <caption>Schemes</caption>
 *   <tr><th>class</th><th>wire format</th></tr>
 *   <tr><td>{@link dev.crier.verify.StandardWebhooks}</td>
 *       <td>{@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature: v1,<base64>}
 *       (also {@code svix-*}); {@code v1a,<base64 Ed25519>} with {@code webhook-key-id}, verified
 *       with a {@link dev.crier.verify.KeySource} such as {@link dev.crier.verify.Jwks}</td></tr>
 *   <tr><td>{@link dev.crier.verify.HexSignature}</td>
 *       <td>{@code X-<Brand>-Signature}, GitHub's {@code X-Hub-Signature-256}, Webex's
 *       {@code X-Spark-Signature}</td></tr>
 *   <tr><td>{@link dev.crier.verify.Broadcasts}</td>
 *       <td>{@code X-<Brand>-Signature} and {@code X-<Brand>-BroadcastSubject}</td></tr>
 *   <tr><td>{@link dev.crier.verify.SignedRequest}</td>
 *       <td>SalesKing's {@code signed_request=<hex>.<base64url JSON>}</td></tr>
 * </table>
 *
 * <p>Every verification failure is a {@link dev.crier.verify.VerificationException} whose {@link
 * dev.crier.verify.VerificationException#reason() reason} says which rule was broken. Every class
 * here is thread-safe.
 */
package dev.crier.verify;
