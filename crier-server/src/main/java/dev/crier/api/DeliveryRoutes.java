package dev.crier.api;

import dev.crier.delivery.Attempt;
import dev.crier.delivery.DeliveryId;
import dev.crier.delivery.DeliveryQuery;
import dev.crier.delivery.DeliveryScope;
import dev.crier.delivery.DeliveryStatus;
import dev.crier.delivery.DeliveryStore;
import dev.crier.delivery.DeliveryView;
import dev.crier.delivery.Engine;
import dev.crier.delivery.SendResult;
import dev.crier.delivery.ShownBytes;
import dev.crier.subscription.Kind;
import dev.crier.subscription.Subscription;
import dev.crier.subscription.SubscriptionStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The delivery log: what was sent, what came back, and sending one again. */
final class DeliveryRoutes {
  private final SubscriptionStore subscriptions;
  private final DeliveryStore deliveries;
  private final Engine engine;

  DeliveryRoutes(SubscriptionStore subscriptions, DeliveryStore deliveries, Engine engine) {
    this.subscriptions = subscriptions;
    this.deliveries = deliveries;
    this.engine = engine;
  }

  void register(RoutesConfig routes) {
    routes.get("/v1/webhooks/{id}/deliveries", ctx -> page(ctx, Kind.WEBHOOK, "webhook"));
    routes.get("/v1/watches/{id}/deliveries", ctx -> page(ctx, Kind.WATCH, "watch"));
    routes.get("/v1/subscriptions/{id}/deliveries", ctx -> page(ctx, Kind.CHANNEL, "subscription"));
    routes.get("/v1/deliveries", this::search);
    routes.get("/v1/deliveries/{id}", this::find);
    routes.post("/v1/deliveries/{id}/redeliver", this::redeliver);
  }

  /** One subscription's deliveries, newest first; every kind that delivers has this log. */
  private void page(Context ctx, Kind kind, String noun) {
    String id = ctx.pathParam("id");
    ProblemException missing = ProblemException.notFound("no " + noun + " with id '" + id + "'");
    Subscription s = subscriptions.find(id).filter(found -> found.kind() == kind).orElseThrow(() -> missing);
    Access.visible(ctx, s, missing);
    Query query = new Query(ctx, "status", "after", "limit");
    String status = query.oneOf("status", null, "pending", "delivered", "failed", "filtered", "cancelled");
    Long after = query.longValue("after");
    int limit = query.intValue("limit", 50, 1, 500);
    query.done();
    List<DeliveryView> page =
        deliveries.page(id, status == null ? null : DeliveryStatus.parse(status), after, limit);
    Json.write(ctx, 200, list(page, limit, last -> Long.toString(last.subSeq())));
  }

  /** The log across every subscription the caller sees, filtered, newest first. */
  private void search(Context ctx) {
    Query query = new Query(ctx, "subscription", "status", "event_type", "since", "until", "after", "limit");
    String subscription = query.string("subscription");
    String status = query.oneOf("status", null, "pending", "delivered", "failed", "filtered", "cancelled");
    String eventType = query.string("event_type");
    Instant since = query.instant("since");
    Instant until = query.instant("until");
    String afterText = query.string("after");
    DeliveryQuery.Cursor after = afterText == null ? null : DeliveryQuery.Cursor.parse(afterText).orElse(null);
    if (afterText != null && after == null) query.error("after", "must be a cursor returned as 'next', got '" + afterText + "'");
    int limit = query.intValue("limit", 50, 1, 500);
    query.done();
    DeliveryScope scope = Access.scope(ctx, subscriptions, subscription);
    List<DeliveryView> page =
        deliveries.search(
            new DeliveryQuery(scope, status == null ? null : DeliveryStatus.parse(status), eventType, since, until, after, limit));
    Json.write(ctx, 200, list(page, limit, last -> new DeliveryQuery.Cursor(last.event().seq(), last.subscriptionId()).format()));
  }

