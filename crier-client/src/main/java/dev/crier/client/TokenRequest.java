package dev.crier.client;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A token to issue: for which account and user, with which scope and permissions.
 *
 * <pre>{@code
 * TokenRequest request = TokenRequest.of("acme", "clients invoices:create").withUser("u-7", List.of("invoices:delete"));
 * }</pre>
 *
 * <p>Thread-safety: immutable, so thread-safe.
 *
 * @param account the account it acts for
 * @param userId the user, or null
 * @param subDomain the account's sub-domain, or null
 * @param scope space-separated scopes
 * @param permissions the user's permissions, or null
 * @param expiresAt when it expires, or null for never
 */
public record TokenRequest(String account, String userId, String subDomain, String scope, List<String> permissions, Instant expiresAt) {
  static final List<String> FIELDS = List.of("account", "user_id", "sub_domain", "scope", "permissions", "expires_at");

  /**
   * Checks account and scope are there; copies the list.
   *
   * @param account see the record
   * @param userId see the record
   * @param subDomain see the record
   * @param scope see the record
   * @param permissions see the record
   * @param expiresAt see the record
   * @throws NullPointerException if account or scope is null
   */
  public TokenRequest {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(scope, "scope");
    permissions = permissions == null ? null : List.copyOf(permissions);
  }

  /**
   * A token for the account with this scope.
   *
   * @param account the account
   * @param scope space-separated scopes
   * @return the request
   */
  public static TokenRequest of(String account, String scope) {
    return new TokenRequest(account, null, null, scope, null, null);
  }

  /**
   * This request for one user with these permissions.
   *
   * @param userId the user
   * @param permissions the user's permissions
   * @return a new request
   */
  public TokenRequest withUser(String userId, List<String> permissions) {
    return new TokenRequest(account, userId, subDomain, scope, permissions, expiresAt);
  }

  /**
   * This request expiring at a time.
   *
   * @param expiresAt when
   * @return a new request
   */
  public TokenRequest withExpiry(Instant expiresAt) {
    return new TokenRequest(account, userId, subDomain, scope, permissions, expiresAt);
  }

  String toJson() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("account", account);
    body.put("user_id", userId);
    body.put("sub_domain", subDomain);
    body.put("scope", scope);
    body.put("permissions", permissions);
    body.put("expires_at", expiresAt == null ? null : expiresAt.toString());
    body.values().removeIf(Objects::isNull);
    return Json.write(body);
  }
}
