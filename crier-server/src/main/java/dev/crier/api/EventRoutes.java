package dev.crier.api;

import dev.crier.event.Event;
import dev.crier.event.EventLog;
import dev.crier.event.EventQuery;
import dev.crier.event.NewEvent;
import dev.crier.event.PublishEvents;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code /v1/events}: publishing, reading one event, and paging through the log. */
final class EventRoutes {
  static final String BATCH = "crier.batch";
  static final int MAX_BATCH = 1000;

  private final PublishEvents publisher;
  private final EventLog eventLog;
  private final Clock clock;
  private final int maxEventBytes;
  private final int maxBodyBytes;

  EventRoutes(PublishEvents publisher, EventLog eventLog, Clock clock, int maxEventBytes, int maxBodyBytes) {
    this.publisher = publisher;
    this.eventLog = eventLog;
    this.clock = clock;
    this.maxEventBytes = maxEventBytes;
    this.maxBodyBytes = maxBodyBytes;
  }

  void register(RoutesConfig routes) {
    routes.post("/v1/events", this::publish);
    routes.get("/v1/events", this::list);
    routes.get("/v1/events/{id}", this::find);
  }

  private void publish(Context ctx) {
    Json.Body body = Json.body(ctx, Math.max(maxBodyBytes, maxEventBytes), Json.EVENT_PAYLOADS);
    boolean batch = body.node().isArray();
    ctx.attribute(BATCH, batch);
    if (!batch && body.bytes() > maxEventBytes) throw eventTooLarge("the event");
    // When the whole body fits in one event's limit, so does every event in it.
    boolean checkEach = body.bytes() > maxEventBytes;
    List<NewEvent> events = parse(body.node(), batch, checkEach);
    PublishEvents.Published published = publisher.publish(events);
    if (published.replayed()) ctx.header("Idempotent-Replayed", "true");
    if (batch) {
      ObjectNode out = Json.MAPPER.createObjectNode();
      ArrayNode items = out.putArray("items");
      published.receipts().forEach(r -> items.add(EventJson.render(r)));
      Json.write(ctx, 202, out);
    } else {
      Json.write(ctx, 202, EventJson.render(published.receipts().get(0)));
    }
  }

  private List<NewEvent> parse(JsonNode body, boolean batch, boolean checkEach) {
    List<FieldError> errors = new ArrayList<>();
    List<NewEvent> events = new ArrayList<>();
    var now = clock.instant();
    if (!batch) {
      events.add(EventJson.parse(body, "", errors, now));
    } else {
      if (body.isEmpty()) errors.add(new FieldError("(body)", "must contain at least one event"));
      if (body.size() > MAX_BATCH) {
        errors.add(new FieldError("(body)", "must contain at most " + MAX_BATCH + " events, got " + body.size()));
      } else {
        for (int i = 0; i < body.size(); i++) {
          if (checkEach && EventJson.size(body.get(i)) > maxEventBytes) throw eventTooLarge("event [" + i + "]");
          events.add(EventJson.parse(body.get(i), "[" + i + "]", errors, now));
        }
      }
    }
    if (!errors.isEmpty()) throw ProblemException.validation(errors);
    return events;
  }

  private ProblemException eventTooLarge(String which) {
    return ProblemException.tooLarge(which + " is larger than " + maxEventBytes + " bytes");
  }

  private void find(Context ctx) {
    Event event =
        eventLog
            .find(ctx.pathParam("id"))
            .orElseThrow(() -> ProblemException.notFound("no event with id '" + ctx.pathParam("id") + "'"));
    Json.write(ctx, 200, EventJson.render(event));
  }

  private void list(Context ctx) {
    Query query = new Query(ctx, "type", "after", "limit", "order");
    String type = query.string("type");
    Long after = query.longValue("after");
    int limit = query.intValue("limit", 100, 1, 1000);
    String order = query.oneOf("order", "desc", "desc", "asc");
    query.done();
    List<Event> events = eventLog.list(new EventQuery(type, after, limit, order.equals("desc")));
    ObjectNode out = Json.MAPPER.createObjectNode();
    ArrayNode items = out.putArray("items");
    events.forEach(e -> items.add(EventJson.render(e)));
    if (events.size() == limit) out.put("next", Long.toString(events.get(events.size() - 1).seq()));
    else out.putNull("next");
    Json.write(ctx, 200, out);
  }
}
