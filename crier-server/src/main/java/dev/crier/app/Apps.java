package dev.crier.app;

import dev.crier.delivery.Audience;
import dev.crier.event.EventCatalog;
import dev.crier.event.EventType;
import dev.crier.event.EventTypeName;
import dev.crier.event.EventIds;
import dev.crier.subscription.EndpointUrl;
import dev.crier.subscription.InvalidSubscriptionException;
import dev.crier.subscription.InvalidSubscriptionException.Problem;
import dev.crier.subscription.Subscription;
import dev.crier.subscription.Secrets;
import dev.crier.subscription.SubscriptionListener;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Apps and their access tokens: registering apps, issuing tokens (shown once, stored hashed),
 * revoking them (with every subscription made with them), and answering, at delivery time,
 * whether a token's user may still hear an event.
 */
public final class Apps implements Audience {
  private static final Duration CACHE = Duration.ofSeconds(2);

  /** A token as issued: the record, and the token itself, shown this once. */
  public record Issued(Token token, String plain) {}

  private record Cached(Optional<Token> token, Instant at) {}

  private record ScopeName(String name, Instant at) {}

  private final AppStore store;
  private final SubscriptionListener listener;
  private final Clock clock;
  private final EventIds ids;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Cached> tokens = new ConcurrentHashMap<>();
  private final Map<String, ScopeName> scopeNames = new ConcurrentHashMap<>();
  private final EventCatalog catalog;

  public Apps(AppStore store, EventCatalog catalog, SubscriptionListener listener, Clock clock) {
    this.store = store;
    this.catalog = catalog;
    this.listener = listener;
    this.clock = clock;
    this.ids = new EventIds(clock);
  }

  public App create(String name, String url) {
    List<Problem> problems = new ArrayList<>();
    if (name == null || name.isBlank()) problems.add(new Problem("name", "is required"));
    if (url == null) problems.add(new Problem("url", "is required"));
    else EndpointUrl.problem(url).ifPresent(r -> problems.add(new Problem("url", r)));
    if (!problems.isEmpty()) throw new InvalidSubscriptionException(problems);
    Instant now = now();
    App app = new App(ids.next("app_"), name, url, Secrets.randomHex(), now, now);
    store.createApp(app);
    return app;
  }

  public App update(App app, String name, String url) {
    List<Problem> problems = new ArrayList<>();
    if (name != null && name.isBlank()) problems.add(new Problem("name", "must not be blank"));
    if (url != null) EndpointUrl.problem(url).ifPresent(r -> problems.add(new Problem("url", r)));
    if (!problems.isEmpty()) throw new InvalidSubscriptionException(problems);
    App updated = new App(app.id(), name != null ? name : app.name(), url != null ? url : app.url(), app.secret(), app.createdAt(), now());
    store.updateApp(updated);
    return updated;
  }

  public App rotateSecret(App app) {
    App rotated = new App(app.id(), app.name(), app.url(), Secrets.randomHex(), app.createdAt(), now());
    store.updateApp(rotated);
    return rotated;
  }

  public Optional<App> find(String id) {
    return store.findApp(id);
  }

  public List<App> list() {
    return store.listApps();
  }

  public boolean delete(String id) {
    Optional<List<String>> removed = store.deleteApp(id, now());
    removed.ifPresent(subs -> subs.forEach(listener::removed));
    tokens.clear();
    return removed.isPresent();
  }

  public Issued issue(
      App app, String account, String userId, String subDomain, String scope, List<String> permissions, Instant expiresAt) {
    List<Problem> problems = new ArrayList<>();
    if (account == null || account.isBlank()) problems.add(new Problem("account", "is required"));
    Scope parsed = null;
    if (scope == null) {
      problems.add(new Problem("scope", "is required"));
    } else {
      try {
        parsed = Scope.parse(scope);
      } catch (IllegalArgumentException e) {
        problems.add(new Problem("scope", e.getMessage()));
      }
    }
    if (expiresAt != null && !expiresAt.isAfter(clock.instant())) problems.add(new Problem("expires_at", "must be in the future"));
    if (!problems.isEmpty()) throw new InvalidSubscriptionException(problems);
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String plain = "crt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Instant now = now();
    Token token = new Token(ids.next("tok_"), app.id(), plain, account, userId, subDomain, parsed, permissions, expiresAt, null, now, now);
    store.createToken(token, hash(plain));
    return new Issued(token, plain);
  }

  /** The active token this bearer string is, if any. */
  public Optional<Token> authenticate(String plain) {
    return store.findTokenByHash(hash(plain)).filter(t -> t.activeAt(clock.instant()));
  }

  public Optional<Token> token(String id) {
    return store.findToken(id);
  }

  public List<Token> tokens(String appId) {
    return store.listTokens(appId);
  }

  /** Revokes a token and deletes every subscription made with it. */
  public boolean revoke(String tokenId) {
    Optional<List<String>> removed = store.revoke(tokenId, now());
    tokens.remove(tokenId);
    removed.ifPresent(subs -> subs.forEach(listener::removed));
    return removed.isPresent();
  }

