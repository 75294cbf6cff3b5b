package dev.crier.api;

import dev.crier.auth.Principal;
import dev.crier.delivery.RelayHub;
import dev.crier.subscription.Kind;
import dev.crier.subscription.Status;
import dev.crier.subscription.Subscription;
import dev.crier.subscription.SubscriptionStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import tools.jackson.databind.JsonNode;

/**
 * The relay: {@code crier listen} clients hold a server-sent-events connection per relay name and
 * report each forwarded delivery's local answer back.
 */
final class RelayRoutes implements AutoCloseable {
  /** One per server, stopped with it: a heartbeat must never write to a stopped server's requests. */
  private final ScheduledExecutorService heartbeat =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon(true).name("crier-relay-heartbeat").factory());

  private final RelayHub hub;
  private final SubscriptionStore subscriptions;
  private final Authenticator auth;
  private final int maxBodyBytes;

  RelayRoutes(RelayHub hub, SubscriptionStore subscriptions, Authenticator auth, int maxBodyBytes) {
    this.hub = hub;
    this.subscriptions = subscriptions;
    this.auth = auth;
    this.maxBodyBytes = maxBodyBytes;
  }

  void register(RoutesConfig routes) {
    routes.sse("/v1/relay/{name}/listen", this::listen);
    routes.post("/v1/relay/{name}/results/{id}", this::report);
  }

  private void listen(SseClient client) {
    Context ctx = client.ctx();
    String name = ctx.pathParam("name");
    // The key or token as presented: asked again before every delivery and at every heartbeat.
    String credential = ctx.header("Authorization").substring(7).trim();
    List<String> heard = RelayHub.validName(name) ? heard(Authenticator.principal(ctx), name) : List.of();
    if (heard.isEmpty()) {
      client.sendEvent("error", "{\"detail\": \"no relay named '" + name + "' that this key or token may use\"}");
      client.close();
      return;
    }
    // Set once the stream is over (closed by either side, or a write failed): nothing is written
    // to it after that, since Jetty recycles the request of a finished stream.
    AtomicBoolean over = new AtomicBoolean();
    RelayHub.Listener listener =
        new RelayHub.Listener() {
          @Override
          public synchronized boolean push(String json) {
            if (over.get() || client.terminated()) return false;
            client.sendEvent("delivery", json);
            return !client.terminated();
          }

          @Override
          public boolean mayHear(Subscription s) {
            return stillSees(credential, s);
          }

          @Override
          public synchronized void cutOff(String reason) {
            if (over.getAndSet(true) || client.terminated()) return;
            client.sendEvent("error", Json.MAPPER.createObjectNode().put("detail", "disconnected: " + reason).toString());
            client.close();
          }
        };
    hub.connect(name, heard, listener);
    client.sendEvent("connected", "{\"relay\": \"" + name + "\"}");
    var beat = heartbeat.scheduleAtFixedRate(() -> {
      if (over.get()) return;
      if (client.terminated()) {
        end(over, listener);
        throw new CancellationException("stream over"); // stops this schedule
      }
      recheck(credential, listener);
      synchronized (listener) {
        if (!over.get()) client.sendComment("heartbeat");
      }
    }, 10, 10, TimeUnit.SECONDS);
    client.onClose(() -> {
      end(over, listener);
      beat.cancel(false);
    });
    client.keepAlive();
  }

  /**
   * Between deliveries, too: a subscription deleted on another node, or a token revoked there,
   * ends the connection at the next heartbeat even when nothing is delivered.
   */
  private void recheck(String credential, RelayHub.Listener listener) {
    for (String id : hub.boundTo(listener)) {
      Optional<Subscription> s = subscriptions.find(id);
      if (s.isEmpty()) hub.removed(id);
      else if (!stillSees(credential, s.get())) hub.unbind(id, listener, "the key or token that connected may no longer hear " + id);
      else hub.changed(s.get());
    }
  }

  private boolean stillSees(String credential, Subscription s) {
    try {
      return auth.resolve(credential).sees(s);
    } catch (ProblemException unauthorized) {
      return false;
    }
  }

  private void end(AtomicBoolean over, RelayHub.Listener listener) {
    over.set(true);
    hub.disconnect(listener);
  }

  @Override
  public void close() {
    heartbeat.shutdownNow();
  }

  /**
   * The webhooks on relay {@code name} this caller may hear: the admin all of them, an app token
   * those it made; disabled ones are not heard.
   */
  private List<String> heard(Principal principal, String name) {
    return subscriptions.listByUrl(Kind.WEBHOOK, RelayHub.SCHEME + name).stream()
        .filter(s -> principal.sees(s) && s.status() != Status.DISABLED)
        .map(Subscription::id)
        .toList();
  }

  /**
   * Who may report an answer on {@code name}: the admin, or a token that hears a webhook on it.
   * The delivery id it reports for is a random one only its listener was given.
   */
  private boolean mayUse(Context ctx, String name) {
    Principal principal = Authenticator.principal(ctx);
    return principal instanceof Principal.Admin || !heard(principal, name).isEmpty();
  }

  private void report(Context ctx) {
    String name = ctx.pathParam("name");
    if (!mayUse(ctx, name)) throw ProblemException.notFound("no relay named '" + name + "'");
    List<FieldError> errors = new ArrayList<>();
    Fields f = Fields.of(Json.body(ctx, maxBodyBytes).node(), "", errors).only("status", "headers", "body", "error", "duration_ms");
    JsonNode status = f.raw("status");
    if (status == null || !status.isIntegralNumber() || !status.canConvertToInt() || status.intValue() < 0 || status.intValue() > 999) {
      f.error("status", "must be the local answer's status code (100 to 999), or 0 when it could not be reached");
    }
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    JsonNode rawHeaders = f.raw("headers");
    if (rawHeaders != null && !rawHeaders.isArray()) f.error("headers", "must be a list of [name, value] pairs of strings, got " + Fields.kind(rawHeaders));
    if (rawHeaders != null && rawHeaders.isArray()) {
      for (JsonNode pair : rawHeaders) {
        if (!pair.isArray() || pair.size() != 2 || !pair.get(0).isString() || !pair.get(1).isString()) {
          f.error("headers", "must be a list of [name, value] pairs of strings");
          break;
        }
        headers.add(Map.entry(pair.get(0).asString(), pair.get(1).asString()));
      }
    }
    String body = f.optionalString("body", maxBodyBytes);
    byte[] bytes = new byte[0];
    try {
      if (body != null) bytes = Base64.getDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      f.error("body", "must be the local answer's body in base64");
    }
    String error = f.optionalString("error", 2000);
    JsonNode millis = f.raw("duration_ms");
    if (millis != null && (!millis.isIntegralNumber() || !millis.canConvertToLong() || millis.longValue() < 0)) {
      f.error("duration_ms", "must be a whole number of milliseconds, from 0");
    }
    if (!errors.isEmpty()) throw ProblemException.validation(errors);
    boolean waited =
        hub.report(
            ctx.pathParam("id"),
            status.intValue(),
            headers,
            bytes,
            error,
            Duration.ofMillis(millis == null ? 0 : millis.asLong()));
    if (!waited) throw ProblemException.notFound("no delivery is waiting for '" + ctx.pathParam("id") + "' (it timed out?)");
    ctx.status(204);
  }
}
