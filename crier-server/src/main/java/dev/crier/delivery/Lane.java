package dev.crier.delivery;

import dev.crier.event.Dispatch;
import dev.crier.subscription.Subscription;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sender of one subscription's deliveries, on one virtual thread. It keeps only a window of
 * the next deliveries in memory and refills it from the database, so a backlog of millions costs
 * disk, not heap. Committed deliveries arrive through {@link #offer} (no polling delay); the
 * database is the truth the window is rebuilt from whenever the two could disagree. What it holds
 * is bounded: at most {@link #WINDOW} deliveries and {@link #INBOX} offers; an offer beyond that
 * is not kept, and the lane reads it from the database when it gets there.
 *
 * <p>Waits (for a retry, for the next delivery) are measured on the engine's monotonic clock from
 * when they began, so stepping the wall clock neither stalls nor fires them; see {@link
 * PendingDelivery#placed}.
 */
abstract class Lane {
  static final int WINDOW = 256;
  /** The most offered deliveries a lane holds unread; beyond it, it reads them from the database. */
  static final int INBOX = 1024;
  /** An attempt is not started with less lease than this left. */
  private static final Duration MIN_ATTEMPT = Duration.ofMillis(200);
  private static final Duration IDLE_EXIT = Duration.ofSeconds(2);
  private static final Logger log = LoggerFactory.getLogger(Lane.class);

  protected final Engine engine;
  protected volatile Subscription subscription;
  protected final ArrayDeque<PendingDelivery> window = new ArrayDeque<>();
  private final ConcurrentLinkedQueue<Dispatch> inbox = new ConcurrentLinkedQueue<>();
  private final AtomicInteger inboxSize = new AtomicInteger();
  /** An offer was not kept (the inbox was full): the database has it. */
  private volatile boolean overflowed;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition poked = lock.newCondition();
  private boolean pokedFlag;
  /** Every pending delivery up to this sub_seq is in memory (or already handled). */
  private long loadedThrough;
  /** The database may hold pending deliveries after {@link #loadedThrough}. */
  private boolean more = true;
  /** Another node committed deliveries for this lane: look in the database again. */
  private volatile boolean stale;
  /** The window was empty when the lane last went to sleep. */
  private volatile boolean starved;
  /** The last attempt waited for a late lease renewal: look again shortly. */
  private boolean leaseLate;
  protected volatile boolean stopped;
  /** The lane was stopped and its work ended (not cut short by an error): a successor may start. */
  volatile boolean finished;
  private Thread thread;

  Lane(Engine engine, Subscription subscription) {
    this.engine = engine;
    this.subscription = subscription;
  }

  /**
   * A lane for {@code subscription}.
   *
   * @param watermark when known (the last lane of this subscription retired with nothing left
   *     below it), the lane trusts the deliveries handed to it from there on instead of reading
   *     the database first; null makes it read the database
   */
  static Lane of(Engine engine, Subscription subscription, Long watermark) {
    Lane lane = subscription.ordered() ? new OrderedLane(engine, subscription) : new UnorderedLane(engine, subscription);
    if (watermark != null) {
      lane.loadedThrough = watermark;
      lane.more = false;
    }
    return lane;
  }

  /** Where this lane stands when it retires idle: every delivery up to here is handled. */
  long watermark() {
    return loadedThrough;
  }

  void start() {
    thread = Thread.ofVirtual().name("crier-lane-" + subscription.id()).start(this::run);
  }

  String id() {
    return subscription.id();
  }

  /**
   * Called (by the dispatcher, atomically with its map) with deliveries just committed; those
   * beyond the inbox's bound are left to the database, which the lane reads when it gets there.
   */
  void offer(List<Dispatch> dispatches) {
    for (Dispatch d : dispatches) {
      if (inboxSize.get() >= INBOX) {
        overflowed = true;
        break;
      }
      inbox.add(d);
      inboxSize.incrementAndGet();
    }
    poke();
  }

  int inboxSize() {
    return inboxSize.get();
  }

  boolean inboxEmpty() {
    return inbox.isEmpty() && !overflowed;
  }

  void poke() {
    lock.lock();
    try {
      pokedFlag = true;
      poked.signalAll();
    } finally {
      lock.unlock();
    }
  }

  void stop() {
    stopped = true;
    poke();
  }

  /** Makes the lane read the database for deliveries it was not handed. */
  void refill() {
    stale = true;
    poke();
  }

  /**
   * The backstop's refill: only a lane with nothing in hand reads the database again (one that
   * is busy meets any delivery it was not handed when a later one arrives out of order, or when
   * its window runs dry).
   */
  void refillIfStarved() {
    if (starved) refill();
  }

  /** Waits (at most {@code atMost}) until the lane's thread, and so its attempt in flight, ended. */
  void awaitStopped(Duration atMost) {
    Thread t = thread;
    if (t == null || t == Thread.currentThread()) return;
    try {
      t.join(atMost);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * How long the next attempt may take, by this node's lease on the subscription; null when the
   * lane must not send now (it stops when the lease is gone, and waits while a renewal is late).
   */
  protected Duration leaseLeft() {
    Duration left = sendableFor();
    if (left != null) return left;
    if (!engine.ownership().holds(id())) stopped = true;
    else leaseLate = true;
    return null;
  }

  /**
   * How long an attempt starting now may take by the lease, or null when none may start; asked
   * again just before each request goes out (from any thread: it only reads).
   */
  protected Duration sendableFor() {
    Duration left = engine.ownership().remaining(id());
    return left.compareTo(MIN_ATTEMPT) >= 0 ? left : null;
  }

  /** Now on the engine's monotonic clock. */
  protected long nanos() {
    return engine.nanos();
  }

  /**
   * {@code d} placed on the monotonic clock: a delivery read from the database waits at most as
   * long as its schedule allows after its attempts so far (twice the step, the Retry-After cap).
   */
  protected PendingDelivery placed(PendingDelivery d) {
    Duration longest =
        d.attempts() == 0 || subscription.retrySchedule().exhaustedAfter(d.attempts())
            ? Duration.ZERO
            : subscription.retrySchedule().step(d.attempts()).multipliedBy(2);
    return d.placed(nanos(), engine.clock().instant(), longest);
  }

  /** Waits until poked, or until {@code dueNanos} on the monotonic clock (null: a second), at most a second. */
  protected void sleepUntil(Long dueNanos) {
    long millis = dueNanos == null ? 1_000 : TimeUnit.NANOSECONDS.toMillis(dueNanos - nanos());
    if (millis <= 0) return;
    lock.lock();
    try {
      if (!pokedFlag) poked.await(Math.min(millis, 1_000), TimeUnit.MILLISECONDS);
      pokedFlag = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopped = true;
    } finally {
      lock.unlock();
    }
  }

  private void run() {
    Long idleSince = null;
    try {
      while (!stopped) {
        takeOffers();
        if (stale) {
          stale = false;
          more = true;
        }
        if (window.isEmpty() && more && wantsMore() && !tryLoad()) continue;
        boolean busy = step();
        if (busy) {
          idleSince = null;
          continue;
        }
        if (idle()) {
          long now = nanos();
          if (idleSince == null) idleSince = now;
          else if (now - idleSince > IDLE_EXIT.toNanos() && engine.retire(this)) return;
        }
        Long wake = leaseLate ? Long.valueOf(nanos() + TimeUnit.MILLISECONDS.toNanos(100)) : nextWake();
        leaseLate = false;
        starved = window.isEmpty();
        sleepUntil(wake);
      }
      finish();
      finished = true;
    } catch (RuntimeException e) {
      log.error("lane {} stopped by an unexpected error; it restarts from the database", id(), e);
    } finally {
      engine.retired(this);
    }
  }

  /** Ends the lane's own work once it is stopped (its attempts in flight), before a successor may start. */
  protected void finish() {}

  private void takeOffers() {
    if (overflowed) {
      overflowed = false;
      more = true; // offers were left to the database
    }
    Dispatch d;
    while ((d = inbox.poll()) != null) {
      inboxSize.decrementAndGet();
      if (d.subSeq() <= loadedThrough) continue;
      if (!more && d.subSeq() == loadedThrough + 1 && window.size() < WINDOW) {
        window.add(new PendingDelivery(d.subscriptionId(), d.subSeq(), d.event(), 0, d.event().receivedAt(), null, nanos()));
        loadedThrough = d.subSeq();
      } else {
        more = true; // out of order or window full: the database has it
      }
    }
  }

  /** Loads the next window; false (after a pause) when the database could not be read. */
  private boolean tryLoad() {
    try {
      load();
      return true;
    } catch (dev.crier.storage.StorageUnavailableException e) {
      log.debug("lane {} cannot read the database: {}", id(), e.toString());
      sleepUntil(nanos() + TimeUnit.SECONDS.toNanos(1));
      return false;
    }
  }

  private void load() {
    List<PendingDelivery> loaded = engine.store().pending(id(), loadedThrough, WINDOW);
    for (PendingDelivery d : loaded) accept(d);
    if (!loaded.isEmpty()) loadedThrough = loaded.get(loaded.size() - 1).subSeq();
    more = loaded.size() == WINDOW;
  }

  /** Takes a delivery loaded from the database into the lane. */
  protected void accept(PendingDelivery d) {
    window.add(placed(d));
  }

  /** Whether the lane has room for more deliveries from the database. */
  protected boolean wantsMore() {
    return true;
  }

  /** Does one unit of work; false when there was nothing to do now. */
  protected abstract boolean step();

  /** True when the lane holds nothing at all (it may retire). */
  protected boolean idle() {
    return window.isEmpty() && !more && inboxEmpty();
  }

  /** When (on the monotonic clock) the lane must look again even if nobody pokes it; null for "in a second". */
  protected abstract Long nextWake();
}
