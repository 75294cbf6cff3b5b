package dev.crier.delivery;

import dev.crier.subscription.Status;
import dev.crier.subscription.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Deliveries to {@code relay:<name>} webhooks go to {@code crier listen} clients connected to
 * that name over an outbound connection, instead of over HTTP to an endpoint nobody can reach.
 * The listener forwards the request to its local URL and reports the answer, which becomes the
 * attempt's result; ordering, retries and halting work as for any webhook.
 *
 * <p>A listener is bound to the subscriptions it was allowed to hear when it connected (their ids,
 * never the name alone: a name deleted and made again elsewhere is another subscription), asked
 * before every delivery whether its caller may still hear it, and cut off at once when a
 * subscription it hears is deleted, disabled or moved to another target.
 */
public final class RelayHub {
  public static final String SCHEME = "relay:";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** A connected listener: something that can push one event to the client. */
  public interface Listener {
    /** Sends one delivery; false when the connection is gone. */
    boolean push(String eventJson);

    /** Whether the caller that connected may still hear {@code s} (its key or token still holds). */
    boolean mayHear(Subscription s);

    /** Ends the connection, telling the client why: it may no longer hear anything it was bound to. */
    void cutOff(String reason);
  }

  /** What a listener hears: the relay name it connected to, and the subscriptions on it. */
  private record Binding(String name, Set<String> subscriptions) {}

  private final Map<String, List<Listener>> bySubscription = new ConcurrentHashMap<>();
  private final Map<Listener, Binding> bindings = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<SendResult.Answered>> waiting = new ConcurrentHashMap<>();
  private final AtomicInteger turn = new AtomicInteger();

  /** The relay name of a {@code relay:<name>} URL, or empty for any other URL. */
  public static Optional<String> nameOf(String url) {
    return url != null && url.startsWith(SCHEME) ? Optional.of(url.substring(SCHEME.length())) : Optional.empty();
  }

  public static boolean validName(String name) {
    return name.matches("[A-Za-z0-9._-]{1,100}");
  }

  /** Connects a listener on relay {@code name} to these subscriptions (those it may hear now). */
  public synchronized void connect(String name, Collection<String> subscriptionIds, Listener listener) {
    bindings.put(listener, new Binding(name, ConcurrentHashMap.newKeySet()));
    for (String id : subscriptionIds) {
      bindings.get(listener).subscriptions().add(id);
      bySubscription.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(listener);
    }
  }

  public synchronized void disconnect(Listener listener) {
    Binding binding = bindings.remove(listener);
    if (binding == null) return;
    for (String id : binding.subscriptions()) {
      List<Listener> list = bySubscription.get(id);
      if (list != null) list.remove(listener);
      if (list != null && list.isEmpty()) bySubscription.remove(id, list);
    }
  }

  /** The subscriptions this listener still hears (empty once it was cut off). */
  public Set<String> boundTo(Listener listener) {
    Binding binding = bindings.get(listener);
    return binding == null ? Set.of() : Set.copyOf(binding.subscriptions());
  }

  /** How many listeners hear this subscription. */
  public int connected(String subscriptionId) {
    return bySubscription.getOrDefault(subscriptionId, List.of()).size();
  }

  /**
   * A subscription changed: when it is disabled or no longer targets the relay its listeners
   * connected to, they stop hearing it (and are cut off when it was all they heard).
   */
  public void changed(Subscription s) {
    for (Listener listener : List.copyOf(bySubscription.getOrDefault(s.id(), List.of()))) {
      Binding binding = bindings.get(listener);
      if (binding == null) continue;
      if (s.status() == Status.DISABLED) unbind(s.id(), listener, "the webhook " + s.id() + " was disabled");
      else if (!(SCHEME + binding.name()).equals(s.url())) unbind(s.id(), listener, "the webhook " + s.id() + " no longer sends to relay:" + binding.name());
    }
  }

  /** A subscription was deleted (or its token or app revoked): nobody hears it any more. */
  public void removed(String subscriptionId) {
    for (Listener listener : List.copyOf(bySubscription.getOrDefault(subscriptionId, List.of()))) {
      unbind(subscriptionId, listener, "the webhook " + subscriptionId + " was deleted, or its token or app revoked");
    }
  }

