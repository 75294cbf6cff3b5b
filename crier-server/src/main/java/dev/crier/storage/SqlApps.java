package dev.crier.storage;

import dev.crier.app.App;
import dev.crier.app.AppStore;
import dev.crier.app.Scope;
import dev.crier.app.Token;
import dev.crier.secrets.SecretBox;
import dev.crier.subscription.Transition;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/** Apps and tokens in {@code apps} and {@code tokens}; secrets and tokens sealed by the {@link SecretBox}. */
public final class SqlApps implements AppStore {
  private static final String TOKEN_COLUMNS =
      "id, app_id, token_sealed, account, user_id, sub_domain, scope, permissions, expires_at, revoked_at, created_at, updated_at";

  private final Database db;
  private final SecretBox box;

  public SqlApps(Database db, SecretBox box) {
    this.db = db;
    this.box = box;
  }

  @Override
  public void createApp(App app) {
    db.inTransaction(
        h ->
            h.createUpdate("INSERT INTO apps (id, name, url, secret, created_at, updated_at) VALUES (:id, :name, :url, :secret, :c, :u)")
                .bind("id", app.id())
                .bind("name", app.name())
                .bind("url", app.url())
                .bind("secret", box.seal(app.secret()))
                .bind("c", app.createdAt().toEpochMilli())
                .bind("u", app.updatedAt().toEpochMilli())
                .execute());
  }

  @Override
  public boolean updateApp(App app) {
    return db.inTransaction(
        h ->
            h.createUpdate("UPDATE apps SET name = :name, url = :url, secret = :secret, updated_at = :u WHERE id = :id")
                    .bind("id", app.id())
                    .bind("name", app.name())
                    .bind("url", app.url())
                    .bind("secret", box.seal(app.secret()))
                    .bind("u", app.updatedAt().toEpochMilli())
                    .execute()
                == 1);
  }

  @Override
  public Optional<App> findApp(String id) {
    return db.withHandle(h -> h.createQuery("SELECT * FROM apps WHERE id = :id").bind("id", id).map(this::app).findOne());
  }

  @Override
  public List<App> listApps() {
    return db.withHandle(h -> h.createQuery("SELECT * FROM apps ORDER BY created_at, id").map(this::app).list());
  }

  @Override
  public Optional<List<String>> deleteApp(String id, Instant now) {
    return db.inTransaction(
        h -> {
          List<String> subscriptions =
              h.createQuery("SELECT id FROM subscriptions WHERE owner_app = :id").bind("id", id).mapTo(String.class).list();
          deleteSubscriptions(h, subscriptions, now);
          h.createUpdate("DELETE FROM tokens WHERE app_id = :id").bind("id", id).execute();
          int apps = h.createUpdate("DELETE FROM apps WHERE id = :id").bind("id", id).execute();
          return apps == 1 ? Optional.of(subscriptions) : Optional.<List<String>>empty();
        });
  }

  /**
   * Deletes each as {@link Transition#DELETE} does (its open deliveries end cancelled with it), in
   * id order, the order publish commits lock subscription rows in; one deleted meanwhile is gone
   * already.
   */
  private static void deleteSubscriptions(Handle h, List<String> ids, Instant now) {
    for (String id : ids.stream().sorted().toList()) Transitions.apply(h, id, Transition.DELETE, now);
  }

  @Override
  public void createToken(Token t, String hash) {
    db.inTransaction(
        h ->
            h.createUpdate(
                    "INSERT INTO tokens (id, app_id, token_hash, token_sealed, account, user_id, sub_domain, scope,"
                        + " permissions, expires_at, revoked_at, created_at, updated_at) VALUES (:id, :app, :hash,"
                        + " :sealed, :account, :user, :sub, :scope, :permissions, :expires, NULL, :c, :u)")
                .bind("id", t.id())
                .bind("app", t.appId())
                .bind("hash", hash)
                .bind("sealed", box.seal(t.plain()))
                .bind("account", t.account())
                .bind("user", t.userId())
                .bind("sub", t.subDomain())
                .bind("scope", t.scope().text())
                .bind("permissions", Json.MAPPER.writeValueAsString(t.permissions()))
                .bind("expires", SqlSubscriptions.millis(t.expiresAt()))
                .bind("c", t.createdAt().toEpochMilli())
                .bind("u", t.updatedAt().toEpochMilli())
                .execute());
  }

  @Override
  public Optional<Token> findToken(String id) {
    return db.withHandle(
        h -> h.createQuery("SELECT " + TOKEN_COLUMNS + " FROM tokens WHERE id = :id").bind("id", id).map(this::token).findOne());
  }

  @Override
  public Optional<Token> findTokenByHash(String hash) {
    return db.withHandle(
        h ->
            h.createQuery("SELECT " + TOKEN_COLUMNS + " FROM tokens WHERE token_hash = :hash")
                .bind("hash", hash)
                .map(this::token)
                .findOne());
  }

  @Override
  public List<Token> listTokens(String appId) {
    return db.withHandle(
        h ->
            h.createQuery("SELECT " + TOKEN_COLUMNS + " FROM tokens WHERE app_id = :app ORDER BY created_at, id")
                .bind("app", appId)
                .map(this::token)
                .list());
  }

  @Override
  public Optional<List<String>> revoke(String tokenId, Instant now) {
    return db.inTransaction(
        h -> {
          int tokens =
              h.createUpdate("UPDATE tokens SET revoked_at = :now, updated_at = :now WHERE id = :id AND revoked_at IS NULL")
                  .bind("id", tokenId)
                  .bind("now", now.toEpochMilli())
                  .execute();
          if (tokens == 0) return Optional.<List<String>>empty();
          List<String> subscriptions =
              h.createQuery("SELECT id FROM subscriptions WHERE owner = :id").bind("id", tokenId).mapTo(String.class).list();
          deleteSubscriptions(h, subscriptions, now);
          return Optional.of(subscriptions);
        });
  }

  @Override
  public boolean setPermissions(String tokenId, List<String> permissions, Instant now) {
    return db.inTransaction(
        h ->
            h.createUpdate("UPDATE tokens SET permissions = :p, updated_at = :now WHERE id = :id")
                    .bind("id", tokenId)
                    .bind("p", Json.MAPPER.writeValueAsString(permissions))
                    .bind("now", now.toEpochMilli())
                    .execute()
                == 1);
  }

  private App app(ResultSet rs, StatementContext ctx) throws SQLException {
    return new App(
        rs.getString("id"),
        rs.getString("name"),
        rs.getString("url"),
        box.open(rs.getString("secret")),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("updated_at")));
  }

  private Token token(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Token(
        rs.getString("id"),
        rs.getString("app_id"),
        box.open(rs.getString("token_sealed")),
        rs.getString("account"),
        rs.getString("user_id"),
        rs.getString("sub_domain"),
        Scope.parse(rs.getString("scope")),
        Json.parseStringList(rs.getString("permissions")),
        SqlSubscriptions.instant(rs, "expires_at"),
        SqlSubscriptions.instant(rs, "revoked_at"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("updated_at")));
  }
}
