package dev.crier.api;

import dev.crier.app.Apps;
import dev.crier.app.ChannelSubscriptions;
import dev.crier.auth.Principal;
import dev.crier.delivery.DeliveryScope;
import dev.crier.event.EventCatalog;
import dev.crier.event.EventType;
import dev.crier.subscription.EventPattern;
import dev.crier.subscription.Subscription;
import dev.crier.subscription.SubscriptionStore;
import io.javalin.http.Context;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;

/** What a caller may see and make: the admin everything, an app token only its own, in scope. */
final class Access {
  private Access() {}

  /** {@code s} when the caller may see it; otherwise the same 404 as for an id that never existed. */
  static Subscription visible(Context ctx, Subscription s, ProblemException notFound) {
    if (!Authenticator.principal(ctx).sees(s)) throw notFound;
    return s;
  }

  /**
   * What a read of the delivery log covers: {@code subscriptionId} when the caller sees it (else
   * the 404 of an id that never existed), or all it may see; never beyond an app token's own.
   */
  static DeliveryScope scope(Context ctx, SubscriptionStore store, String subscriptionId) {
    if (subscriptionId != null) {
      ProblemException notFound = ProblemException.notFound("no subscription with id '" + subscriptionId + "'");
      visible(ctx, store.find(subscriptionId).orElseThrow(() -> notFound), notFound);
    }
    String owner = Authenticator.principal(ctx) instanceof Principal.AppToken token ? token.token().id() : null;
    return new DeliveryScope(subscriptionId, owner);
  }

  static Predicate<Subscription> filter(Context ctx) {
    return Authenticator.principal(ctx)::sees;
  }

  /**
   * For an app token: the target must lie inside the app's URL, and every event type it would
   * hear must be in the token's scope (403 naming the missing scope item).
   */
  static void tokenMayUse(Context ctx, String url, String field, Collection<EventType> types) {
    if (!(Authenticator.principal(ctx) instanceof Principal.AppToken token)) return;
    if (url != null && !url.startsWith("relay:")) {
      Apps.outsideApp(token.app(), url)
          .ifPresent(reason -> {
            throw ProblemException.validation(List.of(new FieldError(field, reason)));
          });
    }
    ChannelSubscriptions.requireScope(token.token(), types);
  }

  /** The declared types any of these patterns hears. */
  static List<EventType> heardBy(EventCatalog catalog, Collection<String> patterns) {
    List<EventPattern> parsed =
        patterns.stream().filter(p -> EventPattern.problem(p).isEmpty()).map(EventPattern::new).toList();
    return catalog.list().stream().filter(t -> parsed.stream().anyMatch(p -> p.matches(t.name()))).toList();
  }

  /** The declared types whose subjects are these subject types. */
  static List<EventType> ofSubjects(EventCatalog catalog, Collection<String> subjects) {
    return catalog.list().stream().filter(t -> subjects.contains(t.resource())).toList();
  }
}