  /** This listener stops hearing one subscription, and is cut off when it was the last it heard. */
  public void unbind(String subscriptionId, Listener listener, String reason) {
    boolean nothingLeft;
    synchronized (this) {
      Binding binding = bindings.get(listener);
      if (binding == null) return;
      binding.subscriptions().remove(subscriptionId);
      List<Listener> list = bySubscription.get(subscriptionId);
      if (list != null) list.remove(listener);
      if (list != null && list.isEmpty()) bySubscription.remove(subscriptionId, list);
      nothingLeft = binding.subscriptions().isEmpty();
    }
    if (nothingLeft) {
      disconnect(listener);
      // Told on its own thread: the engine calls this under its lock, and a slow client's write
      // must not hold it.
      Thread.ofVirtual().name("crier-relay-cut-off").start(() -> listener.cutOff(reason));
    }
  }

  /** Hands the request to a listener and waits for its report, up to the request's timeout. */
  SendResult send(Subscription s, String name, HttpPost post) {
    long start = System.nanoTime();
    List<Listener> candidates = new ArrayList<>();
    for (Listener listener : bySubscription.getOrDefault(s.id(), List.of())) {
      // Checked at every delivery, not only at connect: the caller's rights may have ended on
      // another node, or since the last heartbeat.
      if (listener.mayHear(s)) candidates.add(listener);
      else unbind(s.id(), listener, "the key or token that connected may no longer hear " + s.id());
    }
    String id = UUID.randomUUID().toString();
    CompletableFuture<SendResult.Answered> answer = new CompletableFuture<>();
    waiting.put(id, answer);
    try {
      boolean pushed = false;
      for (int i = 0; i < candidates.size() && !pushed; i++) {
        Listener listener = candidates.get(Math.floorMod(turn.getAndIncrement(), candidates.size()));
        pushed = listener.push(event(id, post));
        if (!pushed) disconnect(listener);
      }
      if (!pushed) {
        return new SendResult.Failed(SendResult.Failed.Kind.CONNECTION, "no listener connected to relay:" + name, since(start));
      }
      return answer.get(post.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return new SendResult.Failed(
          SendResult.Failed.Kind.TIMEOUT, "the listener on relay:" + name + " reported no answer within " + post.timeout().toMillis() + " ms", since(start));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new SendResult.Failed(SendResult.Failed.Kind.CONNECTION, "interrupted", since(start));
    } catch (ExecutionException e) {
      return new SendResult.Failed(SendResult.Failed.Kind.CONNECTION, e.getCause().getMessage(), since(start));
    } finally {
      waiting.remove(id);
    }
  }

  /**
   * A listener's report of what its local endpoint answered ({@code status} 0 with {@code error}
   * when it could not reach it).
   *
   * @return false when nothing waits for this id (late, or unknown)
   */
  public boolean report(String id, int status, List<Map.Entry<String, String>> headers, byte[] body, String error, Duration duration) {
    CompletableFuture<SendResult.Answered> answer = waiting.get(id);
    if (answer == null) return false;
    if (status <= 0) {
      answer.completeExceptionally(new IllegalStateException("the listener could not reach its local endpoint: " + error));
    } else {
      byte[] start = body.length > 4096 ? java.util.Arrays.copyOf(body, 4096) : body;
      answer.complete(new SendResult.Answered(status, headers, start, body.length > 4096, duration));
    }
    return true;
  }

  private static String event(String id, HttpPost post) {
    ObjectNode out = JSON.createObjectNode();
    out.put("id", id);
    out.put("url", post.url().toString());
    ArrayNode headers = out.putArray("headers");
    post.headers().forEach(h -> headers.addArray().add(h.getKey()).add(h.getValue()));
    out.put("body", Base64.getEncoder().encodeToString(post.body()));
    out.put("body_text", new String(post.body(), StandardCharsets.UTF_8));
    return JSON.writeValueAsString(out);
  }

  private static Duration since(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
