package dev.crier.delivery;

import dev.crier.subscription.Subscription;
import java.util.List;
import java.util.Optional;

/** An {@link Audience} set after the engine is built (apps need the engine to tell it of revocations). */
public final class DeferredAudience implements Audience {
  private volatile Audience delegate = EVERYONE;

  public void set(Audience audience) {
    this.delegate = audience;
  }

  @Override
  public Optional<String> refusal(Subscription s, String eventType, List<String> requiredPermissions) {
    return delegate.refusal(s, eventType, requiredPermissions);
  }

  @Override
  public Optional<Channel> channel(Subscription s) {
    return delegate.channel(s);
  }
}
