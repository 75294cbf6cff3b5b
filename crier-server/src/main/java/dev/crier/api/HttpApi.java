package dev.crier.api;

import dev.crier.app.Apps;
import dev.crier.app.ChannelSubscriptions;
import dev.crier.auth.AdminKey;
import dev.crier.subscription.SubscriptionStore;
import dev.crier.broadcast.BroadcastReceivers;
import dev.crier.broadcast.BroadcastStore;
import dev.crier.delivery.DeliveryStats;
import dev.crier.delivery.DeliveryStore;
import dev.crier.delivery.Engine;
import dev.crier.delivery.RelayHub;
import dev.crier.delivery.OperationalEvents;
import dev.crier.signing.SigningKeys;
import dev.crier.subscription.Webhooks;
import dev.crier.ui.WebUi;
import dev.crier.watch.WatchAliases;
import dev.crier.watch.Watches;
import dev.crier.event.EventCatalog;
import dev.crier.event.EventLog;
import dev.crier.event.PublishEvents;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson3;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** The HTTP surface: builds the Javalin app with every route, the auth check and problem answers. */
public final class HttpApi {

  /**
   * A route as served: method and path, with {@code {param}} placeholders as in OpenAPI (Javalin's
   * {@code <param>}, which may span several segments, is shown as {@code {param}} too).
   */
  public record Route(String method, String path) {}

  /** What the API needs from the rest of Crier. */
  public record Parts(
      AdminKey adminKey,
      EventCatalog catalog,
      PublishEvents publisher,
      EventLog eventLog,
      Webhooks webhooks,
      DeliveryStore deliveries,
      DeliveryStats stats,
      BroadcastReceivers receivers,
      BroadcastStore broadcasts,
      Apps apps,
      ChannelSubscriptions channels,
      SubscriptionStore subscriptions,
      RelayHub relay,
      Watches watches,
      WatchAliases watchAliases,
      Engine engine,
      OperationalEvents ops,
      SigningKeys signingKeys,
      BooleanSupplier ready,
      PrometheusMeterRegistry metrics,
      Clock clock,
      int maxEventBytes,
      int maxBodyBytes,
      java.time.Duration headerTimeout,
      int authFailuresPerMinute) {}

  private final Javalin app;
  private final RelayRoutes relay;
  private final HeaderDeadline headerDeadline;
  private final List<Route> routes = new CopyOnWriteArrayList<>();

  public HttpApi(Parts parts) {
    headerDeadline = new HeaderDeadline(parts.headerTimeout());
    Authenticator auth = new Authenticator(parts.adminKey(), parts.apps(), new AuthFailureLimit(parts.authFailuresPerMinute(), parts.clock()));
    relay = new RelayRoutes(parts.relay(), parts.subscriptions(), auth, parts.maxBodyBytes());
    this.app =
        Javalin.create(
            config -> {
              config.concurrency.useVirtualThreads = true;
              config.http.prefer405over404 = true;
              config.http.maxRequestSize = Math.max(parts.maxBodyBytes(), parts.maxEventBytes());
              config.startup.showJavalinBanner = false;
              config.jetty.modifyServer(server -> server.setErrorHandler(new JettyErrors.ForServer()));
              config.jetty.modifyServletContextHandler(context -> context.setErrorHandler(new JettyErrors.ForContext()));
              config.jsonMapper(new JavalinJackson3(Json.MAPPER, true));
              config.staticFiles.enableWebjars();
              config.staticFiles.add(WebUi::serve);
              config.events.handlerAdded(
                  meta -> {
                    String method = meta.getHttpMethod().name();
                    if (!method.equals("BEFORE") && !method.equals("AFTER")) {
                      routes.add(new Route(method, meta.getPath().replaceAll("<([^>]+)>", "{$1}")));
                    }
                  });
              config.requestLogger.http((ctx, ms) -> record(parts.metrics(), ctx, ms));
              config.routes.before("/v1/*", auth::authenticate);
              config.routes.before("/api/*", auth::authenticate);
              config.routes.before("/v1/events*", Authenticator::adminOnly);
              config.routes.before("/v1/event-types*", ctx -> {
                if (!ctx.method().name().equals("GET")) Authenticator.adminOnly(ctx);
              });
              // Noah's watch routes live outside /v1 and need the key as much
              config.routes.before(WatchRoutes.SEED, auth::authenticate);
              config.routes.before(WatchRoutes.PATH_WATCH, auth::authenticate);
              config.routes.before("/v1/signing-keys*", Authenticator::adminOnly);
              Problems.register(config.routes);
              new OpsRoutes(parts.ready(), parts.metrics()).register(config.routes);
              new EventTypeRoutes(parts.catalog(), parts.maxBodyBytes()).register(config.routes);
              new SigningKeyRoutes(parts.signingKeys(), parts.maxBodyBytes()).register(config.routes);
              new EventRoutes(
                      parts.publisher(),
                      parts.eventLog(),
                      parts.clock(),
                      parts.maxEventBytes(),
                      parts.maxBodyBytes())
                  .register(config.routes);
              new WebhookRoutes(parts.webhooks(), parts.catalog(), parts.engine(), parts.publisher(), parts.ops(), parts.maxBodyBytes())
                  .register(config.routes);
              new DeliveryRoutes(parts.subscriptions(), parts.deliveries(), parts.engine()).register(config.routes);
              new StatsRoutes(parts.stats(), parts.subscriptions(), parts.clock()).register(config.routes);
              new BroadcastRoutes(parts.receivers(), parts.catalog(), parts.broadcasts(), parts.maxBodyBytes()).register(config.routes);
              new AppRoutes(parts.apps(), parts.maxBodyBytes()).register(config.routes);
              relay.register(config.routes);
              new ChannelRoutes(parts.channels(), parts.subscriptions(), parts.engine(), parts.webhooks(), parts.catalog(), parts.maxBodyBytes())
                  .register(config.routes);
                                          // last: its PUT <path>/watch takes any path no other route took
              new WatchRoutes(parts.watches(), parts.watchAliases(), parts.engine(), parts.maxBodyBytes())
                  .register(config.routes);
            });
  }

  /** The request timers by method, route and status: building a meter's id is a lookup of its own. */
  private record TimerKey(String method, String route, int status) {}

  private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();

  private void record(PrometheusMeterRegistry metrics, Context ctx, Float ms) {
    String route;
    try {
      route = ctx.endpoint().path;
    } catch (RuntimeException e) {
      route = "unmatched";
    }
    TimerKey key = new TimerKey(ctx.method().name(), route, ctx.statusCode());
    timers
        .computeIfAbsent(
            key,
            k ->
                Timer.builder("http.server.requests")
                    .tag("method", k.method())
                    .tag("route", k.route())
                    .tag("status", Integer.toString(k.status()))
                    .register(metrics))
        .record((long) (ms * 1_000_000), TimeUnit.NANOSECONDS);
  }

  /** How long a connection may stay silent (between requests, or mid-request) before it is closed. */
  static final java.time.Duration IDLE_TIMEOUT = java.time.Duration.ofSeconds(30);

  public HttpApi start(String host, int port) {
    app.start(host, port);
    // An idle keep-alive connection is closed after this; a relay stream's heartbeat (10 s) keeps it.
    headerDeadline.watch(app.jettyServer().server(), IDLE_TIMEOUT);
    return this;
  }

  public int port() {
    return app.port();
  }

  /** Every route the server answers, for checking the OpenAPI document against. */
  public List<Route> routes() {
    return List.copyOf(routes);
  }

  public void stop() {
    relay.close();
    app.stop();
    headerDeadline.close();
  }
}
