package dev.crier.model;

import dev.crier.testing.Api;
import dev.crier.testing.Engine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import tools.jackson.databind.JsonNode;

/**
 * Runs one {@link Scenario} against a fresh Crier and its own receiver, then lets everything heal
 * (receivers answer 2xx, halted webhooks are resumed, disabled ones enabled) and hands the
 * model and what the receiver saw to {@link ModelChecks}.
 */
final class SequenceRun {
  private static final Duration HEAL_TIMEOUT = Duration.ofSeconds(40);
  private static final Duration QUIET = Duration.ofSeconds(4);
  private static final int RACERS = 3;
  private static final AtomicInteger RUNS = new AtomicInteger();

  /** What a run found: violations (empty when the model held), what it did, and notes. */
  record Result(List<String> violations, int opsRun, int requests, int expected, String log) {
    boolean failed() {
      return !violations.isEmpty();
    }

    /** The kind of the first violation (the word before the colon), for shrinking. */
    String kind() {
      return violations.isEmpty() ? "" : violations.get(0).split(":", 2)[0];
    }
  }

  private final Scenario scenario;
  private final Engine engine;
  private final String prefix = "/r" + RUNS.incrementAndGet();
  private final List<String> violations = new ArrayList<>();
  private final StringBuilder log = new StringBuilder();
  private final List<Hook> hooks = new ArrayList<>();
  private final Map<String, Long> published = new HashMap<>();
  private ModelReceiver receiver;
  private Node node;
  private int events;
  private int renames;

  private SequenceRun(Scenario scenario, Engine engine) {
    this.scenario = scenario;
    this.engine = engine;
  }

  static Result run(Scenario scenario, Engine engine) {
    return new SequenceRun(scenario, engine).run();
  }

  private Result run() {
    int done = 0;
    try (ModelReceiver r = ModelReceiver.start(); Node n = Node.start(scenario.flavour(), engine)) {
      receiver = r;
      node = n;
      setUp();
      for (Op op : scenario.ops()) {
        apply(op);
        done++;
      }
      heal();
      new ModelChecks(hooks, published, receiver, node.api(), violations).checkAll();
      if (!violations.isEmpty() && scenario.flavour() == Scenario.Flavour.CHILD) log.append("server log tail:\n").append(node.logTail()).append('\n');
    } catch (RuntimeException e) {
      violations.add("ERROR: " + e + " after " + done + " operations");
    }
    int requests = receiver == null ? 0 : receiver.requests().size();
    int expected = hooks.stream().mapToInt(h -> h.expected.size()).sum();
    return new Result(List.copyOf(violations), done, requests, expected, log.toString());
  }

  private void setUp() {
    Api api = node.api();
    for (String type : types()) expect(api.put("/v1/event-types/" + type, "{\"description\":\"model test\"}"), "declare " + type, 200, 201);
    for (int i = 0; i < scenario.webhooks().size(); i++) {
      Scenario.Setup setup = scenario.webhooks().get(i);
      String path = prefix + "/w" + i;
      receiver.mode(path, ModelReceiver.Mode.OK);
      String body =
          "{\"name\": \"w%d\", \"url\": \"%s\", \"events\": [\"m.w%d\", \"m.all\"], \"ordered\": %s, \"max_in_flight\": %d, \"retry_schedule\": %s, \"timeout_seconds\": 0.5}"
              .formatted(i, receiver.url(path), i, setup.ordered(), setup.maxInFlight(), json(setup.schedule()));
      long started = System.nanoTime();
      Api.Response created = api.post("/v1/webhooks", body);
      if (created.status() != 201) throw new IllegalStateException("creating w" + i + ": " + created);
      JsonNode json = created.json();
      hooks.add(new Hook(i, path, json.get("id").stringValue(), json.get("secret").stringValue(), setup.ordered(), setup.maxInFlight(), started));
    }
  }

  private List<String> types() {
    List<String> types = new ArrayList<>(IntStream.range(0, scenario.webhooks().size()).mapToObj(i -> "m.w" + i).toList());
    types.add("m.all");
    return types;
  }

