package dev.crier.api;

import dev.crier.auth.AdminKey;
import dev.crier.auth.Principal;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/** Resolves the {@code Authorization: Bearer} header of {@code /v1} requests to a principal. */
final class Authenticator {
  static final String PRINCIPAL = "crier.principal";
  private final AdminKey adminKey;

  Authenticator(AdminKey adminKey) {
    this.adminKey = adminKey;
  }

  void authenticate(Context ctx) {
    if (ctx.method().name().equals("OPTIONS")) return;
    String header = ctx.header("Authorization");
    if (header == null || header.isBlank()) {
      throw unauthorized("an Authorization: Bearer <key> header is required");
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw unauthorized("the Authorization header must use the Bearer scheme");
    }
    String token = header.substring(7).trim();
    if (!adminKey.matches(token)) throw unauthorized("the key is not valid");
    ctx.attribute(PRINCIPAL, Principal.ADMIN);
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
