package dev.crier.model;

import dev.crier.testing.Api;
import dev.crier.verify.StandardWebhooks;
import dev.crier.verify.VerificationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntConsumer;
import tools.jackson.databind.JsonNode;

/**
 * The reference model's rules, checked against what the receiver saw and the delivery log:
 * nothing acknowledged lost, ordered webhooks in publish order (repeats dropped by
 * {@code webhook-id}) and one request in flight, signatures from the current or previous secret,
 * nothing sent or left pending for a deleted webhook, no live webhook left with pending work.
 */
final class ModelChecks {
  /** Timestamps follow the (moved) test clock, so their freshness is not what is checked here. */
  private static final Duration ANY_AGE = Duration.ofDays(3650);

  private final List<Hook> hooks;
  private final Map<String, Long> published;
  private final ModelReceiver receiver;
  private final Api api;
  private final List<String> violations;
  private final Map<Integer, String> eventIds = new HashMap<>();
  private long pendingDeadline;

  ModelChecks(List<Hook> hooks, Map<String, Long> published, ModelReceiver receiver, Api api, List<String> violations) {
    this.hooks = hooks;
    this.published = published;
    this.receiver = receiver;
    this.api = api;
    this.violations = violations;
  }

  boolean allArrived() {
    return hooks.stream().filter(h -> !h.deleted()).allMatch(h -> missing(h).isEmpty());
  }

  void checkAll() {
    pendingDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    for (Hook hook : hooks) {
      checkSignatures(hook);
      checkOneInFlight(hook);
      if (hook.deleted()) {
        checkDeleted(hook);
        continue;
      }
      checkNothingLost(hook);
      checkOrder(hook);
      checkNothingPending(hook);
    }
  }

  /** One more event per live webhook, which must be signed with its latest secret. */
  void probeLatestSecrets(IntConsumer publishTo) {
    Map<Hook, String> probes = new LinkedHashMap<>();
    for (Hook hook : hooks) {
      if (hook.deleted()) continue;
      publishTo.accept(hook.index);
      probes.put(hook, hook.expected.getLast().eventId());
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline && probes.entrySet().stream().anyMatch(p -> firstArrival(p.getKey(), p.getValue()) == null)) sleep(50);
    probes.forEach((hook, id) -> {
      ModelReceiver.Request request = firstArrival(hook, id);
      if (request == null) return; // reported as lost
      try {
        StandardWebhooks.of(hook.latestSecrets().toArray(String[]::new)).withTolerance(ANY_AGE).verify(request.headers(), request.body());
      } catch (VerificationException e) {
        violations.add("SECRET: " + hook + " signed " + id + " (after " + (hook.secrets.size() - 1) + " rotations) without its latest secret: " + e.getMessage());
      }
    });
  }

  private void checkNothingLost(Hook hook) {
    List<String> missing = missing(hook);
    if (missing.isEmpty()) return;
    Map<String, String> statuses = statuses(hook);
    List<String> described = missing.stream().map(id -> id + " (" + statuses.getOrDefault(id, "no delivery row") + ", " + receiver.requests(hook.path).stream().filter(r -> id.equals(eventId(r))).count() + " requests)").toList();
    violations.add("LOST: " + hook + " never got a 2xx for " + missing.size() + " acknowledged events: " + described + "; status " + status(hook));
  }

  /** Expected events with no 2xx answer; an unordered webhook's may end {@code failed}. */
  private List<String> missing(Hook hook) {
    Set<String> answered = new HashSet<>();
    for (ModelReceiver.Request r : receiver.requests(hook.path)) if (r.answered2xx()) answered.add(eventId(r));
    List<String> missing = new ArrayList<>();
    for (Hook.Expected e : hook.expected) if (!answered.contains(e.eventId())) missing.add(e.eventId());
    if (missing.isEmpty() || hook.ordering.stream().allMatch(Hook.Change::value)) return missing;
    Map<String, String> statuses = statuses(hook);
    missing.removeIf(id -> "failed".equals(statuses.get(id)) && firstArrival(hook, id) != null);
    return missing;
  }

  /**
   * Of the events published since the webhook became ordered, both the first requests (repeats
   * dropped by {@code webhook-id}) and the first 2xx answers come in publish order: a resumed
   * webhook sends the failed delivery before anything behind it.
   */
  private void checkOrder(Hook hook) {
    long since = hook.orderedSince();
    if (since < 0) return;
    List<Hook.Expected> segment = hook.expected.stream().filter(e -> e.publishedAt() > since).toList();
    inPublishOrder(hook, segment, "first requested", id -> firstArrival(hook, id, false));
    inPublishOrder(hook, segment, "first answered 2xx", id -> firstArrival(hook, id, true));
  }

