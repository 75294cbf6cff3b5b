package dev.crier.delivery;

import dev.crier.subscription.Subscription;

/**
 * One delivery in flight, in {@code sub_seq} order. A failure is retried on the schedule while
 * later deliveries wait behind it; when the schedule is exhausted the subscription halts.
 */
final class OrderedLane extends Lane {

  OrderedLane(Engine engine, Subscription subscription) {
    super(engine, subscription);
  }

  @Override
  protected boolean step() {
    PendingDelivery d = window.peek();
    if (d == null) return false;
    if (d.dueNanos() > nanos()) return false;
    if (leaseLeft() == null) return false;
    Subscription s = subscription;
    int number = d.attempts() + 1;
    Attempt attempt = engine.send().attempt(s, d, number, false, this::sendableFor);
    if (attempt == null) return leaseLeft() != null; // the lease ran short before sending: check it again
    Outcome.Next next = engine.judge(s, d, attempt);
    window.poll();
    switch (next) {
      case Outcome.Next.Done done -> {}
      case Outcome.Next.Retry retry -> window.addFirst(retry.delivery());
      case Outcome.Next.Stop stop -> stopped = true;
    }
    return true;
  }

  @Override
  protected Long nextWake() {
    PendingDelivery head = window.peek();
    return head == null ? null : head.dueNanos();
  }
}
