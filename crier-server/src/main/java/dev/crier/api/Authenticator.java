package dev.crier.api;

import dev.crier.app.Apps;
import dev.crier.app.Token;
import dev.crier.auth.AdminKey;
import dev.crier.auth.Principal;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/**
 * Resolves the {@code Authorization: Bearer} header to a principal: the admin key, or an active
 * app token. Routes for the provider only refuse app tokens with 403.
 */
final class Authenticator {
  static final String PRINCIPAL = "crier.principal";
  private final AdminKey adminKey;
  private final Apps apps;
  private final AuthFailureLimit limit;

  Authenticator(AdminKey adminKey, Apps apps, AuthFailureLimit limit) {
    this.adminKey = adminKey;
    this.apps = apps;
    this.limit = limit;
  }

  /** The caller of a request that passed {@link #authenticate}. */
  static Principal principal(Context ctx) {
    Principal principal = ctx.attribute(PRINCIPAL);
    if (principal == null) throw new IllegalStateException("no principal on " + ctx.path());
    return principal;
  }

  /** Refuses app tokens: this route is the provider's. */
  static void adminOnly(Context ctx) {
    if (ctx.method().name().equals("OPTIONS")) return;
    if (!(principal(ctx) instanceof Principal.Admin)) {
      throw ProblemException.of(403, "forbidden", "Forbidden", "this route needs the admin key; an app token cannot use it");
    }
  }

  /** The app token calling, or 403 when the admin key calls a route only apps may use. */
  static Principal.AppToken appToken(Context ctx) {
    if (principal(ctx) instanceof Principal.AppToken token) return token;
    throw ProblemException.of(403, "forbidden", "Forbidden", "only an app's access token can hold channel subscriptions");
  }

  void authenticate(Context ctx) {
    if (ctx.method().name().equals("OPTIONS")) return;
    limit.check(ctx.ip());
    try {
      ctx.attribute(PRINCIPAL, principalOf(ctx));
    } catch (ProblemException e) {
      if (e.status == 401) limit.failed(ctx.ip(), ctx.header("Authorization"));
      throw e;
    }
  }

  private Principal principalOf(Context ctx) {
    String header = ctx.header("Authorization");
    if (header == null || header.isBlank()) {
      throw unauthorized("an Authorization: Bearer <key> header is required");
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw unauthorized("the Authorization header must use the Bearer scheme");
    }
    return resolve(header.substring(7).trim());
  }

  /**
   * Who this key or token is now: the admin, or an active token of an app that still exists.
   * Also asked again by long-lived connections, whose rights may end after they were made.
   */
  Principal resolve(String token) {
    if (adminKey.matches(token)) return Principal.ADMIN;
    Token app = apps.authenticate(token).orElseThrow(() -> unauthorized("the key or token is not valid, or was revoked or has expired"));
    return new Principal.AppToken(app, apps.find(app.appId()).orElseThrow(() -> unauthorized("the token's app is gone")));
  }

  private static ProblemException unauthorized(String detail) {
    return new ProblemException(
        401,
        "unauthorized",
        "Unauthorized",
        detail,
        List.of(),
        Map.of("WWW-Authenticate", "Bearer realm=\"crier\""));
  }
}
