package dev.crier.delivery;

import dev.crier.subscription.Subscription;
import java.time.Duration;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Up to {@code max_in_flight} deliveries at once, each retried on its own schedule; one that
 * exhausts it is marked failed and the subscription keeps going.
 */
final class UnorderedLane extends Lane {
  private record Completion(PendingDelivery delivery, Attempt attempt) {}

  private final PriorityQueue<PendingDelivery> retries =
      new PriorityQueue<>(Comparator.comparingLong(PendingDelivery::dueNanos));
  private final ConcurrentLinkedQueue<Completion> done = new ConcurrentLinkedQueue<>();
  private int inFlight;

  UnorderedLane(Engine engine, Subscription subscription) {
    super(engine, subscription);
  }

  @Override
  protected void accept(PendingDelivery d) {
    PendingDelivery placed = placed(d);
    if (placed.dueNanos() > nanos()) retries.add(placed);
    else window.add(placed);
  }

  @Override
  protected boolean wantsMore() {
    return retries.size() < WINDOW;
  }

  @Override
  protected boolean step() {
    boolean progressed = false;
    Completion completion;
    while ((completion = done.poll()) != null) {
      inFlight--;
      progressed = true;
      Subscription s = subscription;
      if (completion.attempt() == null) { // not sent: the lease ran short first
        retries.add(completion.delivery());
        continue;
      }
      switch (engine.judge(s, completion.delivery(), completion.attempt())) {
        case Outcome.Next.Done ignored -> {}
        case Outcome.Next.Retry retry -> retries.add(retry.delivery());
        case Outcome.Next.Stop ignored -> stopped = true;
      }
    }
    if (stopped) return progressed;
    Subscription s = subscription;
    long now = nanos();
    while (inFlight < s.maxInFlight()) {
      if (leaseLeft() == null) break;
      PendingDelivery next = null;
      if (!retries.isEmpty() && retries.peek().dueNanos() <= now) next = retries.poll();
      else if (!window.isEmpty() && retries.size() < WINDOW) next = window.poll();
      if (next == null) break;
      if (next.dueNanos() > now) {
        retries.add(next);
        continue;
      }
      inFlight++;
      progressed = true;
      send(s, next);
    }
    return progressed;
  }

  private void send(Subscription s, PendingDelivery d) {
    Thread.ofVirtual()
        .start(
            () -> {
              Attempt attempt;
              try {
                attempt = engine.send().attempt(s, d, d.attempts() + 1, false, this::sendableFor);
              } catch (RuntimeException e) {
                attempt =
                    new Attempt(d.attempts() + 1, false, engine.clock().instant(), java.util.List.of(), null,
                        new SendResult.Failed(SendResult.Failed.Kind.CONNECTION, e.toString(), Duration.ZERO));
              }
              done.add(new Completion(d, attempt));
              poke();
            });
  }

  @Override
  protected boolean idle() {
    return super.idle() && inFlight == 0 && retries.isEmpty() && done.isEmpty();
  }

  @Override
  protected Long nextWake() {
    return retries.isEmpty() || inFlight >= subscription.maxInFlight() ? null : retries.peek().dueNanos();
  }

  /**
   * Waits for the attempts still in flight and records their outcomes, so that a lane started
   * after this one (the subscription turned ordered) never sends beside them.
   */
  @Override
  protected void finish() {
    while (inFlight > 0) {
      Completion completion;
      while ((completion = done.poll()) != null) {
        inFlight--;
        // not sent (the lease ran short): it stays pending, and the successor reads it back
        if (completion.attempt() == null) continue;
        engine.judge(subscription, completion.delivery(), completion.attempt()); // a retry is read back from the database
      }
      if (inFlight > 0) sleepUntil(null);
    }
  }
}
