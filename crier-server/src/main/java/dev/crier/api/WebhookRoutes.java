package dev.crier.api;

import dev.crier.delivery.Engine;
import dev.crier.delivery.OperationalEvents;
import dev.crier.event.EventCatalog;
import dev.crier.event.PublishEvents;
import dev.crier.subscription.RetrySchedule;
import dev.crier.subscription.SignatureScheme;
import dev.crier.subscription.Status;
import dev.crier.subscription.Subscription;
import dev.crier.subscription.WebhookSpec;
import dev.crier.subscription.Webhooks;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /v1/webhooks}: Crier's fields, or Webex's ({@code targetUrl}, {@code resource} +
 * {@code event}), for the same webhooks.
 */
final class WebhookRoutes {
  private static final String[] FIELDS = {
    "name", "url", "targetUrl", "events", "resource", "event", "filter", "secret", "signature",
    "ordered", "max_in_flight", "retry_schedule", "timeout_seconds"
  };

  private final Webhooks webhooks;
  private final EventCatalog catalog;
  private final Engine engine;
  private final PublishEvents publisher;
  private final OperationalEvents ops;
  private final int maxBodyBytes;

  WebhookRoutes(
      Webhooks webhooks, EventCatalog catalog, Engine engine, PublishEvents publisher, OperationalEvents ops, int maxBodyBytes) {
    this.webhooks = webhooks;
    this.catalog = catalog;
    this.engine = engine;
    this.publisher = publisher;
    this.ops = ops;
    this.maxBodyBytes = maxBodyBytes;
  }

  void register(RoutesConfig routes) {
    routes.post("/v1/webhooks", this::create);
    routes.get("/v1/webhooks", this::list);
    routes.get("/v1/webhooks/{id}", ctx -> Json.write(ctx, 200, render(webhook(ctx), false)));
    routes.patch("/v1/webhooks/{id}", this::update);
    routes.delete("/v1/webhooks/{id}", this::delete);
    routes.post("/v1/webhooks/{id}/enable", ctx -> setEnabled(ctx, true));
    routes.post("/v1/webhooks/{id}/disable", ctx -> setEnabled(ctx, false));
    routes.post("/v1/webhooks/{id}/resume", this::resume);
    routes.post("/v1/webhooks/{id}/ping", this::ping);
    routes.post("/v1/webhooks/{id}/rotate-secret", this::rotate);
  }

  private void create(Context ctx) {
    WebhookSpec spec = spec(ctx, true);
    Access.tokenMayUse(ctx, spec.url(), "url", spec.events() == null ? List.of() : Access.heardBy(catalog, spec.events()));
    Subscription created = webhooks.create(spec, Authenticator.principal(ctx).owner());
    Json.write(ctx, 201, render(created, true));
  }

  private void update(Context ctx) {
    Subscription current = webhook(ctx);
    WebhookSpec spec = spec(ctx, false);
    Access.tokenMayUse(ctx, spec.url(), "url", spec.events() == null ? List.of() : Access.heardBy(catalog, spec.events()));
    Json.write(ctx, 200, render(webhooks.update(current, spec), false));
  }

  private void list(Context ctx) {
    new Query(ctx).done();
    ObjectNode out = Json.MAPPER.createObjectNode();
    ArrayNode items = out.putArray("items");
    webhooks.list().stream().filter(Access.filter(ctx)).forEach(s -> items.add(render(s, false)));
    Json.write(ctx, 200, out);
  }

  private void delete(Context ctx) {
    if (!webhooks.delete(webhook(ctx).id())) throw notFound(ctx.pathParam("id"));
    ctx.status(204);
  }

  private void setEnabled(Context ctx, boolean enabled) {
    Subscription s = webhook(ctx);
    Subscription changed =
        webhooks
            .setEnabled(s, enabled)
            .orElseThrow(() -> conflict("the webhook is " + s.status().wire() + "; use resume to restart a halted webhook"));
    Json.write(ctx, 200, render(changed, false));
  }

  private void resume(Context ctx) {
    Subscription s = webhook(ctx);
    if (s.status() != Status.HALTED) throw conflict("the webhook is " + s.status().wire() + ", not halted");
    Subscription resumed = engine.resume(s).orElseThrow(() -> conflict("the webhook is no longer halted"));
    Json.write(ctx, 200, render(resumed, false));
  }

  private void ping(Context ctx) {
    Subscription s = webhook(ctx);
    if (s.status() == Status.DISABLED) throw conflict("the webhook is disabled; enable it first");
    var published = publisher.publishTo(ops.ping(s), s.id());
    Json.write(ctx, 202, EventJson.render(published.receipts().get(0)));
  }

  private void rotate(Context ctx) {
    Subscription s = webhook(ctx);
    List<FieldError> errors = new ArrayList<>();
    String secret = null;
    Duration overlap = Webhooks.ROTATION_OVERLAP;
    if (ctx.contentLength() > 0) {
      Fields f = Fields.of(Json.body(ctx, maxBodyBytes).node(), "", errors).only("secret", "overlap_seconds");
      secret = f.optionalString("secret", 256);
      Double seconds = f.optionalNumber("overlap_seconds", 0, 7 * 86_400);
      if (seconds != null) overlap = Duration.ofMillis(Math.round(seconds * 1000));
    }
    if (!errors.isEmpty()) throw ProblemException.validation(errors);
    Json.write(ctx, 200, render(webhooks.rotateSecret(s, secret, overlap), true));
  }

