package dev.crier.api;

import dev.crier.app.OutOfScopeException;
import dev.crier.event.IdempotencyConflictException;
import dev.crier.event.OverloadedException;
import dev.crier.event.UnknownEventTypesException;
import dev.crier.storage.StorageRefusedException;
import dev.crier.storage.StorageUnavailableException;
import dev.crier.subscription.InvalidSubscriptionException;
import dev.crier.subscription.OwnerRevokedException;
import dev.crier.watch.WatchRefusedException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one place that turns exceptions into RFC 9457 {@code application/problem+json} answers.
 * Domain code throws meaningful exceptions; this class decides their status codes.
 */
final class Problems {
  static final String CONTENT_TYPE = "application/problem+json";
  private static final String TYPE_PREFIX = "urn:crier:problem:";
  private static final Logger log = LoggerFactory.getLogger(Problems.class);

  private Problems() {}

  static void register(RoutesConfig routes) {
    routes.exception(ProblemException.class, (e, ctx) -> write(ctx, e));
    routes.exception(
        UnknownEventTypesException.class,
        (e, ctx) -> {
          List<FieldError> errors = new ArrayList<>();
          boolean batch = Boolean.TRUE.equals(ctx.attribute(EventRoutes.BATCH));
          for (var offender : e.offenders()) {
            errors.add(
                new FieldError(
                    (batch ? "[" + offender.index() + "]." : "") + "type",
                    "event type '" + offender.type() + "' is not declared"));
          }
          write(ctx, ProblemException.validation(errors));
        });
    routes.exception(
        InvalidSubscriptionException.class,
        (e, ctx) -> {
          List<FieldError> errors = new ArrayList<>();
          e.problems().forEach(p -> errors.add(new FieldError(p.field(), p.message())));
          write(ctx, ProblemException.validation(errors));
        });
    routes.exception(
        OwnerRevokedException.class,
        (e, ctx) -> write(ctx, ProblemException.of(401, "unauthorized", "Unauthorized", e.getMessage())));
    routes.exception(
        OutOfScopeException.class,
        (e, ctx) -> write(ctx, ProblemException.of(403, "out-of-scope", "Forbidden", e.getMessage())));
    routes.exception(
        WatchRefusedException.class,
        (e, ctx) -> write(ctx, ProblemException.of(409, "watch-overlap", "Conflict", e.getMessage())));
    routes.exception(
        IdempotencyConflictException.class,
        (e, ctx) ->
            write(
                ctx,
                ProblemException.of(409, "idempotency-conflict", "Conflict", e.getMessage())));
    routes.exception(
        OverloadedException.class,
        (e, ctx) -> write(ctx, ProblemException.unavailable("overloaded", e.getMessage(), 1)));
    routes.exception(
        StorageUnavailableException.class,
        (e, ctx) ->
            write(
                ctx,
                ProblemException.unavailable(
                    "storage-unavailable",
                    "the database is unavailable; nothing was written, retry shortly",
                    2)));
    routes.exception(
        StorageRefusedException.class,
        (e, ctx) -> write(ctx, ProblemException.of(422, "unstorable", "Unprocessable content", e.getMessage())));
    routes.exception(
        HttpResponseException.class,
        (e, ctx) -> write(ctx, fromJavalin(e.getStatus(), e.getMessage(), ctx)));
    routes.exception(
        Exception.class,
        (e, ctx) -> {
          String incident = UUID.randomUUID().toString();
          String route = describe(ctx);
          if (route == null) return; // the request is already finished and recycled: nobody to answer
          log.error("unexpected error on {} (incident {})", route, incident, e);
          write(
              ctx,
              ProblemException.of(
                  500,
                  "internal",
                  "Internal server error",
                  "an unexpected error occurred; incident " + incident));
        });
  }

  /** "METHOD path", or null when Jetty has already recycled the request (a finished stream). */
  private static String describe(Context ctx) {
    try {
      return ctx.method() + " " + ctx.path();
    } catch (NullPointerException recycled) {
      return null;
    }
  }

  private static ProblemException fromJavalin(int status, String message, Context ctx) {
    return switch (status) {
      case 404 -> ProblemException.notFound("no route for " + ctx.method() + " " + ctx.path());
      case 405 ->
          ProblemException.of(
              405,
              "method-not-allowed",
              "Method not allowed",
              ctx.method() + " is not allowed on " + ctx.path());
      case 413 -> ProblemException.tooLarge(message);
      default -> ProblemException.of(status, "http-" + status, message, message);
    };
  }

  static void write(Context ctx, ProblemException problem) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("type", TYPE_PREFIX + problem.type);
    body.put("title", problem.title);
    body.put("status", problem.status);
    body.put("detail", problem.getMessage());
    body.put("instance", ctx.path());
    if (!problem.errors.isEmpty()) {
      ArrayNode errors = body.putArray("errors");
      for (FieldError error : problem.errors) {
        errors.addObject().put("field", error.field()).put("message", error.message());
      }
    }
    problem.headers.forEach(ctx::header);
    ctx.status(problem.status).contentType(CONTENT_TYPE).result(Json.MAPPER.writeValueAsBytes(body));
  }
}
