package dev.crier;

import dev.crier.api.HttpApi;
import dev.crier.auth.AdminKey;
import dev.crier.broadcast.BroadcastReceivers;
import dev.crier.broadcast.FlushBroadcasts;
import dev.crier.cli.Version;
import dev.crier.config.PrivateFiles;
import dev.crier.config.Settings;
import dev.crier.delivery.Cluster;
import dev.crier.delivery.DeferredAudience;
import dev.crier.delivery.Engine;
import dev.crier.delivery.RelayHub;
import dev.crier.delivery.OperationalEvents;
import dev.crier.secrets.SecretBox;
import dev.crier.signing.SigningKeys;
import dev.crier.app.Apps;
import dev.crier.app.ChannelSubscriptions;
import dev.crier.storage.PgSignals;
import dev.crier.storage.SqlApps;
import dev.crier.storage.SqlLeases;
import dev.crier.storage.SqlMasterKey;
import dev.crier.storage.SqlBroadcasts;
import dev.crier.storage.SqlDeliveries;
import dev.crier.storage.SqlDeliveryStats;
import dev.crier.storage.SqlSigningKeys;
import dev.crier.storage.SqlSubscriptions;
import dev.crier.subscription.SubscriptionIndex;
import dev.crier.subscription.Webhooks;
import dev.crier.watch.WatchAliases;
import dev.crier.watch.Watches;
import io.micrometer.core.instrument.FunctionCounter;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import dev.crier.event.EventCatalog;
import dev.crier.event.PublishEvents;
import dev.crier.storage.Database;
import dev.crier.storage.SqlEventLog;
import dev.crier.storage.SqlEventTypes;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Crier: the database, the engine and the HTTP API, started in that order and stopped
 * in reverse. {@code crier serve} runs one; tests start one per class on a free port.
 */