  private Subscription webhook(Context ctx) {
    String id = ctx.pathParam("id");
    return Access.visible(ctx, webhooks.find(id).orElseThrow(() -> notFound(id)), notFound(id));
  }

  private static ProblemException notFound(String id) {
    return ProblemException.notFound("no webhook with id '" + id + "'");
  }

  private static ProblemException conflict(String detail) {
    return ProblemException.of(409, "conflict", "Conflict", detail);
  }

  /** Reads Crier's or Webex's fields into a spec; types are checked here, rules by {@link Webhooks}. */
  private WebhookSpec spec(Context ctx, boolean creating) {
    List<FieldError> errors = new ArrayList<>();
    Fields f = Fields.of(Json.body(ctx, maxBodyBytes).node(), "", errors).only(FIELDS);
    boolean webex = f.has("targetUrl") || f.has("resource") || f.has("event");
    String url = f.optionalString("url", 2048);
    String targetUrl = f.optionalString("targetUrl", 2048);
    if (url != null && targetUrl != null) f.error("targetUrl", "give url or targetUrl, not both");
    List<String> events = f.has("events") ? f.strings("events", 100) : null;
    String resource = f.optionalString("resource", 100);
    String event = f.optionalString("event", 100);
    if (events != null && (resource != null || event != null)) {
      f.error("resource", "give events or resource and event, not both");
    } else if (resource != null || event != null) {
      if (resource == null || event == null) f.error(resource == null ? "resource" : "event", "is required with " + (resource == null ? "event" : "resource"));
      else events = List.of(("all".equals(resource) ? "*" : resource) + "." + ("all".equals(event) ? "*" : event));
      if ("all".equals(resource) && "all".equals(event)) events = List.of("*");
    }
    String signatureText = f.optionalString("signature", 40);
    SignatureScheme signature = null;
    if (signatureText != null) {
      signature = SignatureScheme.parse(signatureText).orElse(null);
      if (signature == null) f.error("signature", "must be one of standard, standard-ed25519, standard+ed25519, hmac-sha256, github, webex, got '" + signatureText + "'");
    } else if (creating && webex) {
      signature = SignatureScheme.WEBEX; // Webex clients verify X-Spark-Signature
    }
    Boolean ordered = bool(f, "ordered");
    Integer maxInFlight = f.optionalInteger("max_in_flight", 1, 64);
    RetrySchedule schedule = schedule(f);
    Double timeoutSeconds = f.optionalNumber("timeout_seconds", 0.1, 60);
    Duration timeout = timeoutSeconds == null ? null : Duration.ofMillis(Math.round(timeoutSeconds * 1000));
    WebhookSpec spec =
        new WebhookSpec(
            f.optionalString("name", 200),
            url != null ? url : targetUrl,
            events,
            f.optionalString("filter", 1000),
            f.optionalString("secret", 256),
            signature,
            ordered,
            maxInFlight,
            schedule,
            timeout);
    if (!errors.isEmpty()) throw ProblemException.validation(errors);
    return spec;
  }

  private static Boolean bool(Fields f, String name) {
    JsonNode node = f.raw(name);
    if (node == null) return null;
    if (!node.isBoolean()) {
      f.error(name, "must be true or false, got " + Fields.kind(node));
      return null;
    }
    return node.booleanValue();
  }

  private static RetrySchedule schedule(Fields f) {
    JsonNode node = f.raw("retry_schedule");
    if (node == null) return null;
    if (!node.isArray()) {
      f.error("retry_schedule", "must be an array of delays, got " + Fields.kind(node));
      return null;
    }
    List<Duration> delays = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode step = node.get(i);
      try {
        if (step.isNumber()) delays.add(RetrySchedule.seconds(Fields.number(step)));
        else if (step.isString()) delays.add(RetrySchedule.parseStep(step.stringValue()));
        else f.error("retry_schedule[" + i + "]", "must be a number of seconds or a string such as \"5m\"");
      } catch (IllegalArgumentException e) {
        f.error("retry_schedule[" + i + "]", e.getMessage());
      }
    }
    return new RetrySchedule(delays);
  }

  static ObjectNode render(Subscription s, boolean withSecret) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("id", s.id());
    out.put("name", s.name());
    out.put("url", s.url());
    ArrayNode events = out.putArray("events");
    s.events().forEach(p -> events.add(p.text()));
    out.put("filter", s.filter() == null ? null : s.filter().text());
    out.put("signature", s.signature().wire());
    out.put("ordered", s.ordered());
    out.put("max_in_flight", s.maxInFlight());
    ArrayNode schedule = out.putArray("retry_schedule");
    s.retrySchedule().describe().forEach(schedule::add);
    out.put("timeout_seconds", s.timeout().toMillis() / 1000.0);
    out.put("status", s.status().wire());
    if (withSecret) out.put("secret", s.secrets().current());
    if (s.secrets().previousExpiresAt() != null) {
      out.put("previous_secret_expires_at", s.secrets().previousExpiresAt().toString());
    }
    out.put("created_at", s.createdAt().toString());
    out.put("updated_at", s.updatedAt().toString());
    return out;
  }
}
