package dev.crier.client;

import java.time.Instant;
import java.util.List;

/**
 * An access token of an app for one user of one account.
 *
 * <pre>{@code
 * Token t = crier.issueToken(app.id(), TokenRequest.of("acme", "invoices"));
 * hand(t.accessToken()); // shown only now
 * }</pre>
 *
 * <p>Thread-safety: immutable, so thread-safe.
 *
 * @param id its id
 * @param appId the app's id
 * @param accessToken the bearer token, only in the answer to issue; otherwise null
 * @param account the account it acts for
 * @param userId the user, or null
 * @param scope the granted scope
 * @param permissions the user's permissions
 * @param expiresAt when it expires, or null
 * @param revokedAt when it was revoked, or null
 */
public record Token(
    String id,
    String appId,
    String accessToken,
    String account,
    String userId,
    String scope,
    List<String> permissions,
    Instant expiresAt,
    Instant revokedAt) {
  static Token from(JsonObject o) {
    return new Token(
        o.string("id"), o.string("app_id"), o.optionalString("access_token"), o.string("account"), o.optionalString("user_id"),
        o.string("scope"), o.strings("permissions"), o.instant("expires_at"), o.instant("revoked_at"));
  }
}
