package dev.crier.api;

import dev.crier.app.ChannelSubscriptions;
import dev.crier.auth.Principal;
import dev.crier.event.EventCatalog;
import dev.crier.event.EventType;
import dev.crier.subscription.Kind;
import dev.crier.subscription.Subscription;
import dev.crier.delivery.Engine;
import dev.crier.subscription.Status;
import dev.crier.subscription.Webhooks;
import dev.crier.subscription.SubscriptionStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Channel subscriptions, in SalesKing's shape under {@code /api/subs} and in Crier's under
 * {@code /v1/subscriptions}: the same subscriptions either way.
 */
final class ChannelRoutes {
  private final ChannelSubscriptions channels;
  private final SubscriptionStore store;
  private final Engine engine;
  private final Webhooks statuses;
  private final EventCatalog catalog;
  private final int maxBodyBytes;

  ChannelRoutes(
      ChannelSubscriptions channels,
      SubscriptionStore store,
      Engine engine,
      Webhooks statuses,
      EventCatalog catalog,
      int maxBodyBytes) {
    this.channels = channels;
    this.store = store;
    this.engine = engine;
    this.statuses = statuses;
    this.catalog = catalog;
    this.maxBodyBytes = maxBodyBytes;
  }

  void register(RoutesConfig routes) {
    routes.get("/api/subs/channels", this::channelList);
    routes.post("/api/subs", ctx -> Json.write(ctx, 201, wrap(create(ctx, salesKing(ctx)), true)));
    routes.get("/api/subs", ctx -> Json.write(ctx, 200, list(ctx, "subs", true)));
    routes.get("/api/subs/{id}", ctx -> Json.write(ctx, 200, wrap(sub(ctx), true)));
    routes.put("/api/subs/{id}", ctx -> Json.write(ctx, 200, wrap(update(ctx, salesKing(ctx)), true)));
    routes.delete("/api/subs/{id}", this::delete);
    routes.post("/v1/subscriptions", ctx -> Json.write(ctx, 201, render(create(ctx, crier(ctx)), false)));
    routes.get("/v1/subscriptions", ctx -> Json.write(ctx, 200, list(ctx, "items", false)));
    routes.get("/v1/subscriptions/{id}", ctx -> Json.write(ctx, 200, render(sub(ctx), false)));
    routes.patch("/v1/subscriptions/{id}", ctx -> Json.write(ctx, 200, render(update(ctx, crier(ctx)), false)));
    routes.delete("/v1/subscriptions/{id}", this::delete);
    // Channel subscriptions halt like webhooks, so they resume, enable and disable like them.
    routes.post("/v1/subscriptions/{id}/resume", this::resume);
    routes.post("/v1/subscriptions/{id}/enable", ctx -> setEnabled(ctx, true));
    routes.post("/v1/subscriptions/{id}/disable", ctx -> setEnabled(ctx, false));
  }

  private void resume(Context ctx) {
    Subscription s = sub(ctx);
    if (s.status() != Status.HALTED) throw conflict("the subscription is " + s.status().wire() + ", not halted");
    Subscription resumed = engine.resume(s).orElseThrow(() -> conflict("the subscription is no longer halted"));
    Json.write(ctx, 200, render(resumed, false));
  }

  private void setEnabled(Context ctx, boolean enabled) {
    Subscription s = sub(ctx);
    Subscription changed =
        statuses
            .setEnabled(s, enabled)
            .orElseThrow(() -> conflict("the subscription is " + s.status().wire() + "; use resume to restart a halted one"));
    Json.write(ctx, 200, render(changed, false));
  }

  private static ProblemException conflict(String detail) {
    return ProblemException.of(409, "conflict", "Conflict", detail);
  }

  private record Request(String channel, String callbackUrl) {}

  /** {@code {"sub": {"channel", "callback_url"}}} */
  private Request salesKing(Context ctx) {
    List<FieldError> errors = new ArrayList<>();
    Fields outer = Fields.of(Json.body(ctx, maxBodyBytes).node(), "", errors).only("sub");
    Fields sub = outer.object("sub");
    if (sub == null && errors.isEmpty()) outer.error("sub", "is required");
    Request request = sub == null ? null : fields(sub);
    if (!errors.isEmpty()) throw ProblemException.validation(errors);
    return request;
  }

  private Request crier(Context ctx) {
    List<FieldError> errors = new ArrayList<>();
    Request request = fields(Fields.of(Json.body(ctx, maxBodyBytes).node(), "", errors));
    if (!errors.isEmpty()) throw ProblemException.validation(errors);
    return request;
  }

  private static Request fields(Fields f) {
    f.only("channel", "callback_url");
    return new Request(f.optionalString("channel", 100), f.optionalString("callback_url", 2048));
  }

  private Subscription create(Context ctx, Request r) {
    Principal.AppToken caller = Authenticator.appToken(ctx);
    return channels.create(caller.token(), caller.app(), r.channel(), r.callbackUrl());
  }

  private Subscription update(Context ctx, Request r) {
    Subscription current = sub(ctx);
    Principal.AppToken caller = Authenticator.appToken(ctx);
    return channels.update(current, caller.token(), caller.app(), r.channel(), r.callbackUrl());
  }

  private void delete(Context ctx) {
    Subscription s = sub(ctx);
    channels.delete(s);
    ctx.status(204);
  }

  private void channelList(Context ctx) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (EventType type : catalog.list()) if (!type.name().startsWith("crier.")) out.add(type.name());
    Json.write(ctx, 200, out);
  }

  private ObjectNode list(Context ctx, String field, boolean salesKing) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    ArrayNode items = out.putArray(field);
    store.list(Kind.CHANNEL).stream().filter(Access.filter(ctx)).forEach(s -> items.add(salesKing ? wrap(s, true) : render(s, false)));
    return out;
  }

  private Subscription sub(Context ctx) {
    String id = ctx.pathParam("id");
    ProblemException notFound = ProblemException.notFound("no subscription with id '" + id + "'");
    Subscription s = store.find(id).filter(x -> x.kind() == Kind.CHANNEL).orElseThrow(() -> notFound);
    return Access.visible(ctx, s, notFound);
  }

  private static ObjectNode wrap(Subscription s, boolean salesKing) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.set("sub", render(s, salesKing));
    return out;
  }

  static ObjectNode render(Subscription s, boolean salesKing) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("id", s.id());
    out.put("channel", s.name());
    out.put("callback_url", s.url());
    if (!salesKing) {
      out.put("status", s.status().wire());
      out.put("app_id", s.owner() == null ? null : s.owner().app());
      out.put("account", s.owner() == null ? null : s.owner().account());
    }
    out.put("created_at", s.createdAt().toString());
    out.put("updated_at", s.updatedAt().toString());
    return out;
  }

}
