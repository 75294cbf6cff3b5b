package dev.crier.delivery;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 */
public final class RelayHub {
  public static final String SCHEME = "relay:";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** A connected listener: something that can push one event to the client. */
  public interface Listener {
    /** Sends one delivery; false when the connection is gone. */
    boolean push(String eventJson);
  }

  private final Map<String, List<Listener>> listeners = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<SendResult.Answered>> waiting = new ConcurrentHashMap<>();
  private final AtomicInteger turn = new AtomicInteger();

  /** The relay name of a {@code relay:<name>} URL, or empty for any other URL. */
  public static Optional<String> nameOf(String url) {
    return url != null && url.startsWith(SCHEME) ? Optional.of(url.substring(SCHEME.length())) : Optional.empty();
  }

  public static boolean validName(String name) {
    return name.matches("[A-Za-z0-9._-]{1,100}");
  }

  public void connect(String name, Listener listener) {
    listeners.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(listener);
  }

  public void disconnect(String name, Listener listener) {
    List<Listener> list = listeners.get(name);
    if (list != null) list.remove(listener);
  }

  public int connected(String name) {
    return listeners.getOrDefault(name, List.of()).size();
  }

  /** Hands the request to a listener and waits for its report, up to the request's timeout. */
  SendResult send(String name, HttpPost post) {
    long start = System.nanoTime();
    List<Listener> candidates = new ArrayList<>(listeners.getOrDefault(name, List.of()));
    String id = UUID.randomUUID().toString();
    CompletableFuture<SendResult.Answered> answer = new CompletableFuture<>();
    waiting.put(id, answer);
    try {
      boolean pushed = false;
      for (int i = 0; i < candidates.size() && !pushed; i++) {
        Listener listener = candidates.get(Math.floorMod(turn.getAndIncrement(), candidates.size()));
        pushed = listener.push(event(id, post));
        if (!pushed) disconnect(name, listener);
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
