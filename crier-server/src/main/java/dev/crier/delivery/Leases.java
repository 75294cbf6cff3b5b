package dev.crier.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's leases, kept on one thread ({@code crier-leases}): every tick it heartbeats,
 * renews what it holds, claims its fair share of the subscriptions that need an owner (live
 * subscriptions with work / live nodes, rounded up), sheds what is beyond it when nodes join,
 * and gives back leases whose lanes went idle. Claims, releases and sheds run only on this
 * thread, so they never race each other.
 *
 * <p>The fence: a lease renewed by a statement sent at local time t is valid in the database
 * until at least t + lease (the database stamps it later than t). This node treats it as valid
 * only until t + lease - margin, and a lane never starts an attempt that could outlast that
 * (see {@link #remaining}). So an owner that cannot renew (database down, partition, a pause)
 * stops sending before anybody else may claim, and at most one node sends an ordered
 * subscription's deliveries at any moment.
 */
final class Leases implements Ownership, Signals.Handler {
  private static final Logger log = LoggerFactory.getLogger(Leases.class);

  private sealed interface Task {}

  private record Claim() implements Task {}

  private record Release(String id) implements Task {}

  private static final Task CLAIM = new Claim();
  private static final long CLAIM_GAP_NANOS = Duration.ofMillis(100).toNanos();

  private final LeaseStore store;
  private final Signals signals;
  private final String node;
  private volatile String address;
  private final Duration lease;
  private final long marginNanos;
  private final long tickNanos;
  /** Held leases: subscription id → System.nanoTime() until which this node may send. */
  private final Map<String, Long> validUntil = new ConcurrentHashMap<>();
  private final LinkedBlockingQueue<Task> tasks = new LinkedBlockingQueue<>();
  private final Counter claimedLeases;
  private final Counter lostLeases;
  private final Counter shedLeases;
  private final Counter failedTicks;
  /** This process's heartbeat token: another process under the same node id writes another. */
  private final String token = java.util.UUID.randomUUID().toString();
  private final java.util.function.Consumer<String> onDuplicate;
  private volatile boolean duplicate;
  private volatile Engine engine;
  private volatile boolean running = true;
  private boolean adopted;
  private Thread thread;

  Leases(
      LeaseStore store,
      Signals signals,
      String node,
      String address,
      Duration lease,
      MeterRegistry meters,
      java.util.function.Consumer<String> onDuplicate) {
    this.store = store;
    this.onDuplicate = onDuplicate;
    this.signals = signals;
    this.node = node;
    this.address = address;
    this.lease = lease;
    this.marginNanos = lease.toNanos() / 5;
    this.tickNanos = Math.min(Duration.ofSeconds(1).toNanos(), lease.toNanos() / 5);
    meters.gaugeMapSize("crier.leases.held", Tags.empty(), validUntil);
    claimedLeases = meters.counter("crier.leases.claimed");
    lostLeases = meters.counter("crier.leases.lost");
    shedLeases = meters.counter("crier.leases.shed");
    failedTicks = meters.counter("crier.lease.ticks.failed");
  }

  /**
   * Joins the cluster under this node's id, then starts ticking.
   *
   * @throws DuplicateNodeException when another live process runs under the same id
   */
  void start(Engine engine) {
    this.engine = engine;
    // three ticks of the other process's: a live one heartbeats meanwhile, a dead one cannot
    if (!store.join(node, token, address, lease, Duration.ofNanos(3 * tickNanos))) {
      duplicate = true; // the stop that follows must not give back the other process's leases
      throw new DuplicateNodeException(duplicateMessage());
    }
    thread = Thread.ofPlatform().name("crier-leases").daemon(true).start(this::run);
  }

  String node() {
    return node;
  }

  /** Where this node serves, once it does (shown in the {@code nodes} table). */
  void serving(String address) {
    this.address = address;
  }

  @Override
  public boolean shared() {
    return true;
  }

  @Override
  public boolean holds(String subscriptionId) {
    return validUntil.containsKey(subscriptionId);
  }

  @Override
  public Duration remaining(String subscriptionId) {
    Long until = validUntil.get(subscriptionId);
    if (until == null) return Duration.ZERO;
    long left = until - System.nanoTime();
    return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
  }

  /** Deliveries committed here for subscriptions this node does not own: tell the owner, or claim. */
  void wanted(Collection<String> ids) {
    signals.announceWork(ids);
    tasks.add(CLAIM);
  }

  /**
   * A lane of this node ended, or its subscription stopped needing an owner: give the lease back
   * unless a new lane took over meanwhile.
   */
  void giveBack(String id) {
    tasks.add(new Release(id));
  }

  /** Stops holding the lease locally (lanes stop at their next check); the database row stays. */
  void forget(String id) {
    validUntil.remove(id);
  }

  // --- Signals.Handler: messages from other nodes ---

  @Override
  public void work(Collection<String> subscriptionIds) {
    boolean unowned = false;
    for (String id : subscriptionIds) {
      if (holds(id)) engine.refill(id);
      else unowned = true;
    }
    if (unowned) tasks.add(CLAIM);
  }

  @Override
  public void changed(String subscriptionId) {
    engine.followChange(subscriptionId);
  }

  @Override
  public void connected() {
    engine.reconcile();
    tasks.add(CLAIM);
  }

  // --- the leases thread ---

  private void run() {
    long nextTick = System.nanoTime();
    long lastTick = nextTick - tickNanos;
    while (running) {
      try {
        Task task = tasks.poll(Math.max(0, nextTick - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (task instanceof Release r) release(r.id());
        if (task instanceof Claim) {
          // work for unowned subscriptions: tick soon, but at most every CLAIM_GAP however many
          // commits ask (under load every commit on every node would)
          tasks.removeIf(t -> t instanceof Claim);
          nextTick = Math.min(nextTick, lastTick + CLAIM_GAP_NANOS);
        }
        if (System.nanoTime() >= nextTick) {
          lastTick = System.nanoTime();
          tick();
          nextTick = System.nanoTime() + tickNanos;
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("lease tick failed (the database may be unreachable): {}", e.toString());
        failedTicks.increment();
        nextTick = System.nanoTime() + tickNanos;
      }
    }
  }

  private String duplicateMessage() {
    return "another running Crier has this node's id " + node + " (node.id in CRIER_DATA_DIR): give every node"
        + " its own CRIER_DATA_DIR (a copied one carries node.id: delete that file there)";
  }

  private void tick() {
    long sent = System.nanoTime();
    if (!store.heartbeat(node, token, address)) {
      stopAsDuplicate();
      return;
    }
    Set<String> renewed = store.renew(node, lease);
    long until = sent + lease.toNanos() - marginNanos;
    for (String id : renewed) {
      // At the first tick, leases under this id are the previous process's (same data
      // directory, which its lock proves dead): adopt them. Later, one not held is a release
      // that failed: give it back now.
      if (validUntil.containsKey(id) || !adopted) validUntil.put(id, until);
      else tasks.add(new Release(id));
    }
    if (!adopted && !renewed.isEmpty()) log.info("adopted {} leases of this node's previous run", renewed.size());
    adopted = true;
    for (String id : new ArrayList<>(validUntil.keySet())) {
      if (!renewed.contains(id)) {
        log.info("lease on {} ended: it expired and another node took it, or the subscription is gone", id);
        forget(id);
        lostLeases.increment();
        engine.leaseLost(id);
      }
    }
    int live = Math.max(1, store.liveNodes(lease));
    int needing = store.subscriptionsNeedingOwner();
    int share = (needing + live - 1) / live;
    Set<String> busy = new HashSet<>(store.ownedWithPendingWork(node));
    List<String> working = new ArrayList<>(validUntil.keySet());
    if (working.size() < share) {
      List<String> claimed = store.claim(node, share - working.size(), lease);
      for (String id : claimed) validUntil.put(id, until);
      busy.addAll(claimed);
      claimedLeases.increment(claimed.size());
      if (!claimed.isEmpty()) {
        log.info("claimed {} leases (fair share {} of {} over {} nodes)", claimed.size(), share, needing, live);
      }
    } else if (live > 1 && working.size() > share + 1) {
      shed(working.subList(0, working.size() - share));
    }
    engine.ensureLanes(busy);
  }

  /**
   * Another process took this node's id (it started while this one was cut off): both would
   * think they own the same leases. This one stops sending at once, never touches the leases or
   * the row again (they are the other's now), and asks the process to stop.
   */
  private void stopAsDuplicate() {
    duplicate = true;
    running = false;
    for (String id : new ArrayList<>(validUntil.keySet())) {
      forget(id);
      engine.leaseLost(id);
    }
    onDuplicate.accept(duplicateMessage());
  }

  /** Gives back leases beyond the fair share, so a node that joined gets work. */
  private void shed(List<String> ids) {
    List<String> shed = new ArrayList<>(ids);
    for (String id : shed) {
      forget(id);
      engine.stopLaneAndWait(id);
    }
    engine.flush();
    for (String id : shed) store.release(node, id);
    shedLeases.increment(shed.size());
    log.info("gave back {} leases beyond the fair share", shed.size());
    signals.announceWork(shed);
  }

  private void release(String id) {
    if (!engine.forgetIfNoLane(id)) return; // a new lane started meanwhile: keep the lease
    engine.flush();
    store.release(node, id);
  }

  /** Stops the leases thread (first, at a stop: it must not claim, or wait for outcomes, any more). */
  void stop() {
    running = false;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The end of an orderly stop, once lanes are stopped and outcomes written: give every lease back. */
  void leave() {
    if (duplicate) return; // the row and the leases belong to the process that took the id
    Set<String> held = new HashSet<>(validUntil.keySet());
    validUntil.clear();
    try {
      store.leave(node);
      signals.announceWork(held);
    } catch (RuntimeException e) {
      log.warn("giving back leases at stop failed; they expire in {}: {}", lease, e.toString());
    }
  }
}