  /** A page of the log: {@code next} is the last item's cursor when the page is full, else null. */
  private static ObjectNode list(List<DeliveryView> page, int limit, Function<DeliveryView, String> cursor) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    ArrayNode items = out.putArray("items");
    page.forEach(d -> items.add(summary(d)));
    if (page.size() == limit) out.put("next", cursor.apply(page.get(page.size() - 1)));
    else out.putNull("next");
    return out;
  }

  private void find(Context ctx) {
    DeliveryView view = view(ctx);
    Subscription s = subscriptions.find(view.subscriptionId()).orElseThrow(() -> notFound(ctx));
    ObjectNode out = summary(view);
    ArrayNode attempts = out.putArray("attempts");
    boolean lastLogged = false;
    for (DeliveryView.AttemptView a : view.attemptLog()) {
      lastLogged |= a.number() == view.attempts();
      attempts.add(render(a));
    }
    if (!lastLogged && view.lastAttemptAt() != null) {
      ObjectNode node = attempts.addObject();
      node.put("number", view.attempts());
      node.put("redelivery", false);
      node.put("at", view.lastAttemptAt().toString());
      String body = new String(engine.requestBody(s, view.event()), StandardCharsets.UTF_8);
      request(node, view.lastRequestHeaders(), body);
      response(node, view.lastStatus(), view.lastResponseHeaders(), view.lastResponseBody());
      node.put("duration_ms", view.lastDurationMs());
      node.put("error", view.lastError());
    }
    Json.write(ctx, 200, out);
  }

  private void redeliver(Context ctx) {
    DeliveryView view = view(ctx);
    Subscription s = subscriptions.find(view.subscriptionId()).orElseThrow(() -> notFound(ctx));
    Attempt attempt =
        engine.redeliver(s, new DeliveryId(view.subscriptionId(), view.subSeq())).orElseThrow(() -> notFound(ctx));
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("delivery_id", view.id());
    out.put("number", attempt.number());
    out.put("redelivery", true);
    out.put("at", attempt.at().toString());
    switch (attempt.result()) {
      case SendResult.Answered a -> {
        out.put("succeeded", a.status() >= 200 && a.status() < 300);
        response(out, a.status(), a.headers(), ShownBytes.of(a.bodyStart()));
        out.put("duration_ms", a.duration().toMillis());
        out.putNull("error");
      }
      case SendResult.Failed f -> {
        out.put("succeeded", false);
        out.putNull("response");
        out.put("duration_ms", f.duration().toMillis());
        out.put("error", f.error());
      }
    }
    Json.write(ctx, 200, out);
  }

  /** One logged attempt: what was sent, what came back. */
  static ObjectNode render(DeliveryView.AttemptView a) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("number", a.number());
    node.put("redelivery", a.redelivery());
    node.put("at", a.at().toString());
    request(node, a.requestHeaders(), a.requestBody());
    response(node, a.responseStatus(), a.responseHeaders(), a.responseBody());
    node.put("duration_ms", a.durationMs());
    node.put("error", a.error());
    return node;
  }

  private DeliveryView view(Context ctx) {
    DeliveryId id = DeliveryId.parse(ctx.pathParam("id")).orElseThrow(() -> notFound(ctx));
    Subscription s = subscriptions.find(id.subscriptionId()).orElseThrow(() -> notFound(ctx));
    Access.visible(ctx, s, notFound(ctx));
    return deliveries.find(id.subscriptionId(), id.subSeq()).orElseThrow(() -> notFound(ctx));
  }

  private static ProblemException notFound(Context ctx) {
    return ProblemException.notFound("no delivery with id '" + ctx.pathParam("id") + "'");
  }

  private static ObjectNode summary(DeliveryView d) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("id", d.id());
    out.put("subscription_id", d.subscriptionId());
    out.put("webhook_id", d.subscriptionId());
    out.put("sub_seq", d.subSeq());
    out.put("event_id", d.event().id());
    out.put("event_type", d.event().type());
    out.put("status", d.status().wire());
    out.put("attempt_count", d.attempts());
    out.put("next_attempt_at", d.status() == DeliveryStatus.PENDING ? d.nextAttemptAt().toString() : null);
    out.put("last_attempt_at", d.lastAttemptAt() == null ? null : d.lastAttemptAt().toString());
    out.put("last_response_status", d.lastStatus());
    out.put("last_error", d.lastError());
    out.put("last_duration_ms", d.lastDurationMs());
    out.put("created_at", d.createdAt().toString());
    out.put("updated_at", d.updatedAt().toString());
    return out;
  }

  private static void request(ObjectNode node, List<Map.Entry<String, String>> headers, String body) {
    ObjectNode request = node.putObject("request");
    headers(request, headers);
    request.put("body", body);
  }

  private static void response(ObjectNode node, Integer status, List<Map.Entry<String, String>> headers, String body) {
    if (status == null) {
      node.putNull("response");
      return;
    }
    ObjectNode response = node.putObject("response");
    response.put("status", status);
    headers(response, headers);
    response.put("body", body);
  }

  private static void headers(ObjectNode node, List<Map.Entry<String, String>> headers) {
    ObjectNode out = node.putObject("headers");
    if (headers != null) headers.forEach(h -> out.put(h.getKey(), h.getValue()));
  }
}
