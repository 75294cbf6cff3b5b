package dev.crier.api;

import dev.crier.broadcast.BroadcastReceivers;
import dev.crier.broadcast.BroadcastSpec;
import dev.crier.broadcast.BroadcastStore;
import dev.crier.event.EventCatalog;
import dev.crier.subscription.Subscription;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code /v1/broadcast-receivers}: coalesced "this changed, fetch it" notices, as Noko sends them. */
final class BroadcastRoutes {
  private final BroadcastReceivers receivers;
  private final EventCatalog catalog;
  private final BroadcastStore store;
  private final int maxBodyBytes;

  BroadcastRoutes(BroadcastReceivers receivers, EventCatalog catalog, BroadcastStore store, int maxBodyBytes) {
    this.receivers = receivers;
    this.catalog = catalog;
    this.store = store;
    this.maxBodyBytes = maxBodyBytes;
  }

  void register(RoutesConfig routes) {
    String base = "/v1/broadcast-receivers";
    routes.post(base, ctx -> {
      BroadcastSpec spec = spec(ctx);
      Access.tokenMayUse(ctx, spec.url(), "url", spec.subjects() == null ? List.of() : Access.ofSubjects(catalog, spec.subjects()));
      Json.write(ctx, 201, render(receivers.create(spec, Authenticator.principal(ctx).owner()), true));
    });
    routes.get(base, this::list);
    routes.get(base + "/{id}", ctx -> Json.write(ctx, 200, render(receiver(ctx), false)));
    routes.patch(base + "/{id}", ctx -> {
      Subscription current = receiver(ctx);
      BroadcastSpec spec = spec(ctx);
      Access.tokenMayUse(ctx, spec.url(), "url", spec.subjects() == null ? List.of() : Access.ofSubjects(catalog, spec.subjects()));
      Json.write(ctx, 200, render(receivers.update(current, spec), false));
    });
    routes.delete(base + "/{id}", ctx -> {
      receivers.delete(receiver(ctx).id());
      ctx.status(204);
    });
    routes.post(base + "/{id}/add-subjects", ctx -> {
      Subscription current = receiver(ctx);
      List<String> subjects = subjects(ctx);
      Access.tokenMayUse(ctx, null, "subjects", Access.ofSubjects(catalog, subjects));
      Json.write(ctx, 200, render(receivers.addSubjects(current, subjects), false));
    });
    routes.post(base + "/{id}/remove-subjects", ctx -> {
      Subscription current = receiver(ctx);
      Json.write(ctx, 200, render(receivers.removeSubjects(current, subjects(ctx)), false));
    });
    routes.post(base + "/{id}/enable", ctx -> Json.write(ctx, 200, render(receivers.setEnabled(receiver(ctx), true), false)));
    routes.post(base + "/{id}/disable", ctx -> Json.write(ctx, 200, render(receivers.setEnabled(receiver(ctx), false), false)));
    routes.post(base + "/{id}/reroll-secret", ctx -> Json.write(ctx, 200, render(receivers.reroll(receiver(ctx)), true)));
    routes.get(base + "/{id}/attempts", this::attempts);
  }

  private void list(Context ctx) {
    new Query(ctx).done();
    ObjectNode out = Json.MAPPER.createObjectNode();
    ArrayNode items = out.putArray("items");
    receivers.list().stream().filter(Access.filter(ctx)).forEach(s -> items.add(render(s, false)));
    Json.write(ctx, 200, out);
  }

  private void attempts(Context ctx) {
    Subscription s = receiver(ctx);
    Query query = new Query(ctx, "limit");
    int limit = query.intValue("limit", 50, 1, 500);
    query.done();
    ObjectNode out = Json.MAPPER.createObjectNode();
    ArrayNode items = out.putArray("items");
    store.attempts(s.id(), limit).forEach(a -> items.add(DeliveryRoutes.render(a)));
    Json.write(ctx, 200, out);
  }

  private Subscription receiver(Context ctx) {
    String id = ctx.pathParam("id");
    ProblemException notFound = ProblemException.notFound("no broadcast receiver with id '" + id + "'");
    return Access.visible(ctx, receivers.find(id).orElseThrow(() -> notFound), notFound);
  }

  private BroadcastSpec spec(Context ctx) {
    List<FieldError> errors = new ArrayList<>();
    Fields f = Fields.of(Json.body(ctx, maxBodyBytes).node(), "", errors).only("name", "url", "subjects", "interval_seconds");
    String name = f.optionalString("name", 200);
    String url = f.optionalString("url", 2048);
    List<String> subjects = f.has("subjects") ? f.strings("subjects", 100) : null;
    Double seconds = f.optionalNumber("interval_seconds", 1, 86_400);
    Duration interval = seconds == null ? null : Duration.ofMillis(Math.round(seconds * 1000));
    if (!errors.isEmpty()) throw ProblemException.validation(errors);
    return new BroadcastSpec(name, url, subjects, interval);
  }

  private List<String> subjects(Context ctx) {
    List<FieldError> errors = new ArrayList<>();
    Fields f = Fields.of(Json.body(ctx, maxBodyBytes).node(), "", errors).only("subjects");
    List<String> subjects = f.has("subjects") ? f.strings("subjects", 100) : null;
    if (subjects == null) f.error("subjects", "is required");
    if (!errors.isEmpty()) throw ProblemException.validation(errors);
    return subjects;
  }

  static ObjectNode render(Subscription s, boolean withSecret) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("id", Long.parseLong(s.id()));
    out.put("name", s.name());
    out.put("url", s.url());
    ArrayNode subjects = out.putArray("subjects");
    s.subjects().forEach(subjects::add);
    out.put("interval_seconds", s.interval().toMillis() / 1000.0);
    out.put("status", s.status().wire());
    if (withSecret) out.put("secret", s.secrets().current());
    out.put("created_at", s.createdAt().toString());
    out.put("updated_at", s.updatedAt().toString());
    return out;
  }
}