  private void apply(Op op) {
    switch (op) {
      case Op.Publish p -> publish(p.target(), p.count());
      case Op.Answer a -> receiver.mode(hooks.get(a.webhook()).path, a.mode());
      case Op.Halt h -> halt(hooks.get(h.webhook()));
      case Op.Disable d -> setEnabled(hooks.get(d.webhook()), false);
      case Op.Enable e -> setEnabled(hooks.get(e.webhook()), true);
      case Op.Resume r -> call(hooks.get(r.webhook()), "POST", "/resume", null, 200, 409);
      case Op.SetOrdered o -> setOrdered(hooks.get(o.webhook()), o.ordered());
      case Op.SetSchedule s -> call(hooks.get(s.webhook()), "PATCH", "", "{\"retry_schedule\": " + json(s.steps()) + "}", 200);
      case Op.Delete d -> delete(hooks.get(d.webhook()));
      case Op.Rotate r -> rotate(hooks.get(r.webhook()));
      case Op.PatchWhileRotating p -> patchWhileRotating(hooks.get(p.webhook()));
      case Op.Kill k -> node.kill9AndRestart();
      case Op.Step s -> node.advance(s.by());
      case Op.Pause p -> sleep(p.millis());
    }
  }

  private void publish(int target, int count) {
    String type = target < 0 ? "m.all" : "m.w" + target;
    List<String> ids = IntStream.range(0, count).mapToObj(i -> prefix.substring(1) + "-e" + (events++)).toList();
    String body =
        ids.stream()
            .map(id -> "{\"id\": \"" + id + "\", \"type\": \"" + type + "\", \"data\": {\"n\": \"" + id + "\"}}")
            .collect(Collectors.joining(","));
    Api.Response response = node.api().post("/v1/events", count == 1 ? body : "[" + body + "]");
    long answered = System.nanoTime();
    ids.forEach(id -> published.put(id, answered));
    if (response.status() != 202) {
      violations.add("HTTP: publish of " + ids + " answered " + response);
      return;
    }
    for (Hook hook : hooks) {
      if (hook.deleted() || hook.disabled || !hook.hears(target)) continue;
      ids.forEach(id -> hook.expected.add(new Hook.Expected(id, answered)));
    }
  }

