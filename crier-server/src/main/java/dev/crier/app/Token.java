package dev.crier.app;

import java.time.Instant;
import java.util.List;

/**
 * An access token issued to an app for one user of one account.
 *
 * @param plain the token itself (kept sealed; it fills the signed_request's access_token)
 */
public record Token(
    String id,
    String appId,
    String plain,
    String account,
    String userId,
    String subDomain,
    Scope scope,
    List<String> permissions,
    Instant expiresAt,
    Instant revokedAt,
    Instant createdAt,
    Instant updatedAt) {

  public Token {
    permissions = List.copyOf(permissions);
  }

  /** Whether the token may be used at {@code now}: not revoked, not expired. */
  public boolean activeAt(Instant now) {
    return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
  }

  @Override
  public String toString() {
    return "Token[" + id + " app " + appId + " account " + account + "]";
  }
}