public final class Crier implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Crier.class);

  private final Settings settings;
  private final Database db;
  private final SqlMasterKey masterKey;
  private final Engine engine;
  private final FlushBroadcasts broadcasts;
  private final PublishEvents publisher;
  private final HttpApi api;
  private final AdminKey adminKey;
  private final NodeIdentity identity;
  private final CompletableFuture<String> failure;

  private Crier(
      Settings settings,
      Database db,
      SqlMasterKey masterKey,
      Engine engine,
      FlushBroadcasts broadcasts,
      PublishEvents publisher,
      HttpApi api,
      AdminKey adminKey,
      NodeIdentity identity,
      CompletableFuture<String> failure) {
    this.failure = failure;
    this.settings = settings;
    this.db = db;
    this.masterKey = masterKey;
    this.engine = engine;
    this.broadcasts = broadcasts;
    this.publisher = publisher;
    this.api = api;
    this.adminKey = adminKey;
    this.identity = identity;
  }

  /** Opens the database, applies migrations and starts serving on the configured port. */
  public static Crier start(Settings settings, Clock clock) {
    settings.describe().forEach(line -> log.info("setting {}", line));
    PrivateFiles.directory(settings.dataDir());
    AdminKey adminKey = AdminKey.load(settings.adminKey(), settings.dataDir());
    SecretBox secrets = SecretBox.load(settings.masterKey(), settings.previousMasterKey(), settings.dataDir());
    Database db = Database.open(settings);
    SqlMasterKey masterKey = new SqlMasterKey(db, clock);
    CompletableFuture<String> failure = new CompletableFuture<>();
    Engine engine = null;
    NodeIdentity identity = null;
    FlushBroadcasts broadcasts = null;
    try {
      db.migrate();
      masterKey.check(secrets);
      masterKey.follow(secrets);
      PrometheusMeterRegistry metrics = metrics();
      EventCatalog catalog = new EventCatalog(new SqlEventTypes(db, clock));
      OperationalEvents.declare(catalog);
      SqlEventLog eventLog = new SqlEventLog(db);
      SqlSubscriptions subscriptions = new SqlSubscriptions(db, secrets);
      identity = db.dialect().shared() ? NodeIdentity.of(settings.dataDir()) : null;
      String node = identity == null ? null : identity.id();
      Cluster cluster =
          identity != null
              ? Cluster.shared(
                  new SqlLeases(db),
                  new PgSignals(db, settings.jdbcUrl(), settings.dbUser(), settings.dbPassword(), node),
                  subscriptions,
                  node,
                  NodeIdentity.hostName() + ":" + settings.port(),
                  Duration.ofSeconds(settings.leaseSeconds()),
                  metrics,
                  failure::complete)
              : Cluster.alone(subscriptions);
      SqlDeliveries deliveries = new SqlDeliveries(db, node);
      SubscriptionIndex index = new SubscriptionIndex(subscriptions.listEnabled());
      // The engine asks apps, made after it, whether a token's user may hear an event.
      DeferredAudience audience = new DeferredAudience();
      RelayHub relay = new RelayHub();
      OperationalEvents ops = new OperationalEvents(clock);
      SqlApps appStore = new SqlApps(db, secrets);
      SigningKeys signingKeys = new SigningKeys(new SqlSigningKeys(db, secrets), clock);
      engine =
          new Engine(
              deliveries,
              index,
              ops,
              audience,
              relay,
              settings.brand(),
              Version.current(),
              settings.allowPrivateTargets(),
              Duration.ofDays(settings.retentionDays()),
              clock,
              cluster,
              signingKeys);
      PublishEvents publisher =
          new PublishEvents(
              catalog,
              eventLog,
              index,
              engine::offer,
              settings.autoEventTypes(),
              settings.publishQueueEvents(),
              clock,
              metrics,
              // SQLite has one writer: outcomes ride in the publish commits instead of competing
              db.dialect().shared() ? null : engine.outcomeWrites());
      ops.connect(publisher);
      Webhooks webhooks = new Webhooks(subscriptions, catalog, engine, clock);
      BroadcastReceivers receivers = new BroadcastReceivers(subscriptions, catalog, engine, clock);
      Apps apps = new Apps(appStore, catalog, engine, clock);
      audience.set(apps);
      ChannelSubscriptions channels =
          new ChannelSubscriptions(subscriptions, catalog, engine, clock, settings.allowHttpCallbacks());
      Watches watches = new Watches(subscriptions, engine, clock);
      SqlBroadcasts broadcastStore = new SqlBroadcasts(db);
      engine.start();
      FunctionCounter.builder("crier.outcomes.parked", engine, Engine::parkedOutcomes)
          .description("delivery outcomes the database refused even alone, set aside (see the log)")
          .register(metrics);
      BooleanSupplier writing = engine::healthy;
      broadcasts =
          new FlushBroadcasts(
              broadcastStore, index, audience, settings.brand(), settings.allowPrivateTargets(), clock, cluster.owns());
      HttpApi api =
          new HttpApi(
              new HttpApi.Parts(
                  adminKey,
                  catalog,
                  publisher,
                  eventLog,
                  webhooks,
                  deliveries,
                  new SqlDeliveryStats(db),
                  receivers,
                  broadcastStore,
                  apps,
                  channels,
                  subscriptions,
                  relay,
                  watches,
                  new WatchAliases(settings.watchAliases()),
                  engine,
                  ops,
                  signingKeys,
                  // a stopped committer or outcome writer is logged, and the node stops being ready
                  () -> db.ready() && publisher.healthy() && writing.getAsBoolean(),
                  metrics,
                  clock,
                  settings.maxEventBytes(),
                  settings.maxBodyBytes(),
                  Duration.ofSeconds(settings.headerTimeoutSeconds()),
                  settings.authFailuresPerMinute()));
      api.start("0.0.0.0", settings.port());
      cluster.serving(settings.publicUrl() != null ? settings.publicUrl() : NodeIdentity.hostName() + ":" + api.port());
      log.info("Crier listening on port {} ({})", api.port(), db.dialect());
      return new Crier(settings, db, masterKey, engine, broadcasts, publisher, api, adminKey, identity, failure);
    } catch (RuntimeException e) {
      if (broadcasts != null) broadcasts.close();
      if (engine != null) engine.close();
      masterKey.close();
      db.close();
      if (identity != null) identity.close();
      throw e;
    }
  }

  private static PrometheusMeterRegistry metrics() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmCompilationMetrics().bindTo(registry); // the JIT's time: a cold server's CPU goes there
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    return registry;
  }

  public int port() {
    return api.port();
  }

  /** The URL a person or client on this machine reaches Crier at. */
  public String url() {
    return settings.publicUrl() != null ? settings.publicUrl() : "http://localhost:" + port();
  }

  /** The admin key when this start generated it (to print once), else null. */
  public String generatedAdminKey() {
    return adminKey.generatedNow();
  }

  public List<HttpApi.Route> routes() {
    return api.routes();
  }

  /**
   * Completes, with a one-line reason, when this node must stop on its own: another process took
   * its node id while it ran (it has stopped sending already). {@code crier serve} then exits.
   */
  public CompletableFuture<String> failure() {
    return failure;
  }

  public Database database() {
    return db;
  }

  public Engine engine() {
    return engine;
  }

  @Override
  public void close() {
    api.stop();
    publisher.close();
    broadcasts.close();
    engine.close();
    masterKey.close();
    db.close();
    if (identity != null) identity.close();
  }
}
