package dev.crier.api;

import static java.util.stream.Collectors.joining;

import dev.crier.subscription.Owner;
import dev.crier.delivery.Engine;
import dev.crier.subscription.InvalidSubscriptionException;
import dev.crier.subscription.Status;
import dev.crier.subscription.Subscription;
import dev.crier.watch.WatchAliases;
import dev.crier.watch.WatchRefusedException;
import dev.crier.watch.Watches;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Watches two ways: Crier's {@code /v1/watches} (problem+json errors, the secret shown once), and
 * Noah's own routes, {@code PUT|DELETE /w/} and {@code PUT <path>/watch}, answering word for word
 * as seed 003 shows them ({@code {"result":"failure","error_message":"Record already exists"}}).
 */
final class WatchRoutes {
  static final String BASE = "/v1/watches";
  static final String SEED = "/w/";
  static final String PATH_WATCH = "/<path>/watch";
  private static final DateTimeFormatter NOAH_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private final Watches watches;
  private final WatchAliases aliases;
  private final Engine engine;
  private final int maxBodyBytes;

  WatchRoutes(Watches watches, WatchAliases aliases, Engine engine, int maxBodyBytes) {
    this.watches = watches;
    this.aliases = aliases;
    this.engine = engine;
    this.maxBodyBytes = maxBodyBytes;
  }

  void register(RoutesConfig routes) {
    routes.post(BASE, this::create);
    routes.get(BASE, this::list);
    routes.get(BASE + "/{id}", ctx -> Json.write(ctx, 200, render(watch(ctx), false)));
    routes.delete(BASE + "/{id}", ctx -> {
      if (!watches.delete(watch(ctx))) throw notFound(ctx.pathParam("id"));
      ctx.status(204);
    });
    routes.put(BASE + "/{id}", WatchRoutes::cannotUpdate);
    routes.patch(BASE + "/{id}", WatchRoutes::cannotUpdate);
    routes.post(BASE + "/{id}/resume", this::resume);
    routes.put(SEED, noah(this::seedCreate));
    routes.delete(SEED, noah(this::seedDelete));
    // Registered last: any PUT path ending in /watch that no other route took.
    routes.put(PATH_WATCH, noah(this::watchPath));
  }

  private void create(Context ctx) {
    Spec spec = spec(Json.body(ctx, maxBodyBytes).node(), false);
    Access.tokenMayUse(ctx, spec.endpoint, "endpoint", java.util.List.of());
    Json.write(ctx, 201, render(watches.create(spec.pattern, spec.endpoint, owner(ctx)), true));
  }

  private void list(Context ctx) {
    new Query(ctx).done();
    ObjectNode out = Json.MAPPER.createObjectNode();
    ArrayNode items = out.putArray("items");
    watches.list(owner(ctx)).forEach(s -> items.add(render(s, false)));
    Json.write(ctx, 200, out);
  }

  private void resume(Context ctx) {
    Subscription s = watch(ctx);
    if (s.status() != Status.HALTED) throw conflict("the watch is " + s.status().wire() + ", not halted");
    Subscription resumed = engine.resume(s).orElseThrow(() -> conflict("the watch is no longer halted"));
    Json.write(ctx, 200, render(resumed, false));
  }

  private static void cannotUpdate(Context ctx) {
    throw new ProblemException(
        405,
        "watch-immutable",
        "Method not allowed",
        "watches cannot be updated; delete the watch and create a new one",
        List.of(),
        Map.of("Allow", "GET, DELETE"));
  }

  /** PUT /w/ {pattern, endpoint}: Noah's answer, with action and result first. */
  private void seedCreate(Context ctx) {
    Spec spec = spec(Json.bodyOfAnyType(ctx, maxBodyBytes).node(), false);
    Access.tokenMayUse(ctx, spec.endpoint, "endpoint", java.util.List.of());
    Subscription created = watches.create(spec.pattern, spec.endpoint, owner(ctx));
    ObjectNode out = Json.MAPPER.createObjectNode().put("action", "create").put("result", "success");
    Json.write(ctx, 200, seedFields(out, created));
  }

  /** DELETE /w/ {pattern, endpoint}: Noah's answer, with result and action first. */
  private void seedDelete(Context ctx) {
    Spec spec = spec(Json.bodyOfAnyType(ctx, maxBodyBytes).node(), true);
    Subscription s = watches.find(spec.pattern, spec.endpoint, owner(ctx)).orElse(null);
    if (s == null || !watches.delete(s)) {
      Json.write(ctx, 404, failure("Resource not found"));
      return;
    }
    ObjectNode out = Json.MAPPER.createObjectNode().put("result", "success").put("action", "delete");
    Json.write(ctx, 200, seedFields(out, s));
  }