  private void inPublishOrder(Hook hook, List<Hook.Expected> segment, String what, Function<String, ModelReceiver.Request> first) {
    int lastIndex = -1;
    String lastId = null;
    for (Hook.Expected e : segment) {
      ModelReceiver.Request request = first.apply(e.eventId());
      if (request == null) continue; // reported as lost
      if (request.index() < lastIndex) {
        violations.add("ORDER: " + hook + " " + what + " " + e.eventId() + " before " + lastId + ", which was published later");
        return;
      }
      lastIndex = request.index();
      lastId = e.eventId();
    }
  }

  private void checkOneInFlight(Hook hook) {
    for (ModelReceiver.Request r : receiver.requests(hook.path)) {
      if (r.inFlightBefore() > 0 && hook.orderedAt(r.arrivedAt())) {
        violations.add("CONCURRENT: " + hook + " is ordered, yet " + eventId(r) + " arrived while " + r.inFlightBefore() + " other request(s) were in flight");
        return;
      }
    }
  }

  private void checkSignatures(Hook hook) {
    for (ModelReceiver.Request r : receiver.requests(hook.path)) {
      long publishedAt = published.getOrDefault(eventId(r), Long.MIN_VALUE);
      List<String> allowed = hook.secretsAt(r.arrivedAt(), publishedAt);
      try {
        StandardWebhooks.of(allowed.toArray(String[]::new)).withTolerance(ANY_AGE).verify(r.headers(), r.body());
      } catch (VerificationException e) {
        violations.add("SIGNATURE: " + hook + " sent " + eventId(r) + " signed with none of the secrets it may use then (" + allowed.size() + "; " + (hook.secrets.size() - 1) + " rotations so far): " + e.getMessage());
        return;
      }
    }
  }

  /** After DELETE answered, at most the requests already on their way may arrive; none stay pending. */
  private void checkDeleted(Hook hook) {
    Set<String> after = new HashSet<>();
    for (ModelReceiver.Request r : receiver.requests(hook.path)) if (r.arrivedAt() > hook.deletion.ended()) after.add(r.header("webhook-id"));
    int mayBeOnTheirWay = hook.deletion.value() ? 1 : hook.maxInFlight;
    if (after.size() > mayBeOnTheirWay) violations.add("DELETED: " + hook + " got " + after.size() + " deliveries after its DELETE was answered (at most " + mayBeOnTheirWay + " could have been in flight)");
    Api.Response pending = api.get("/v1/deliveries?subscription=" + hook.id + "&status=pending&limit=500");
    if (pending.status() == 200 && !pending.json().get("items").isEmpty()) {
      violations.add("DELETED: " + hook + " still has " + pending.json().get("items").size() + " pending deliveries after its DELETE");
    }
  }

  private void checkNothingPending(Hook hook) {
    List<JsonNode> pending;
    do {
      pending = deliveries(hook).stream().filter(d -> d.get("status").stringValue().equals("pending")).toList();
      if (pending.isEmpty()) return;
      sleep(100);
    } while (System.nanoTime() < pendingDeadline);
    violations.add("STALL: " + hook + " (status " + status(hook) + ") still has " + pending.size() + " pending deliveries after everything arrived, e.g. " + pending.get(0));
  }

  private ModelReceiver.Request firstArrival(Hook hook, String eventId) {
    return firstArrival(hook, eventId, false);
  }

  private ModelReceiver.Request firstArrival(Hook hook, String eventId, boolean answered2xx) {
    for (ModelReceiver.Request r : receiver.requests(hook.path)) {
      if (eventId.equals(eventId(r)) && (!answered2xx || r.answered2xx())) return r;
    }
    return null;
  }

  private String eventId(ModelReceiver.Request r) {
    return eventIds.computeIfAbsent(r.index(), i -> {
      try {
        JsonNode id = Api.JSON.readTree(r.body()).get("id");
        return id == null ? "?" : id.asString();
      } catch (RuntimeException e) {
        return "?";
      }
    });
  }

  private Map<String, String> statuses(Hook hook) {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode d : deliveries(hook)) out.put(d.get("event_id").stringValue(), d.get("status").stringValue());
    return out;
  }

  private List<JsonNode> deliveries(Hook hook) {
    List<JsonNode> out = new ArrayList<>();
    String cursor = null;
    do {
      Api.Response r = api.get("/v1/webhooks/" + hook.id + "/deliveries?limit=500" + (cursor == null ? "" : "&after=" + cursor));
      if (r.status() != 200) return out;
      JsonNode page = r.json();
      page.get("items").forEach(out::add);
      cursor = page.get("next").isNull() ? null : page.get("next").asString();
    } while (cursor != null);
    return out;
  }

  private String status(Hook hook) {
    Api.Response r = api.get("/v1/webhooks/" + hook.id);
    return r.status() == 200 ? r.json().get("status").stringValue() : "gone (" + r.status() + ")";
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
