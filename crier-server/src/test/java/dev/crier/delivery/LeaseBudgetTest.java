package dev.crier.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.event.Event;
import dev.crier.event.Subject;
import dev.crier.subscription.EventPattern;
import dev.crier.subscription.Kind;
import dev.crier.subscription.RetrySchedule;
import dev.crier.subscription.Secrets;
import dev.crier.subscription.SignatureScheme;
import dev.crier.subscription.Status;
import dev.crier.subscription.Subscription;
import dev.crier.testing.Receiver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The lease fence covers the whole attempt: the time a lease allows is asked just before the
 * request goes out, after the audience check, so a node that lost its lease while it checked
 * who may hear sends nothing (and writes no verdict).
 */
class LeaseBudgetTest {
  @Test
  void aLeaseLostDuringTheAudienceCheckMeansNothingIsSent() {
    try (Receiver receiver = Receiver.start(); SendAttempt sender = new SendAttempt(true)) {
      AtomicBoolean held = new AtomicBoolean(true);
      // the check is where the time goes (an app token's reads): the lease ends during it
      Audience losesTheLease = audience(held, Optional.empty());
      Supplier<Duration> lease = () -> held.get() ? Duration.ofSeconds(10) : null;
      SendDelivery send = sendDelivery(sender, losesTheLease);

      assertThat(send.attempt(webhook(receiver.url("/fence")), pending(), 1, false, lease)).isNull();
      assertThat(receiver.requests()).isEmpty();

      held.set(true);
      Audience refusesAndLoses = audience(held, Optional.of("the token was revoked"));
      assertThat(sendDelivery(sender, refusesAndLoses).attempt(webhook(receiver.url("/fence")), pending(), 1, false, lease))
          .as("no verdict from a node that lost the lease")
          .isNull();

      held.set(true);
      Attempt sent = sendDelivery(sender, Audience.EVERYONE).attempt(webhook(receiver.url("/fence")), pending(), 1, false, lease);
      assertThat(sent).isNotNull();
      assertThat(receiver.requests()).hasSize(1);
    }
  }

  private static Audience audience(AtomicBoolean held, Optional<String> verdict) {
    return new Audience() {
      @Override
      public Optional<String> refusal(Subscription s, String eventType, List<String> requiredPermissions) {
        held.set(false);
        return verdict;
      }

      @Override
      public Optional<Channel> channel(Subscription s) {
        return Optional.empty();
      }
    };
  }

  private static SendDelivery sendDelivery(SendAttempt sender, Audience audience) {
    Clock clock = Clock.systemUTC();
    // no signing keys: the webhook signs with hmac-sha256, not v1a
    return new SendDelivery(sender, new RelayHub(), new WebhookRequest("Crier", "test", null, clock), audience, clock);
  }

  private static Subscription webhook(String url) {
    Instant now = Instant.now();
    return new Subscription(
        "wh_fence", Kind.WEBHOOK, "fence", url, List.of(new EventPattern("*")), null, SignatureScheme.HMAC_SHA256,
        true, 1, RetrySchedule.DEFAULT, Duration.ofSeconds(10), Status.ACTIVE, Secrets.of("fence-secret"), null,
        List.of(), null, null, now, now);
  }

  private static PendingDelivery pending() {
    Instant now = Instant.now();
    Event event =
        new Event(1, "ev-1", "fence.test", null, new Subject(null, null, null, null), "{}", null, List.of(), now, now);
    return new PendingDelivery("wh_fence", 1, event, 0, now, null);
  }
}
