package dev.crier.delivery;

import dev.crier.event.CommitRider;
import dev.crier.event.Dispatch;
import dev.crier.signing.SigningKeys;
import dev.crier.subscription.Status;
import dev.crier.subscription.Subscription;
import dev.crier.subscription.SubscriptionIndex;
import dev.crier.subscription.SubscriptionListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import dev.crier.subscription.SubscriptionStore;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery engine: one lane per subscription with work, fed by commits and by the database.
 * The API talks to it only through its public methods (resume, redeliver, a changed
 * subscription), so it can run on a node that serves no API.
 */
public final class Engine implements SubscriptionListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);
  private static final Duration BACKSTOP = Duration.ofSeconds(15);
  private static final Duration PRUNE_EVERY = Duration.ofHours(1);

  private final DeliveryStore store;
  private final SubscriptionIndex index;
  private final SendAttempt sender;
  private final SendDelivery send;
  private final RelayHub relay;
  private final RecordOutcomes recorder;
  private final OperationalEvents ops;
  private final Clock clock;
  /** The monotonic clock lanes wait on (the wall clock may be stepped; see {@link PendingDelivery#placed}). */
  private final java.util.function.LongSupplier nanos;
  private final Duration retention;
  private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
  /**
   * For subscriptions without a lane: the sub_seq up to which everything is handled, so a lane
   * started for a commit's deliveries need not read the database first (ten thousand webhooks
   * hearing one event cost ten thousand queries otherwise). Only this process's own knowledge:
   * lanes started any other way (restart, backstop, resume) read the database.
   */
  private final Map<String, Long> watermarks = new ConcurrentHashMap<>();
  private final Ownership ownership;
  private final Leases leases;
  private final Signals signals;
  private final SubscriptionStore subscriptions;
  private volatile boolean running = true;
  /** Released when the clock jumps, so the backstop looks at the new time now, not in 15 s. */
  private final Semaphore backstopWake = new Semaphore(0);
  /** Held while a subscription change is applied, so lanes follow changes one at a time. */
  private final Object changes = new Object();
  private Thread backstop;

  public Engine(
      DeliveryStore store,
      SubscriptionIndex index,
      OperationalEvents ops,
      Audience audience,
      RelayHub relay,
      String brand,
      String version,
      boolean allowPrivateTargets,
      Duration retention,
      Clock clock,
      Cluster cluster,
      SigningKeys signingKeys) {
    this.store = store;
    this.index = index;
    this.ops = ops;
    this.clock = clock;
    this.nanos = clock instanceof AdvancingClock advancing ? advancing::nanoTime : System::nanoTime;
    this.retention = retention;
    this.sender = new SendAttempt(allowPrivateTargets);
    this.relay = relay;
    this.send = new SendDelivery(sender, relay, new WebhookRequest(brand, version, signingKeys, clock), audience, clock);
    this.recorder = new RecordOutcomes(store);
    this.leases = cluster.leases();
    this.ownership = leases != null ? leases : Ownership.ALONE;
    this.signals = cluster.signals();
    this.subscriptions = cluster.subscriptions();
    if (clock instanceof AdvancingClock advancing) {
      advancing.onAdvance(this::wakeAll);
      advancing.onAdvance(backstopWake::release);
    }
  }

  /**
   * The outcome writes, for a publish committer to carry in its transactions (SQLite: one writer);
   * call before {@link #start}, else outcomes are written on their own thread.
   */
  public CommitRider outcomeWrites() {
    return recorder;
  }

  /** Outcomes the database refused even alone, set aside since start (see {@link RecordOutcomes}). */
  public long parkedOutcomes() {
    return recorder.parked();
  }

  /** False when the outcome writer's thread stopped while it was still wanted; readiness then fails. */
  public boolean healthy() {
    return recorder.alive();
  }

  /**
   * Starts lanes for every subscription with pending work (alone) or joins the cluster (shared:
   * lanes start for the leases this node claims), and the periodic backstop.
   */
  public void start() {
    recorder.start();
    if (leases != null) {
      leases.start(this);
      signals.listen(leases);
    } else {
      ensureLanesForPendingWork();
    }
    backstop = Thread.ofVirtual().name("crier-backstop").start(this::backstopLoop);
  }

  private void backstopLoop() {
    // The retention period is measured on the injected clock, so the hourly prune is too.
    Instant lastPrune = Instant.EPOCH;
    while (running) {
      try {
        backstopWake.tryAcquire(BACKSTOP.toMillis(), TimeUnit.MILLISECONDS);
        backstopWake.drainPermits();
        if (leases == null) ensureLanesForPendingWork();
        else reconcile();
        Instant now = clock.instant();
        if (Duration.between(lastPrune, now).compareTo(PRUNE_EVERY) >= 0) {
          prune();
          lastPrune = now;
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("engine backstop check failed: {}", e.toString());
      }
    }
  }

  /** Lanes for work that no commit announced (after a restart, or a lost hand-over). */
  private void ensureLanesForPendingWork() {
    for (String id : store.subscriptionsWithPendingWork()) lanes.computeIfAbsent(id, this::newLane);
  }

  /** Hands deliveries just committed to their lanes, in commit order. */
  public void offer(List<Dispatch> dispatches) {
    Map<String, List<Dispatch>> bySubscription = new LinkedHashMap<>();
    for (Dispatch d : dispatches) bySubscription.computeIfAbsent(d.subscriptionId(), k -> new ArrayList<>()).add(d);
    List<String> elsewhere = new ArrayList<>();
    bySubscription.forEach(
        (id, list) ->
            lanes.compute(
                id,
                (k, lane) -> {
                  if (lane != null && !lane.stopped) {
                    lane.offer(list);
                    return lane;
                  }
                  if (!ownership.holds(k)) {
                    elsewhere.add(k); // another node's (or nobody's yet): it reads them from the database
                    return lane;
                  }
                  if (lane != null) return lane; // stopping: its successor reads them from the database
                  lane = newLane(k, ownership.shared() ? null : watermarks.remove(k));
                  if (lane != null) lane.offer(list);
                  return lane;
                }));
    if (!elsewhere.isEmpty()) leases.wanted(elsewhere);
  }

  private Lane newLane(String id) {
    watermarks.remove(id);
    return newLane(id, null);
  }

  private Lane newLane(String id, Long watermark) {
    Optional<Subscription> s = index.get(id);
    if (s.isEmpty() || s.get().status() != Status.ACTIVE || !s.get().kind().delivers() || !running) return null;
    if (!ownership.holds(id)) return null;
    Lane lane = Lane.of(this, s.get(), watermark);
    lane.start();
    return lane;
  }

  /** A lane asks to retire while idle; it may only when nothing arrived for it meanwhile. */
  boolean retire(Lane lane) {
    boolean[] retired = {false};
    lanes.computeIfPresent(
        lane.id(),
        (k, current) -> {
          if (current == lane && lane.inboxEmpty()) {
            retired[0] = true;
            watermarks.put(k, lane.watermark());
            return null;
          }
          return current;
        });
    return retired[0];
  }

  /**
   * A lane's thread ended. A lane that was stopped stays in the map until here, so that no other
   * lane sends for its subscription while its attempt is in flight; its successor (the
   * subscription enabled again, or turned ordered or unordered) starts now, from the database.
   */
  void retired(Lane lane) {
    boolean handOver = lane.finished && running;
    try {
      if (lane.finished && running) recorder.flush(); // the successor reads what this lane recorded
    } catch (RuntimeException e) {
      // the lane must leave the map all the same: a stopped lane left there takes every later
      // offer and start for its subscription, for good; the next commit or the backstop starts one
      log.warn("lane {} ended, but its outcomes were not written in time; its successor starts later: {}", lane.id(), e.toString());
      handOver = false;
    }
    boolean startSuccessor = handOver;
    boolean[] succeeded = {false};
    lanes.computeIfPresent(
        lane.id(),
        (k, current) -> {
          if (current != lane) return current;
          Lane successor = startSuccessor ? newLane(k, null) : null;
          succeeded[0] = successor != null;
          return successor;
        });
    if (leases != null && !succeeded[0]) leases.giveBack(lane.id());
  }

  // --- the cluster: called by Leases on its thread, and by the listener ---

  /**
   * The backstop for lost work announcements, for the leases held with pending deliveries: a
   * lane each, and those with nothing in hand look in the database again.
   */
  void ensureLanes(Set<String> owned) {
    for (String id : owned) laneReading(id, Lane::refillIfStarved);
  }

  /** Another node committed deliveries for a subscription this node owns. */
  void refill(String id) {
    laneReading(id, Lane::refill);
  }

  /** Starts a lane (which reads the database first) for {@code id}, or tells the running one. */
  private void laneReading(String id, java.util.function.Consumer<Lane> running) {
    lanes.compute(
        id,
        (k, lane) -> {
          if (lane == null) return newLane(k, null);
          if (!lane.stopped) running.accept(lane); // else its successor reads the database when it starts
          return lane;
        });
  }

  void leaseLost(String id) {
    Lane lane = lanes.get(id);
    if (lane != null) lane.stop();
  }

  /** Stops the lane and waits until its attempt in flight, if any, has ended. */
  void stopLaneAndWait(String id) {
    Lane lane = lanes.get(id);
    if (lane == null) return;
    lane.stop();
    lane.awaitStopped(lane.subscription.timeout().plusSeconds(1));
  }

  /** Forgets the lease unless a lane runs for it again, atomically with offers for it. */
  boolean forgetIfNoLane(String id) {
    boolean[] forgotten = {false};
    lanes.compute(
        id,
        (k, lane) -> {
          if (lane != null && !lane.stopped) return lane;
          leases.forget(k);
          forgotten[0] = true;
          return lane;
        });
    return forgotten[0];
  }

  /** Applies a change another node (or this one) announced, as the database has it now. */
  void followChange(String id) {
    Optional<Subscription> s = subscriptions.find(id);
    if (s.isPresent()) apply(s.get());
    else applyRemoved(id);
  }

  /** After this engine's own transition of {@code id}: the index takes the row as stored. */
  private Subscription followStored(Subscription fallback) {
    Subscription stored = subscriptions == null ? fallback : subscriptions.find(fallback.id()).orElse(fallback);
    subscriptionChanged(stored);
    return stored;
  }

  /**
   * The backstop for lost announcements: compares what the index holds with the database (ids
   * and update times only) and follows every difference.
   */
  void reconcile() {
    try {
      // The index first: a subscription created between the two reads is then at worst missing
      // from what is held (and added below), never held and missing from what is stored, which
      // would read as deleted. And one held but not stored is looked up once more before it is
      // dropped, since it may have been created since: dropping it would lose its events.
      Map<String, Instant> held = index.versions();
      Map<String, Instant> stored = subscriptions.versions();
      for (var e : stored.entrySet()) {
        if (!e.getValue().equals(held.get(e.getKey()))) followChange(e.getKey());
      }
      for (String id : held.keySet()) if (!stored.containsKey(id)) followChange(id);
    } catch (RuntimeException e) {
      log.warn("reconciling subscriptions with the database failed: {}", e.toString());
    }
  }

  /** Decides what follows an attempt, records it, and applies halting or disabling. */
  Outcome.Next judge(Subscription s, PendingDelivery d, Attempt attempt) {
    int n = attempt.number();
    Instant now = clock.instant();
    SendResult result = attempt.result();
    if (SendDelivery.filtered(result)) {
      recorder.add(new Outcome(s.id(), d.subSeq(), DeliveryStatus.FILTERED, d.attempts(), d.nextAttemptAt(), attempt));
      return Outcome.Next.DONE;
    }
    if (SendDelivery.succeeded(result)) {
      recorder.add(new Outcome(s.id(), d.subSeq(), DeliveryStatus.DELIVERED, n, d.nextAttemptAt(), attempt));
      return Outcome.Next.DONE;
    }
    if (SendDelivery.gone(result)) {
      recorder.flush();
      if (!store.disableGone(new Outcome(s.id(), d.subSeq(), DeliveryStatus.PENDING, n, now, attempt), now)) {
        return Outcome.Next.STOP; // the lease was lost meanwhile: the new owner decides
      }
      followStored(s.withStatus(Status.DISABLED, now));
      ops.disabled(s, d.id());
      log.warn("webhook {} disabled: its endpoint answered 410 Gone", s.id());
      return Outcome.Next.STOP;
    }
    if (s.retrySchedule().exhaustedAfter(n)) {
      Outcome failed = new Outcome(s.id(), d.subSeq(), DeliveryStatus.FAILED, n, now, attempt);
      if (!s.ordered()) {
        recorder.add(failed);
        return Outcome.Next.DONE;
      }
      recorder.flush();
      if (!store.halt(failed, now)) return Outcome.Next.STOP; // disabled, deleted or the lease lost meanwhile
      followStored(s.withStatus(Status.HALTED, now));
      ops.halted(s, d.id(), describe(result));
      log.warn("webhook {} halted at delivery {}: {}", s.id(), d.id(), describe(result));
      return Outcome.Next.STOP;
    }
    Duration delay = s.retrySchedule().delayAfter(n);
    Optional<Duration> asked = SendDelivery.retryAfter(result, now);
    if (asked.isPresent()) {
      Duration cap = s.retrySchedule().step(n).multipliedBy(2);
      delay = asked.get().compareTo(cap) > 0 ? cap : asked.get();
    }
    Instant next = now.plus(delay); // stored in wall time; the lane waits the delay on the monotonic clock
    recorder.add(new Outcome(s.id(), d.subSeq(), DeliveryStatus.PENDING, n, next, attempt));
    return new Outcome.Next.Retry(
        new PendingDelivery(d.subscriptionId(), d.subSeq(), d.event(), n, next, attempt.requestBody(), nanos() + delay.toNanos()));
  }

  static String describe(SendResult result) {
    return switch (result) {
      case SendResult.Answered a -> "HTTP " + a.status();
      case SendResult.Failed f -> f.error();
    };
  }

  /**
   * A subscription was created or changed: its lane follows (started, stopped, reconfigured), and
   * the other nodes are told.
   */
  public void subscriptionChanged(Subscription s) {
    Lane before = lanes.get(s.id());
    Optional<Subscription> current = apply(s);
    // A switch between ordered and unordered answers once the old lane's attempts have ended (at
    // most its timeout): requests it had started cannot then reach the receiver after the change
    // was acknowledged, beside the new lane's.
    if (before != null && before.stopped && current.isPresent() && current.get().ordered() != before.subscription.ordered()) {
      before.awaitStopped(before.subscription.timeout().plusSeconds(1));
    }
    signals.announceChange(s.id());
    if (leases != null && current.isPresent() && current.get().status() == Status.ACTIVE && !ownership.holds(s.id())) {
      leases.wanted(List.of(s.id()));
    }
  }

  /**
   * The index takes {@code s} unless it holds a later version (changes committed at once may be
   * told out of order), and the lane follows what the index holds. A lane that must change kind
   * (ordered or not) or stop is stopped; it stays until its attempt in flight ended, and its
   * successor starts then (see {@link #retired}), so an ordered subscription never has two.
   *
   * @return what the index holds now; empty for a deleted subscription
   */
  private Optional<Subscription> apply(Subscription s) {
    synchronized (changes) {
      Optional<Subscription> held = index.put(s);
      if (held.isEmpty()) return held;
      Subscription current = held.get();
      relay.changed(current);
      if (leases != null && current.status() != Status.ACTIVE && ownership.holds(s.id())) leases.giveBack(s.id()); // give it back
      Lane lane = lanes.get(s.id());
      if (lane != null && !lane.stopped) {
        if (current.status() != Status.ACTIVE || current.ordered() != lane.subscription.ordered()) {
          lane.stop();
        } else {
          lane.subscription = current;
          lane.poke();
        }
      }
      if (current.status() == Status.ACTIVE && current.kind().delivers()) lanes.computeIfAbsent(s.id(), this::newLane);
      return held;
    }
  }

  @Override
  public void changed(Subscription s) {
    subscriptionChanged(s);
  }

  /** A new subscription has nothing pending: its first lane starts from the first commit, without a query. */
  @Override
  public void created(Subscription s) {
    index.put(s);
    if (s.kind().delivers() && leases == null) watermarks.put(s.id(), 0L);
    signals.announceChange(s.id());
    if (leases != null && !s.kind().delivers()) leases.wanted(List.of(s.id()));
  }

  @Override
  public void removed(String id) {
    subscriptionRemoved(id);
  }

  public void subscriptionRemoved(String id) {
    applyRemoved(id);
    signals.announceChange(id);
  }

  private void applyRemoved(String id) {
    synchronized (changes) {
      index.remove(id);
    }
    relay.removed(id);
    if (leases != null && ownership.holds(id)) leases.giveBack(id); // give it back
    watermarks.remove(id);
    Lane lane = lanes.remove(id);
    if (lane != null) lane.stop();
  }

  /**
   * Resumes a halted subscription from its failed delivery, with a fresh schedule.
   *
   * @return the subscription as it is now, or empty when it was not halted
   */
  public Optional<Subscription> resume(Subscription halted) {
    recorder.flush();
    Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    if (!store.resume(halted.id(), now)) return Optional.empty();
    Subscription active = followStored(halted.withStatus(Status.ACTIVE, now));
    ops.recovered(active);
    return Optional.of(active);
  }

  /**
   * Sends one delivery again now, outside its ordered stream, marked as a redelivery, and logs
   * the attempt; a success settles a failed delivery.
   */
  public Optional<Attempt> redeliver(Subscription s, DeliveryId id) {
    Optional<DeliveryView> view = store.find(id.subscriptionId(), id.subSeq());
    if (view.isEmpty()) return Optional.empty();
    DeliveryView v = view.get();
    PendingDelivery d = new PendingDelivery(s.id(), v.subSeq(), v.event(), v.attempts(), clock.instant(), null);
    Attempt attempt = send.attempt(s, d, v.attempts() + 1, true);
    DeliveryStatus status = SendDelivery.succeeded(attempt.result()) ? DeliveryStatus.DELIVERED : v.status();
    store.recordRedelivery(new Outcome(s.id(), v.subSeq(), status, v.attempts() + 1, v.nextAttemptAt(), attempt));
    return Optional.of(attempt);
  }

  /** The body a delivery of {@code event} to {@code s} is sent with, as the delivery log shows it. */
  public byte[] requestBody(Subscription s, dev.crier.event.Event event) {
    return send.storedBody(s, event);
  }

  /** Deletes delivered deliveries (and orphaned events) older than the retention period. */
  public Pruned prune() {
    Pruned pruned = store.prune(clock.instant().minus(retention));
    if (pruned.deliveries() > 0) {
      log.info("pruned {} delivered deliveries older than {} in {} batches", pruned.deliveries(), retention, pruned.batches());
    }
    return pruned;
  }

  /** Makes every lane look at the clock again now. */
  public void wakeAll() {
    lanes.values().forEach(Lane::poke);
  }

  /** Waits until every outcome recorded so far is written (for an orderly stop, and tests). */
  public void flush() {
    recorder.flush();
  }

  /** How many offered deliveries the lane of {@code id} holds unread (for tests of its bound). */
  int inboxSize(String id) {
    Lane lane = lanes.get(id);
    return lane == null ? 0 : lane.inboxSize();
  }

  /** Whether the index events are fanned out by holds {@code id} (for tests of its upkeep). */
  boolean indexes(String id) {
    return index.get(id).isPresent();
  }

  Ownership ownership() {
    return ownership;
  }

  DeliveryStore store() {
    return store;
  }

  Clock clock() {
    return clock;
  }

  /** Now on the monotonic clock lanes wait on. */
  long nanos() {
    return nanos.getAsLong();
  }

  SendDelivery send() {
    return send;
  }

  @Override
  public void close() {
    running = false;
    if (backstop != null) backstop.interrupt();
    if (leases != null) leases.stop();
    lanes.values().forEach(Lane::stop);
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    lanes.values().forEach(lane -> lane.awaitStopped(Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))));
    lanes.clear();
    recorder.close();
    if (leases != null) leases.leave();
    signals.close();
    sender.close();
  }
}