  /** PUT {@code <path>/watch} {endpoint}: watches the path (through the aliases), answers the name. */
  private void watchPath(Context ctx) {
    String path = "/" + ctx.pathParam("path");
    if (path.startsWith("/v1/")) throw ProblemException.notFound("no route for PUT " + ctx.path());
    List<FieldError> errors = new ArrayList<>();
    Fields f = Fields.of(Json.bodyOfAnyType(ctx, maxBodyBytes).node(), "", errors).only("endpoint");
    String endpoint = f.requiredString("endpoint", 2048);
    if (!errors.isEmpty()) throw ProblemException.validation(errors);
    Access.tokenMayUse(ctx, endpoint, "endpoint", java.util.List.of());
    Subscription created = watches.create(aliases.patternFor(path), endpoint, owner(ctx));
    Json.write(ctx, 200, Json.MAPPER.getNodeFactory().stringNode(created.name()));
  }

  /** Answers every failure of a Noah route as Noah did: {@code {"result":"failure","error_message":...}}. */
  private static Handler noah(Handler handler) {
    return ctx -> {
      try {
        handler.handle(ctx);
      } catch (WatchRefusedException e) {
        Json.write(ctx, 409, failure(e.getMessage()));
      } catch (InvalidSubscriptionException e) {
        Json.write(ctx, 422, failure(e.problems().stream().map(p -> noahMessage(p.field(), p.message())).collect(joining("; "))));
      } catch (ProblemException e) {
        if (e.status == 401 || e.status >= 500) throw e;
        e.headers.forEach(ctx::header);
        String message =
            e.errors.isEmpty()
                ? e.getMessage()
                : e.errors.stream().map(err -> noahMessage(err.field(), err.message())).collect(joining("; "));
        Json.write(ctx, e.status, failure(message));
      }
    };
  }

  /** "Endpoint attribute missing", as Noah says it; other problems as "field reason". */
  private static String noahMessage(String field, String message) {
    if (!message.equals("is required") || field.isEmpty()) return field + " " + message;
    return Character.toUpperCase(field.charAt(0)) + field.substring(1) + " attribute missing";
  }

  private static ObjectNode failure(String message) {
    return Json.MAPPER.createObjectNode().put("result", "failure").put("error_message", message);
  }

  private record Spec(String pattern, String endpoint) {}

  /** Reads {pattern, endpoint}: their types here, the rules in {@link Watches}. */
  private static Spec spec(JsonNode body, boolean required) {
    List<FieldError> errors = new ArrayList<>();
    Fields f = Fields.of(body, "", errors).only("pattern", "endpoint");
    Spec spec =
        required
            ? new Spec(f.requiredString("pattern", 1024), f.requiredString("endpoint", 2048))
            : new Spec(f.optionalString("pattern", 1024), f.optionalString("endpoint", 2048));
    if (!errors.isEmpty()) throw ProblemException.validation(errors);
    return spec;
  }

  private Subscription watch(Context ctx) {
    String id = ctx.pathParam("id");
    return watches.find(id, owner(ctx)).orElseThrow(() -> notFound(id));
  }

  /** Whose watches this request sees: null for the admin (all of them). */
  private static Owner owner(Context ctx) {
    return Authenticator.principal(ctx).owner();
  }

  private static ProblemException notFound(String id) {
    return ProblemException.notFound("no watch with id or name '" + id + "'");
  }

  private static ProblemException conflict(String detail) {
    return ProblemException.of(409, "conflict", "Conflict", detail);
  }

  static ObjectNode render(Subscription s, boolean withSecret) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("id", s.id());
    out.put("name", s.name());
    out.put("pattern", s.pattern());
    out.put("endpoint", s.url());
    if (withSecret) out.put("secret", s.secrets().current());
    out.put("status", s.status().wire());
    out.put("created_at", s.createdAt().toString());
    out.put("updated_at", s.updatedAt().toString());
    return out;
  }

  /** The watch as Noah shows it, after the fields already in {@code out}. */
  private static ObjectNode seedFields(ObjectNode out, Subscription s) {
    out.put("id", s.id());
    out.put("pattern", s.pattern());
    out.put("name", s.name());
    out.put("endpoint", s.url());
    out.put("created_at", NOAH_TIME.format(s.createdAt()));
    out.put("updated_at", NOAH_TIME.format(s.updatedAt()));
    return out;
  }
}