  /** A one-step schedule, a failing receiver, and one event; waits for the halt of an ordered webhook. */
  private void halt(Hook hook) {
    if (hook.deleted() || hook.disabled) return;
    call(hook, "PATCH", "", "{\"retry_schedule\": [\"10ms\"]}", 200);
    receiver.mode(hook.path, ModelReceiver.Mode.FAIL);
    publish(hook.index, 1);
    if (!hook.orderedNow()) return;
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      if ("halted".equals(status(hook))) return;
      node.advance(Duration.ofMinutes(1)); // retries due on an earlier, longer schedule
      sleep(50);
    }
    log.append(hook).append(" did not halt within 15 s of halt()\n");
  }

  private void setEnabled(Hook hook, boolean enabled) {
    Api.Response r = call(hook, "POST", enabled ? "/enable" : "/disable", null, 200, 409);
    if (r != null && r.status() == 200) hook.disabled = !enabled;
  }

  private void setOrdered(Hook hook, boolean ordered) {
    long started = System.nanoTime();
    Api.Response r = call(hook, "PATCH", "", "{\"ordered\": " + ordered + "}", 200);
    if (r != null && r.status() == 200) hook.ordering.add(new Hook.Change<>(ordered, started, System.nanoTime()));
  }

  private void delete(Hook hook) {
    long started = System.nanoTime();
    Api.Response r = call(hook, "DELETE", "", null, 204);
    if (r != null && r.status() == 204) hook.deletion = new Hook.Change<>(hook.orderedNow(), started, System.nanoTime());
  }

  private void rotate(Hook hook) {
    long started = System.nanoTime();
    Api.Response r = call(hook, "POST", "/rotate-secret", null, 200);
    if (r != null && r.status() == 200) hook.secrets.add(new Hook.Change<>(r.json().get("secret").stringValue(), started, System.nanoTime()));
  }

  /**
   * Three PATCHes of the name and three rotations released at the same moment: whichever
   * wins, the webhook ends with one of the new names and signs with one of the new secrets.
   */
  private void patchWhileRotating(Hook hook) {
    if (hook.deleted()) return;
    List<String> names = IntStream.range(0, RACERS).mapToObj(i -> "renamed-" + (++renames)).toList();
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<Api.Response>> patches = new ArrayList<>();
    List<CompletableFuture<Api.Response>> rotations = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (String name : names) patches.add(CompletableFuture.supplyAsync(() -> await(go, () -> node.api().send("PATCH", "/v1/webhooks/" + hook.id, "{\"name\": \"" + name + "\"}", "application/json")), threads));
      for (int i = 0; i < RACERS; i++) rotations.add(CompletableFuture.supplyAsync(() -> await(go, () -> node.api().post("/v1/webhooks/" + hook.id + "/rotate-secret", "")), threads));
      long started = System.nanoTime();
      go.countDown();
      patches.forEach(CompletableFuture::join);
      rotations.forEach(CompletableFuture::join);
      long ended = System.nanoTime();
      for (CompletableFuture<Api.Response> p : patches) {
        if (p.join().status() != 200) violations.add("HTTP: PATCH name of " + hook + " beside rotations answered " + p.join());
      }
      for (CompletableFuture<Api.Response> r : rotations) {
        if (r.join().status() != 200) violations.add("HTTP: rotate-secret of " + hook + " beside PATCHes answered " + r.join());
        else hook.secrets.add(new Hook.Change<>(r.join().json().get("secret").stringValue(), started, ended));
      }
    }
    String seen = node.api().get("/v1/webhooks/" + hook.id).json().get("name").stringValue();
    if (!names.contains(seen)) violations.add("STALE: after PATCHes of the name beside rotations, " + hook + " is named '" + seen + "', none of " + names);
  }

  private static Api.Response await(CountDownLatch go, Supplier<Api.Response> call) {
    try {
      go.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return call.get();
  }

  /** Sends a call about a webhook; a deleted webhook must answer 404. Records other statuses. */
  private Api.Response call(Hook hook, String method, String suffix, String body, int... allowed) {
    Api.Response r = node.api().send(method, "/v1/webhooks/" + hook.id + suffix, body, body == null ? null : "application/json");
    Set<Integer> ok = new LinkedHashSet<>();
    for (int a : allowed) ok.add(a);
    if (hook.deleted()) ok = Set.of(404);
    if (!ok.contains(r.status())) violations.add("HTTP: " + method + " " + suffix + " of " + hook + " answered " + r + " (expected " + ok + ")");
    return r;
  }

  private String status(Hook hook) {
    Api.Response r = node.api().get("/v1/webhooks/" + hook.id);
    return r.status() == 200 ? r.json().get("status").stringValue() : "gone";
  }

  /** Receivers answer 2xx; halted webhooks are resumed, disabled ones enabled, until all arrived. */
  private void heal() {
    receiver.allModes(ModelReceiver.Mode.OK);
    for (Hook hook : hooks) if (!hook.deleted()) receiver.mode(hook.path, ModelReceiver.Mode.OK);
    long deadline = System.nanoTime() + HEAL_TIMEOUT.toNanos();
    ModelChecks checks = new ModelChecks(hooks, published, receiver, node.api(), violations);
    int seen = -1;
    long quietSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      int now = receiver.requests().size();
      if (now != seen) {
        seen = now;
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince > QUIET.toNanos()) {
        break; // nothing moves any more, though the clock keeps moving: what is missing is stuck
      }
      for (Hook hook : hooks) {
        if (hook.deleted()) continue;
        String status = status(hook);
        if (status.equals("halted")) node.api().post("/v1/webhooks/" + hook.id + "/resume", "");
        if (status.equals("disabled")) {
          node.api().post("/v1/webhooks/" + hook.id + "/enable", "");
          hook.disabled = false;
        }
      }
      if (checks.allArrived()) break;
      node.advance(Duration.ofMinutes(1));
      sleep(200);
    }
    checks.probeLatestSecrets(i -> publish(i, 1));
  }

  private static String json(List<String> steps) {
    return steps.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(",", "[", "]"));
  }

  private void expect(Api.Response r, String what, int... allowed) {
    for (int a : allowed) if (r.status() == a) return;
    throw new IllegalStateException(what + ": " + r);
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
