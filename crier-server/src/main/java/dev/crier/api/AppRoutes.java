package dev.crier.api;

import dev.crier.app.App;
import dev.crier.app.Apps;
import dev.crier.app.Token;
import dev.crier.auth.Principal;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code /v1/apps} and {@code /v1/tokens}: the provider registers apps and issues their tokens. */
final class AppRoutes {
  private final Apps apps;
  private final int maxBodyBytes;

  AppRoutes(Apps apps, int maxBodyBytes) {
    this.apps = apps;
    this.maxBodyBytes = maxBodyBytes;
  }

  void register(RoutesConfig routes) {
    routes.before("/v1/apps*", Authenticator::adminOnly);
    routes.before("/v1/tokens*", Authenticator::adminOnly);
    routes.post("/v1/apps", this::create);
    routes.get("/v1/apps", this::list);
    routes.get("/v1/apps/{id}", ctx -> Json.write(ctx, 200, render(app(ctx), false)));
    routes.patch("/v1/apps/{id}", this::update);
    routes.delete("/v1/apps/{id}", ctx -> {
      apps.delete(app(ctx).id());
      ctx.status(204);
    });
    routes.post("/v1/apps/{id}/rotate-secret", ctx -> Json.write(ctx, 200, render(apps.rotateSecret(app(ctx)), true)));
    routes.post("/v1/apps/{id}/tokens", this::issue);
    routes.get("/v1/apps/{id}/tokens", this::tokens);
    routes.get("/v1/tokens/{id}", ctx -> Json.write(ctx, 200, render(token(ctx), null)));
    routes.delete("/v1/tokens/{id}", ctx -> {
      if (!apps.revoke(token(ctx).id())) throw ProblemException.of(409, "conflict", "Conflict", "the token is already revoked");
      ctx.status(204);
    });
    routes.put("/v1/tokens/{id}/permissions", this::permissions);
    routes.get("/v1/me", this::me);
  }

  /** Who the key belongs to: the admin, or an app token with its app (the web UI shows what it may do). */
  private void me(Context ctx) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    if (Authenticator.principal(ctx) instanceof Principal.AppToken caller) {
      out.put("role", "app");
      out.set("app", render(caller.app(), false));
      out.set("token", render(caller.token(), null));
    } else {
      out.put("role", "admin");
    }
    Json.write(ctx, 200, out);
  }

  private void create(Context ctx) {
    List<FieldError> errors = new ArrayList<>();
    Fields f = Fields.of(Json.body(ctx, maxBodyBytes).node(), "", errors).only("name", "url");
    String name = f.optionalString("name", 200);
    String url = f.optionalString("url", 2048);
    if (!errors.isEmpty()) throw ProblemException.validation(errors);
    Json.write(ctx, 201, render(apps.create(name, url), true));
  }

  private void update(Context ctx) {
    App app = app(ctx);
    List<FieldError> errors = new ArrayList<>();
    Fields f = Fields.of(Json.body(ctx, maxBodyBytes).node(), "", errors).only("name", "url");
    String name = f.optionalString("name", 200);
    String url = f.optionalString("url", 2048);
    if (!errors.isEmpty()) throw ProblemException.validation(errors);
    Json.write(ctx, 200, render(apps.update(app, name, url), false));
  }

  private void list(Context ctx) {
    new Query(ctx).done();
    ObjectNode out = Json.MAPPER.createObjectNode();
    ArrayNode items = out.putArray("items");
    apps.list().forEach(a -> items.add(render(a, false)));
    Json.write(ctx, 200, out);
  }

  private void issue(Context ctx) {
    App app = app(ctx);
    List<FieldError> errors = new ArrayList<>();
    Fields f =
        Fields.of(Json.body(ctx, maxBodyBytes).node(), "", errors)
            .only("account", "user_id", "sub_domain", "scope", "permissions", "expires_at");
    String account = f.optionalString("account", 200);
    String userId = f.optionalString("user_id", 200);
    String subDomain = f.optionalString("sub_domain", 200);
    String scope = f.optionalString("scope", 2000);
    List<String> permissions = f.strings("permissions", 200);
    Instant expiresAt = f.optionalTimestamp("expires_at");
    if (!errors.isEmpty()) throw ProblemException.validation(errors);
    Apps.Issued issued = apps.issue(app, account, userId, subDomain, scope, permissions, expiresAt);
    Json.write(ctx, 201, render(issued.token(), issued.plain()));
  }

  private void tokens(Context ctx) {
    App app = app(ctx);
    ObjectNode out = Json.MAPPER.createObjectNode();
    ArrayNode items = out.putArray("items");
    apps.tokens(app.id()).forEach(t -> items.add(render(t, null)));
    Json.write(ctx, 200, out);
  }

  private void permissions(Context ctx) {
    Token token = token(ctx);
    List<FieldError> errors = new ArrayList<>();
    Fields f = Fields.of(Json.body(ctx, maxBodyBytes).node(), "", errors).only("permissions");
    if (!f.has("permissions")) f.error("permissions", "is required");
    List<String> permissions = f.strings("permissions", 200);
    if (!errors.isEmpty()) throw ProblemException.validation(errors);
    apps.setPermissions(token.id(), permissions);
    Json.write(ctx, 200, render(apps.token(token.id()).orElseThrow(), null));
  }

  private App app(Context ctx) {
    String id = ctx.pathParam("id");
    return apps.find(id).orElseThrow(() -> ProblemException.notFound("no app with id '" + id + "'"));
  }

  private Token token(Context ctx) {
    String id = ctx.pathParam("id");
    return apps.token(id).orElseThrow(() -> ProblemException.notFound("no token with id '" + id + "'"));
  }

  static ObjectNode render(App app, boolean withSecret) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("id", app.id());
    out.put("name", app.name());
    out.put("url", app.url());
    if (withSecret) out.put("secret", app.secret());
    out.put("created_at", app.createdAt().toString());
    out.put("updated_at", app.updatedAt().toString());
    return out;
  }

  /** A token; {@code plain} only in the answer that issues it. */
  static ObjectNode render(Token t, String plain) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("id", t.id());
    out.put("app_id", t.appId());
    if (plain != null) out.put("access_token", plain);
    out.put("account", t.account());
    out.put("user_id", t.userId());
    out.put("sub_domain", t.subDomain());
    out.put("scope", t.scope().text());
    ArrayNode permissions = out.putArray("permissions");
    t.permissions().forEach(permissions::add);
    out.put("expires_at", t.expiresAt() == null ? null : t.expiresAt().toString());
    out.put("revoked_at", t.revokedAt() == null ? null : t.revokedAt().toString());
    out.put("created_at", t.createdAt().toString());
    out.put("updated_at", t.updatedAt().toString());
    return out;
  }
}
