package dev.crier.event;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Publishing: checks that every event's type is declared, gives ids to events that have none,
 * and hands them to the group committer; returns only once they are durably stored.
 */
public final class PublishEvents implements AutoCloseable {
  private static final long COMMIT_WAIT_SECONDS = 30;

  /** The outcome of a publish: one receipt per event, and whether it was a pure retry. */
  public record Published(List<Receipt> receipts, boolean replayed) {}

  private final EventCatalog catalog;
  private final FanOut fanOut;
  private final boolean declareOnTheFly;
  private final EventIds ids;
  private final CommitPublications committer;
  private final Counter published;

  public PublishEvents(
      EventCatalog catalog,
      EventLog eventLog,
      FanOut fanOut,
      Consumer<List<Dispatch>> afterCommit,
      boolean declareOnTheFly,
      int queueCapacity,
      Clock clock,
      MeterRegistry meters,
      CommitRider rider) {
    this.catalog = catalog;
    this.fanOut = fanOut;
    this.declareOnTheFly = declareOnTheFly;
    this.ids = new EventIds(clock);
    this.committer = new CommitPublications(eventLog, afterCommit, clock, queueCapacity, meters, rider);
    this.published =
        Counter.builder("crier.events.published")
            .description("events accepted and durably stored")
            .register(meters);
  }

  /**
   * Stores the events, all or none, and returns once they are committed.
   *
   * @throws UnknownEventTypesException when a type is not declared
   * @throws IdempotencyConflictException when an id was used before for different content
   * @throws OverloadedException when the commit queue is full
   */
  public Published publish(List<NewEvent> events) {
    requireDeclared(events);
    List<NewEvent> withIds = new ArrayList<>(events.size());
    List<FanOut.Targets> targets = new ArrayList<>(events.size());
    for (NewEvent event : events) {
      withIds.add(event.id() != null ? event : withId(event));
      targets.add(fanOut.targets(event));
    }
    return commit(new Publication(withIds, targets), events.size());
  }

  /**
   * Publishes one event to one subscription only, through the normal path (a ping: it queues
   * behind that subscription's other deliveries, signed and retried like them).
   */
  public Published publishTo(NewEvent event, String subscriptionId) {
    requireDeclared(List.of(event));
    NewEvent withId = event.id() != null ? event : withId(event);
    return commit(new Publication(List.of(withId), List.of(FanOut.Targets.deliveryTo(subscriptionId))), 1);
  }

  private Published commit(Publication publication, int count) {
    CommitResult result = await(committer.submit(publication));
    return switch (result) {
      case CommitResult.Conflict conflict -> throw new IdempotencyConflictException(conflict.id());
      case CommitResult.Accepted accepted -> {
        if (!accepted.replayed()) published.increment(count);
        yield new Published(accepted.receipts(), accepted.replayed());
      }
    };
  }

  private void requireDeclared(List<NewEvent> events) {
    Set<String> types = new LinkedHashSet<>();
    for (NewEvent event : events) types.add(event.type());
    List<String> undeclared = catalog.undeclared(types);
    if (undeclared.isEmpty()) return;
    if (declareOnTheFly) {
      for (String type : undeclared) catalog.declare(type, "");
      return;
    }
    List<UnknownEventTypesException.Offender> offenders = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      if (undeclared.contains(events.get(i).type())) {
        offenders.add(new UnknownEventTypesException.Offender(i, events.get(i).type()));
      }
    }
    throw new UnknownEventTypesException(offenders);
  }

  private NewEvent withId(NewEvent event) {
    return new NewEvent(
        ids.next(),
        event.type(),
        event.account(),
        event.subject(),
        event.data(),
        event.changes(),
        event.requiredPermissions(),
        event.occurredAt(),
        event.contentHash());
  }

  private static CommitResult await(java.util.concurrent.CompletableFuture<CommitResult> future) {
    try {
      return future.get(COMMIT_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) throw runtime;
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new OverloadedException("the commit did not finish in " + COMMIT_WAIT_SECONDS + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OverloadedException("interrupted while waiting for the commit");
    }
  }

  /** False when the group committer stopped while it was still wanted; readiness then fails. */
  public boolean healthy() {
    return committer.alive();
  }

  @Override
  public void close() {
    committer.close();
  }
}
