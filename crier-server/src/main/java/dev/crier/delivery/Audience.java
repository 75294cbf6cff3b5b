package dev.crier.delivery;

import dev.crier.event.Event;
import dev.crier.subscription.Subscription;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Who a subscription made with an app token speaks to, checked at delivery time: whether the
 * token still holds, whether its user may see the event, and what a channel subscription's
 * signed_request carries.
 */
public interface Audience {

  /** Why this event must not be sent to this subscription now, or empty when it may be. */
  default Optional<String> refusal(Subscription s, Event event) {
    return refusal(s, event.type(), event.requiredPermissions());
  }

  /**
   * Why an event of this type, needing these permissions, must not be sent to this subscription
   * now (a broadcast knows only its subject's last event type).
   */
  Optional<String> refusal(Subscription s, String eventType, List<String> requiredPermissions);

  /** For a channel subscription: the app secret and token facts its signed_request needs. */
  Optional<Channel> channel(Subscription s);

  /** What fills and signs a signed_request. */
  record Channel(
      String appSecret, String account, String userId, String subDomain, String accessToken, Instant expiresAt) {
    @Override
    public String toString() {
      return "Channel[account " + account + ", user " + userId + "]";
    }
  }

  Audience EVERYONE =
      new Audience() {
        @Override
        public Optional<String> refusal(Subscription s, String eventType, List<String> requiredPermissions) {
          return Optional.empty();
        }

        @Override
        public Optional<Channel> channel(Subscription s) {
          return Optional.empty();
        }
      };
}
