package dev.crier.broadcast;

import dev.crier.delivery.Attempt;
import dev.crier.delivery.Audience;
import dev.crier.delivery.HttpPost;
import dev.crier.delivery.SendAttempt;
import dev.crier.delivery.SendResult;
import dev.crier.subscription.Kind;
import dev.crier.subscription.Status;
import dev.crier.subscription.Subscription;
import dev.crier.subscription.SubscriptionIndex;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At each receiver's interval, takes its changed subjects and POSTs one broadcast per subject,
 * UDP-style: no retries; a failure is logged and forgotten. Runs on its own thread and its own
 * HTTP client, so a slow or failing broadcast receiver never delays a webhook.
 */
public final class FlushBroadcasts implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FlushBroadcasts.class);
  private static final Duration TICK = Duration.ofMillis(100);
  private static final int PARALLEL_PER_RECEIVER = 32;
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final BroadcastStore store;
  private final SubscriptionIndex index;
  private final BroadcastRequest request;
  private final SendAttempt sender;
  private final Audience audience;
  private final Clock clock;
  private final Instant started;
  private final Map<String, Instant> lastSent = new ConcurrentHashMap<>();
  private final Set<String> flushing = ConcurrentHashMap.newKeySet();
  private final Predicate<String> owns;
  private final Thread thread;
  private volatile boolean running = true;

  /**
   * @param owns whether this node flushes a receiver now: in a cluster, only the holder of the
   *     receiver's lease does, so each interval's changes are sent once, not once per node
   */
  public FlushBroadcasts(
      BroadcastStore store,
      SubscriptionIndex index,
      Audience audience,
      String brand,
      boolean allowPrivateTargets,
      Clock clock,
      Predicate<String> owns) {
    this.store = store;
    this.audience = audience;
    this.owns = owns;
    this.index = index;
    this.request = new BroadcastRequest(brand);
    this.sender = new SendAttempt(allowPrivateTargets);
    this.clock = clock;
    this.started = clock.instant();
    this.thread = Thread.ofPlatform().name("crier-broadcasts").daemon(true).start(this::run);
  }

  private void run() {
    while (running) {
      try {
        Thread.sleep(TICK.toMillis());
        Instant now = clock.instant();
        for (Subscription receiver : index.all(Kind.BROADCAST)) {
          if (receiver.status() != Status.ACTIVE || flushing.contains(receiver.id()) || !owns.test(receiver.id())) continue;
          Instant last = lastSent.getOrDefault(receiver.id(), started);
          if (last.plus(receiver.interval()).isAfter(now)) continue;
          lastSent.put(receiver.id(), now);
          flushing.add(receiver.id());
          Thread.ofVirtual().name("crier-broadcast-" + receiver.id()).start(() -> flush(receiver, now));
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("broadcast tick failed: {}", e.toString());
      }
    }
  }

  private void flush(Subscription receiver, Instant now) {
    try {
      List<PendingBroadcast> pending = store.take(receiver.id());
      if (pending.isEmpty()) return;
      List<Attempt> failed = Collections.synchronizedList(new ArrayList<>());
      Semaphore slots = new Semaphore(PARALLEL_PER_RECEIVER);
      try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<?>> sends = new ArrayList<>();
        for (PendingBroadcast p : pending) {
          slots.acquireUninterruptibly();
          sends.add(
              executor.submit(
                  () -> {
                    try {
                      Attempt attempt = send(receiver, p, now);
                      if (!(attempt.result() instanceof SendResult.Answered a && a.status() >= 200 && a.status() < 300)) {
                        failed.add(attempt);
                      }
                    } finally {
                      slots.release();
                    }
                  }));
        }
      }
      store.log(receiver.id(), failed);
    } catch (RuntimeException e) {
      log.warn("broadcast to receiver {} failed: {}", receiver.id(), e.toString());
    } finally {
      flushing.remove(receiver.id());
    }
  }

  private Attempt send(Subscription receiver, PendingBroadcast p, Instant now) {
    byte[] body = request.body(receiver, p, now);
    List<Map.Entry<String, String>> headers = request.headers(receiver, p, body);
    Instant at = clock.instant();
    // A receiver made with an app token hears only while the token holds, its scope allows, and
    // its user holds the permissions the subject's latest event requires.
    var refusal = audience.refusal(receiver, p.lastEvent(), p.requiredPermissions());
    if (refusal.isPresent()) {
      return new Attempt(1, false, at, headers, body, new SendResult.Failed(SendResult.Failed.Kind.FILTERED, refusal.get(), Duration.ZERO));
    }
    SendResult result = sender.send(new HttpPost(URI.create(receiver.url()), headers, body, TIMEOUT));
    return new Attempt(1, false, at, headers, body, result);
  }

  @Override
  /**
   * Stops ticking, and lets flushes already under way finish (up to 5 s) before closing the
   * client: their rows are taken from the database, so an aborted send would lose them.
   */
  public void close() {
    running = false;
    thread.interrupt();
    long deadline = System.nanoTime() + 5_000_000_000L;
    try {
      thread.join(1_000); // no flush starts after this
      while (!flushing.isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sender.close();
  }
}
