package dev.crier.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the bench asks of Crier over its HTTP API, as an admin: event types, webhooks, broadcast
 * receivers, publishing and the heap gauge. One Jetty client with connection reuse serves every
 * caller.
 *
 * <p>Thread-safe.
 */
final class CrierApi implements AutoCloseable {
  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final long TIMEOUT_SECONDS = 120;

  private final URI base;
  private final String authorization;
  private final HttpClient client = new HttpClient();

  CrierApi(URI base, String adminKey) {
    this.base = base;
    this.authorization = "Bearer " + adminKey;
    QueuedThreadPool threads = new QueuedThreadPool(64, 2);
    threads.setName("bench-client");
    threads.setDaemon(true);
    client.setExecutor(threads);
    client.setMaxConnectionsPerDestination(256);
    client.setMaxRequestsQueuedPerDestination(64 * 1024);
    client.setIdleTimeout(120_000);
    try {
      client.start();
    } catch (Exception e) {
      throw new IllegalStateException("could not start the bench's HTTP client", e);
    }
  }

  URI base() {
    return base;
  }

  void putEventType(String name, String description) {
    ObjectNode body = JSON.createObjectNode().put("description", description);
    expect(send(HttpMethod.PUT, "/v1/event-types/" + name, body), 200, 201);
  }

  /** Creates a webhook (or broadcast receiver) from {@code spec} and returns its id. */
  String create(String collection, ObjectNode spec) {
    ContentResponse response = send(HttpMethod.POST, collection, spec);
    expect(response, 201);
    return JSON.readTree(response.getContentAsString()).path("id").asString();
  }

  void delete(String collection, String id) {
    expect(send(HttpMethod.DELETE, collection + "/" + id, null), 204, 200, 404);
  }

  /** Whether Crier serves this collection (false for a 404 on a GET of it). */
  boolean exists(String collection) {
    return send(HttpMethod.GET, collection, null).getStatus() != 404;
  }

  /** Publishes a body (one event or an array) and waits for the status. */
  int publish(byte[] body) {
    try {
      return publishRequest(body).send().getStatus();
    } catch (Exception e) {
      return -1;
    }
  }

  /** Publishes without waiting; {@code status} gets the answer's status, or -1 for no answer. */
  void publishAsync(byte[] body, IntConsumer status) {
    publishRequest(body)
        .send(
            new BufferingResponseListener(4 << 20) {
              @Override
              public void onComplete(org.eclipse.jetty.client.Result result) {
                status.accept(result.isFailed() ? -1 : result.getResponse().getStatus());
              }
            });
  }

  private Request publishRequest(byte[] body) {
    return client
        .newRequest(base.resolve("/v1/events"))
        .method(HttpMethod.POST)
        .timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .headers(h -> h.put(HttpHeader.AUTHORIZATION, authorization))
        .body(new BytesRequestContent("application/json", body));
  }

  /** The JVM heap in use now, the sum of {@code jvm_memory_used_bytes{area="heap"}}. */
  OptionalLong heapUsedBytes() {
    try {
      ContentResponse response =
          client.newRequest(base.resolve("/metrics")).timeout(10, TimeUnit.SECONDS).send();
      if (response.getStatus() != 200) return OptionalLong.empty();
      return heapUsed(response.getContentAsString());
    } catch (Exception e) {
      return OptionalLong.empty();
    }
  }

  static OptionalLong heapUsed(String prometheusText) {
    double sum = 0;
    boolean found = false;
    for (String line : prometheusText.split("\n")) {
      if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        found = true;
      }
    }
    return found ? OptionalLong.of((long) sum) : OptionalLong.empty();
  }

  private ContentResponse send(HttpMethod method, String path, JsonNode body) {
    Request request =
        client
            .newRequest(base.resolve(path))
            .method(method)
            .timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS)
            .headers(h -> h.put(HttpHeader.AUTHORIZATION, authorization));
    if (body != null) {
      request.body(new BytesRequestContent("application/json", JSON.writeValueAsBytes(body)));
    }
    try {
      return request.send();
    } catch (Exception e) {
      throw new IllegalStateException(method + " " + path + " failed: " + e, e);
    }
  }

  private static void expect(ContentResponse response, int... statuses) {
    for (int status : statuses) if (response.getStatus() == status) return;
    String body = new String(response.getContent(), StandardCharsets.UTF_8);
    throw new IllegalStateException(
        response.getRequest().getMethod() + " " + response.getRequest().getPath() + " answered "
            + response.getStatus() + ": " + body.substring(0, Math.min(body.length(), 500)));
  }

  @Override
  public void close() {
    try {
      client.stop();
    } catch (Exception e) {
      // closing at the end of a run
    }
  }
}
