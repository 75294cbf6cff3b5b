package dev.crier.storage;

import dev.crier.secrets.SecretBox;
import dev.crier.subscription.DataFilter;
import dev.crier.subscription.EventPattern;
import dev.crier.subscription.InvalidSubscriptionException;
import dev.crier.subscription.Kind;
import dev.crier.subscription.Owner;
import dev.crier.subscription.OwnerRevokedException;
import dev.crier.subscription.RetrySchedule;
import dev.crier.subscription.Secrets;
import dev.crier.subscription.SignatureScheme;
import dev.crier.subscription.Status;
import dev.crier.subscription.Subscription;
import dev.crier.subscription.SubscriptionStore;
import dev.crier.subscription.Transition;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.Update;

/** Subscriptions in the {@code subscriptions} table, secrets sealed by the {@link SecretBox}. */
public final class SqlSubscriptions implements SubscriptionStore {
  private static final String COLUMNS =
      "id, kind, name, url, events, filter, signature, ordered, max_in_flight, retry_schedule,"
          + " timeout_ms, status, secret, previous_secret, previous_secret_expires_at, owner, owner_app, owner_account,"
          + " subjects, interval_ms, pattern, created_at, updated_at";

  private final Database db;
  private final SecretBox box;

  public SqlSubscriptions(Database db, SecretBox box) {
    this.db = db;
    this.box = box;
  }

  @Override
  public void create(Subscription s) {
    db.inTransaction(h -> insert(h, s));
  }

  @Override
  public Optional<String> createUnlessRefused(
      Subscription s, String lockName, Function<List<Subscription>, Optional<String>> refusal) {
    return db.inTransaction(
        h -> {
          // The upsert takes the lock row's write lock until commit: a second transaction for the
          // same name waits here, then reads what the first one wrote.
          h.createUpdate(
                  "INSERT INTO locks (name) VALUES (:name)"
                      + " ON CONFLICT (name) DO UPDATE SET name = excluded.name")
              .bind("name", lockName)
              .execute();
          Optional<String> refused = refusal.apply(listByUrl(h, s.kind(), s.url()));
          if (refused.isEmpty()) insert(h, s);
          return refused;
        });
  }

  private int insert(Handle h, Subscription s) {
    int inserted = insertRow(h, s);
    claimRelayName(h, s);
    requireLiveOwner(h, s);
    return inserted;
  }

  /**
   * Checked after the insert, in its transaction: a revoke (or an app's deletion) that commits
   * first is seen here and the insert rolls back; one that commits after finds the row and
   * deletes it. PostgreSQL's FOR SHARE makes a concurrent revoke wait for this commit, since
   * READ COMMITTED alone would let it miss a row not yet committed.
   */
  private void requireLiveOwner(Handle h, Subscription s) {
    if (s.owner() == null) return;
    String lock = db.dialect() == Dialect.POSTGRESQL ? " FOR SHARE OF t, a" : "";
    boolean live =
        h.createQuery(
                "SELECT t.id FROM tokens t JOIN apps a ON a.id = t.app_id"
                    + " WHERE t.id = :token AND t.app_id = :app AND t.revoked_at IS NULL" + lock)
            .bind("token", s.owner().token())
            .bind("app", s.owner().app())
            .mapTo(String.class)
            .findOne()
            .isPresent();
    if (!live) throw new OwnerRevokedException("the token was revoked (or its app deleted) while the subscription was being made; nothing was kept");
  }

  /**
   * A relay name belongs to the first account that uses it, for good ('' for the admin's own):
   * claimed in the transaction that writes the webhook, so two nodes cannot both claim it.
   */
  private static void claimRelayName(Handle h, Subscription s) {
    if (s.kind() != Kind.WEBHOOK || s.url() == null || !s.url().startsWith("relay:")) return;
    String name = s.url().substring("relay:".length());
    String account = s.owner() == null ? "" : s.owner().account();
    h.createUpdate("INSERT INTO relay_names (name, account, claimed_at) VALUES (:name, :account, :at) ON CONFLICT (name) DO NOTHING")
        .bind("name", name)
        .bind("account", account)
        .bind("at", s.updatedAt().toEpochMilli())
        .execute();
    String holder = h.createQuery("SELECT account FROM relay_names WHERE name = :name").bind("name", name).mapTo(String.class).one();
    if (!holder.equals(account)) {
      throw new InvalidSubscriptionException(
          List.of(new InvalidSubscriptionException.Problem("url", "the relay name '" + name + "' belongs to another account; choose another")));
    }
  }