  public boolean setPermissions(String tokenId, List<String> permissions) {
    boolean changed = store.setPermissions(tokenId, permissions, now());
    tokens.remove(tokenId);
    return changed;
  }

  /**
   * Refuses a callback outside the app's URL (same scheme, host and port; path under its path).
   * Crier sends a URL as written, so a path the receiver may resolve differently from this check
   * (dot segments, encoded or back slashes) is refused outright rather than normalised and let
   * through; what is left is normalised (RFC 3986) before the prefix is compared.
   */
  public static Optional<String> outsideApp(App app, String url) {
    URI base = URI.create(app.url()).normalize();
    URI target;
    try {
      target = new URI(url);
    } catch (URISyntaxException e) {
      return Optional.of(url.indexOf('\\') >= 0 ? "must not contain a backslash" : "is not a valid URL");
    }
    Optional<String> ambiguous = ambiguousPath(target.getRawPath());
    if (ambiguous.isPresent()) return ambiguous;
    target = target.normalize();
    String basePath = base.getPath() == null || base.getPath().isEmpty() ? "/" : base.getPath();
    String path = target.getPath() == null || target.getPath().isEmpty() ? "/" : target.getPath();
    boolean inside =
        base.getScheme().equalsIgnoreCase(String.valueOf(target.getScheme()))
            && base.getHost().equalsIgnoreCase(String.valueOf(target.getHost()))
            && port(base) == port(target)
            && (path.equals(basePath) || path.startsWith(basePath.endsWith("/") ? basePath : basePath + "/"));
    return inside ? Optional.empty() : Optional.of("must lie inside the app's URL " + app.url());
  }

  /** Why a raw path could climb out of a prefix at the receiver, or empty when it cannot. */
  private static Optional<String> ambiguousPath(String rawPath) {
    if (rawPath == null || rawPath.isEmpty()) return Optional.empty();
    String lower = rawPath.toLowerCase(java.util.Locale.ROOT);
    if (lower.contains("%2f") || lower.contains("%5c")) {
      return Optional.of("must not contain an encoded slash or backslash (%2F, %5C) in its path");
    }
    for (String segment : lower.split("/", -1)) {
      String decoded = segment.replace("%2e", ".");
      if (decoded.equals(".") || decoded.equals("..")) return Optional.of("must not contain dot segments ('.' or '..') in its path");
    }
    return Optional.empty();
  }

  private static int port(URI uri) {
    if (uri.getPort() != -1) return uri.getPort();
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  @Override
  public Optional<String> refusal(Subscription s, String eventType, List<String> requiredPermissions) {
    if (s.owner() == null) return Optional.empty();
    Optional<Token> token = cachedToken(s.owner().token());
    if (token.isEmpty() || !token.get().activeAt(clock.instant())) {
      return Optional.of("not sent: the subscription's token was revoked or has expired");
    }
    // Scope is checked when a subscription is made, but a watch hears any type on its path and a
    // pattern such as '*' also matches types declared later: the scope must hold for each event.
    if (!eventType.startsWith("crier.")) {
      String scopeName = scopeNameOf(eventType);
      if (!token.get().scope().allows(eventType, scopeName)) {
        return Optional.of("not sent: the token's scope does not include '" + Scope.needed(eventType, scopeName) + "' (or '" + scopeName + "')");
      }
    }
    List<String> missing = new ArrayList<>(requiredPermissions);
    missing.removeAll(token.get().permissions());
    if (!missing.isEmpty()) {
      return Optional.of("not sent: the token's user lacks the permission " + String.join(", ", missing));
    }
    return Optional.empty();
  }

  @Override
  public Optional<Channel> channel(Subscription s) {
    if (s.owner() == null) return Optional.empty();
    Optional<Token> token = cachedToken(s.owner().token());
    Optional<App> app = store.findApp(s.owner().app());
    if (token.isEmpty() || app.isEmpty()) return Optional.empty();
    Token t = token.get();
    return Optional.of(new Channel(app.get().secret(), t.account(), t.userId(), t.subDomain(), t.plain(), t.expiresAt()));
  }

  /** The scope name that grants an event type (its declared one, else its resource's plural). */
  private String scopeNameOf(String type) {
    Instant now = Instant.now();
    ScopeName cached = scopeNames.get(type);
    if (cached == null || cached.at.plus(CACHE).isBefore(now)) {
      String declared = catalog.find(type).map(EventType::scope).orElse(null);
      cached = new ScopeName(Scope.nameFor(EventTypeName.resourceOf(type), declared), now);
      scopeNames.put(type, cached);
    }
    return cached.name;
  }

  private Optional<Token> cachedToken(String id) {
    Instant now = Instant.now();
    Cached cached = tokens.get(id);
    if (cached == null || cached.at.plus(CACHE).isBefore(now)) {
      cached = new Cached(store.findToken(id), now);
      tokens.put(id, cached);
    }
    return cached.token;
  }

  static String hash(String plain) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(plain.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
