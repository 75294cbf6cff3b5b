package dev.crier.api;

import dev.crier.event.EventCatalog;
import dev.crier.event.EventType;
import dev.crier.event.EventTypeName;
import dev.crier.event.EventTypes;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code /v1/event-types}: the catalog of what can happen, declared by the provider. */
final class EventTypeRoutes {
  private static final int MAX_DESCRIPTION = 2000;
  private final EventCatalog catalog;
  private final int maxBodyBytes;

  EventTypeRoutes(EventCatalog catalog, int maxBodyBytes) {
    this.catalog = catalog;
    this.maxBodyBytes = maxBodyBytes;
  }

  void register(RoutesConfig routes) {
    routes.get("/v1/event-types", this::list);
    routes.get("/v1/event-types/{name}", this::find);
    routes.put("/v1/event-types/{name}", this::save);
    routes.delete("/v1/event-types/{name}", this::delete);
  }

  private void save(Context ctx) {
    String name = ctx.pathParam("name");
    List<FieldError> errors = new ArrayList<>();
    EventTypeName.problem(name).ifPresent(reason -> errors.add(new FieldError("name", reason)));
    Fields body = Fields.of(Json.body(ctx, maxBodyBytes).node(), "", errors).only("description", "scope");
    String description = body.requiredString("description", MAX_DESCRIPTION);
    String scope = body.optionalString("scope", 100);
    if (scope != null && !scope.matches("[a-z][a-z0-9_]*")) body.error("scope", "must be one lowercase word, such as 'people'");
    if (!errors.isEmpty()) throw ProblemException.validation(errors);
    EventTypes.Saved saved = catalog.declare(name, description, scope);
    Json.write(ctx, saved.created() ? 201 : 200, render(saved.type()));
  }

  private void find(Context ctx) {
    String name = ctx.pathParam("name");
    Json.write(ctx, 200, render(catalog.find(name).orElseThrow(() -> notFound(name))));
  }

  private void list(Context ctx) {
    new Query(ctx).done();
    ObjectNode out = Json.MAPPER.createObjectNode();
    ArrayNode items = out.putArray("items");
    catalog.list().forEach(type -> items.add(render(type)));
    Json.write(ctx, 200, out);
  }

  private void delete(Context ctx) {
    String name = ctx.pathParam("name");
    if (!catalog.delete(name)) throw notFound(name);
    ctx.status(204);
  }

  private static ProblemException notFound(String name) {
    return ProblemException.notFound("no event type named '" + name + "'");
  }

  static ObjectNode render(EventType type) {
    return Json.MAPPER
        .createObjectNode()
        .put("name", type.name())
        .put("description", type.description())
        .put("scope", type.scope())
        .put("created_at", type.createdAt().toString())
        .put("updated_at", type.updatedAt().toString());
  }
}
