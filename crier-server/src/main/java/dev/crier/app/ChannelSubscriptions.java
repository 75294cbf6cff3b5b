package dev.crier.app;

import dev.crier.event.EventCatalog;
import dev.crier.event.EventType;
import dev.crier.subscription.EndpointUrl;
import dev.crier.subscription.EventPattern;
import dev.crier.subscription.InvalidSubscriptionException;
import dev.crier.subscription.InvalidSubscriptionException.Problem;
import dev.crier.subscription.Kind;
import dev.crier.subscription.Owner;
import dev.crier.subscription.RetrySchedule;
import dev.crier.subscription.Secrets;
import dev.crier.subscription.SignatureScheme;
import dev.crier.subscription.Status;
import dev.crier.subscription.Subscription;
import dev.crier.subscription.SubscriptionListener;
import dev.crier.subscription.SubscriptionStore;
import dev.crier.subscription.Webhooks;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * SalesKing-style channel subscriptions: one channel ({@code client.create}) and a callback,
 * tied to an app token. The token's scope decides which channels it may hear; the callback must
 * be https (unless allowed otherwise) and lie inside the app's URL.
 */
public final class ChannelSubscriptions {
  private final SubscriptionStore store;
  private final EventCatalog catalog;
  private final SubscriptionListener listener;
  private final Clock clock;
  private final boolean allowHttp;
  private final dev.crier.event.EventIds ids;

  public ChannelSubscriptions(
      SubscriptionStore store, EventCatalog catalog, SubscriptionListener listener, Clock clock, boolean allowHttp) {
    this.store = store;
    this.catalog = catalog;
    this.listener = listener;
    this.clock = clock;
    this.allowHttp = allowHttp;
    this.ids = new dev.crier.event.EventIds(clock);
  }

  public Subscription create(Token token, App app, String channel, String callbackUrl) {
    check(token, app, channel, callbackUrl, true);
    Instant now = now();
    Subscription s =
        new Subscription(ids.next("sub_"), Kind.CHANNEL, channel, callbackUrl, List.of(new EventPattern(channel)), null,
            SignatureScheme.SIGNED_REQUEST, true, 1, RetrySchedule.DEFAULT, Webhooks.DEFAULT_TIMEOUT, Status.ACTIVE,
            Secrets.of(app.secret()), new Owner(token.id(), app.id(), token.account()), List.of(), null, null, now, now);
    store.create(s);
    listener.created(s);
    return s;
  }

  public Subscription update(Subscription current, Token token, App app, String channel, String callbackUrl) {
    check(token, app, channel, callbackUrl, false);
    Instant now = now();
    // onto the row as stored (its status, its secret), so a concurrent change is kept
    Subscription updated =
        store.change(current.id(), now, s -> {
              String newChannel = channel != null ? channel : s.name();
              return new Subscription(s.id(), s.kind(), newChannel, callbackUrl != null ? callbackUrl : s.url(),
                  List.of(new EventPattern(newChannel)), null, s.signature(), true, 1, s.retrySchedule(),
                  s.timeout(), s.status(), s.secrets(), s.owner(), List.of(), null, null, s.createdAt(), now);
            })
            .orElseThrow(() -> new IllegalStateException("subscription " + current.id() + " vanished"));
    listener.changed(updated);
    return updated;
  }

  /** Deletes it; its open deliveries end as cancelled in the same commit. */
  public boolean delete(Subscription s) {
    boolean deleted = store.delete(s.id(), now());
    if (deleted) listener.removed(s.id());
    return deleted;
  }

  private void check(Token token, App app, String channel, String callbackUrl, boolean creating) {
    List<Problem> problems = new ArrayList<>();
    if (creating && channel == null) problems.add(new Problem("channel", "is required"));
    if (creating && callbackUrl == null) problems.add(new Problem("callback_url", "is required"));
    Optional<EventType> type = Optional.empty();
    if (channel != null) {
      type = catalog.find(channel);
      if (type.isEmpty()) problems.add(new Problem("channel", "'" + channel + "' is not an available channel; see /api/subs/channels"));
    }
    if (callbackUrl != null) callbackProblem(app, callbackUrl).ifPresent(r -> problems.add(new Problem("callback_url", r)));
    if (!problems.isEmpty()) throw new InvalidSubscriptionException(problems);
    type.ifPresent(t -> requireScope(token, List.of(t)));
  }

  /** Why a token's callback cannot be used: not https (unless allowed), or outside the app's URL. */
  public Optional<String> callbackProblem(App app, String url) {
    Optional<String> basic = EndpointUrl.problem(url);
    if (basic.isPresent()) return basic;
    if (!allowHttp && !"https".equalsIgnoreCase(URI.create(url).getScheme())) {
      return Optional.of("must be https (set CRIER_ALLOW_HTTP_CALLBACKS=true to allow http for development)");
    }
    return Apps.outsideApp(app, url);
  }

  /** Refuses, with 403, event types the token's scope does not grant; names the missing item. */
  public static void requireScope(Token token, Collection<EventType> types) {
    for (EventType t : types) {
      String scopeName = Scope.nameFor(t.resource(), t.scope());
      if (!token.scope().allows(t.name(), scopeName)) {
        throw new OutOfScopeException(
            "the token's scope does not include '" + Scope.needed(t.name(), scopeName) + "' (or '" + scopeName + "'), needed for " + t.name());
      }
    }
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