  @Override
  public Optional<String> relayAccount(String name) {
    return db.withHandle(
        h -> h.createQuery("SELECT account FROM relay_names WHERE name = :name").bind("name", name).mapTo(String.class).findOne());
  }

  private int insertRow(Handle h, Subscription s) {
    return bindFields(
            h.createUpdate(
                "INSERT INTO subscriptions (" + COLUMNS + ", next_seq) VALUES (:id, :kind,"
                    + " :name, :url, :events, :filter, :signature, :ordered, :max_in_flight,"
                    + " :retry_schedule, :timeout_ms, :status, :secret, :previous_secret,"
                    + " :previous_secret_expires_at, :owner, :owner_app, :owner_account, :subjects, :interval_ms,"
                    + " :pattern,"
                    + " :created_at, :updated_at, 0)"),
            s)
        .bind("status", s.status().wire())
        .bind("secret", box.seal(s.secrets().current()))
        .bind("previous_secret", box.seal(s.secrets().previous()))
        .bind("previous_secret_expires_at", millis(s.secrets().previousExpiresAt()))
        .bind("owner", s.owner() == null ? null : s.owner().token())
        .bind("owner_app", s.owner() == null ? null : s.owner().app())
        .bind("owner_account", s.owner() == null ? null : s.owner().account())
        .bind("pattern", s.pattern())
        .bind("created_at", s.createdAt().toEpochMilli())
        .execute();
  }

  private static Update bindFields(Update update, Subscription s) {
    return update
        .bind("id", s.id())
        .bind("kind", s.kind().wire())
        .bind("name", s.name())
        .bind("url", s.url())
        .bind("events", Json.MAPPER.writeValueAsString(s.events().stream().map(EventPattern::text).toList()))
        .bind("filter", s.filter() == null ? null : s.filter().text())
        .bind("signature", s.signature().wire())
        .bind("ordered", s.ordered() ? 1 : 0)
        .bind("max_in_flight", s.maxInFlight())
        .bind(
            "retry_schedule",
            Json.longList(s.retrySchedule().delays().stream().map(Duration::toMillis).toList()))
        .bind("timeout_ms", s.timeout().toMillis())
        .bind("subjects", Json.stringList(s.subjects()))
        .bind("interval_ms", s.interval() == null ? null : s.interval().toMillis())
        .bind("updated_at", s.updatedAt().toEpochMilli());
  }

  @Override
  public long nextNumber(Kind kind) {
    // Broadcast receivers and watches share the id column, so they share one counter: two kinds
    // can never be handed the same number, however concurrent their creations.
    return db.inTransaction(
        h ->
            h.createQuery("UPDATE counters SET value = value + 1 WHERE name = 'broadcast' RETURNING value")
                .mapTo(Long.class)
                .one());
  }

  @Override
  public Optional<Subscription> find(String id) {
    return db.withHandle(h -> find(h, id));
  }

  private Optional<Subscription> find(Handle h, String id) {
    return h.createQuery("SELECT " + COLUMNS + " FROM subscriptions WHERE id = :id").bind("id", id).map(this::row).findOne();
  }

  @Override
  public List<Subscription> list(Kind kind) {
    return db.withHandle(
        h ->
            h.createQuery(
                    "SELECT " + COLUMNS + " FROM subscriptions WHERE kind = :kind ORDER BY created_at, id")
                .bind("kind", kind.wire())
                .map(this::row)
                .list());
  }

  @Override
  public List<Subscription> listByUrl(Kind kind, String url) {
    return db.withHandle(h -> listByUrl(h, kind, url));
  }

  private List<Subscription> listByUrl(Handle h, Kind kind, String url) {
    return h.createQuery(
            "SELECT " + COLUMNS + " FROM subscriptions WHERE kind = :kind AND url = :url ORDER BY created_at, id")
        .bind("kind", kind.wire())
        .bind("url", url)
        .map(this::row)
        .list();
  }

  @Override
  public List<Subscription> listEnabled() {
    return db.withHandle(
        h ->
            h.createQuery("SELECT " + COLUMNS + " FROM subscriptions WHERE status <> 'disabled'")
                .map(this::row)
                .list());
  }

  @Override
  public java.util.Map<String, Instant> versions() {
    return db.withHandle(
        h -> {
          java.util.Map<String, Instant> versions = new java.util.HashMap<>();
          h.createQuery("SELECT id, updated_at FROM subscriptions WHERE status <> 'disabled'")
              .map((rs, ctx) -> java.util.Map.entry(rs.getString("id"), Instant.ofEpochMilli(rs.getLong("updated_at"))))
              .forEach(e -> versions.put(e.getKey(), e.getValue()));
          return versions;
        });
  }

  @Override
  public boolean delete(String id, Instant now) {
    return transition(id, Transition.DELETE, now).isPresent();
  }

  @Override
  public Optional<Subscription> transition(String id, Transition t, Instant now) {
    return db.inTransaction(
        h -> {
          Optional<Subscription> before = t == Transition.DELETE ? find(h, id) : Optional.empty();
          if (Transitions.apply(h, id, t, now).isEmpty()) return Optional.<Subscription>empty();
          return t == Transition.DELETE ? before : find(h, id);
        });
  }

  @Override
  public Optional<Subscription> change(String id, Instant now, UnaryOperator<Subscription> change) {
    return db.inTransaction(
        h -> {
          // the row's lock first, so the change applies to the row as it is stored now and a
          // concurrent change (a PATCH beside a rotation) waits and then applies to this one's result
          if (h.createUpdate("UPDATE subscriptions SET updated_at = updated_at WHERE id = :id").bind("id", id).execute() != 1) {
            return Optional.<Subscription>empty();
          }
          Subscription stored = find(h, id).orElseThrow();
          Subscription changed = change.apply(stored);
          claimRelayName(h, changed);
          bindFields(
                  h.createUpdate(
                      "UPDATE subscriptions SET name = :name, url = :url, events = :events,"
                          + " filter = :filter, signature = :signature, ordered = :ordered,"
                          + " max_in_flight = :max_in_flight, retry_schedule = :retry_schedule,"
                          + " timeout_ms = :timeout_ms, subjects = :subjects, interval_ms = :interval_ms,"
                          + " secret = :secret, previous_secret = :previous, previous_secret_expires_at = :expires,"
                          + " updated_at = " + Transitions.BUMP + " WHERE id = :id"),
                  changed)
              .bind("secret", box.seal(changed.secrets().current()))
              .bind("previous", box.seal(changed.secrets().previous()))
              .bind("expires", millis(changed.secrets().previousExpiresAt()))
              .bind("now", now.toEpochMilli())
              .execute();
          return find(h, id);
        });
  }

  private Subscription row(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Subscription(
        rs.getString("id"),
        Kind.parse(rs.getString("kind")),
        rs.getString("name"),
        rs.getString("url"),
        Json.parseStringList(rs.getString("events")).stream().map(EventPattern::new).toList(),
        DataFilter.parse(rs.getString("filter")).orElse(null),
        SignatureScheme.parse(rs.getString("signature")).orElseThrow(),
        rs.getInt("ordered") == 1,
        rs.getInt("max_in_flight"),
        new RetrySchedule(Json.parseLongList(rs.getString("retry_schedule")).stream().map(Duration::ofMillis).toList()),
        Duration.ofMillis(rs.getLong("timeout_ms")),
        Status.parse(rs.getString("status")),
        new Secrets(
            box.open(rs.getString("secret")),
            box.open(rs.getString("previous_secret")),
            instant(rs, "previous_secret_expires_at")),
        rs.getString("owner") == null
            ? null
            : new Owner(rs.getString("owner"), rs.getString("owner_app"), rs.getString("owner_account")),
        Json.parseStringList(rs.getString("subjects")),
        rs.getObject("interval_ms") == null ? null : Duration.ofMillis(rs.getLong("interval_ms")),
        rs.getString("pattern"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("updated_at")));
  }

  static Long millis(Instant instant) {
    return instant == null ? null : instant.toEpochMilli();
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(value);
  }
}
