package dev.crier.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code crier listen}: receives a relay webhook's deliveries over an outbound connection and
 * forwards each to a local URL, reporting the local answer back, for endpoints nobody can reach.
 */
@Command(
    name = "listen",
    mixinStandardHelpOptions = true,
    description = "Forward a webhook's deliveries to a local URL over an outbound connection (like stripe listen).")
final class ListenCommand implements Callable<Integer> {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Set<String> NOT_FORWARDED = Set.of("host", "content-length", "connection", "expect", "upgrade");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

  @Option(names = "--url", required = true, description = "Crier's URL, e.g. http://localhost:8080")
  String url;

  @Option(names = "--token", required = true, description = "the admin key, or an app token that may manage the webhook")
  String token;

  @Option(names = "--forward-to", required = true, description = "the local URL to POST each delivery to")
  String forwardTo;

  @Option(names = "--webhook", description = "listen for an existing webhook whose url is relay:<name>")
  String webhook;

  @Option(names = "--events", split = ",", description = "create a temporary relay webhook for these event patterns")
  List<String> events;

  PrintStream out = System.out;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final AtomicReference<InputStream> stream = new AtomicReference<>();
  private volatile boolean running = true;
  private volatile boolean connected;
  private volatile boolean refused;

  @Override
  public Integer call() throws Exception {
    String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    String name;
    String temporary = null;
    if (webhook != null) {
      JsonNode w = JSON.readTree(send("GET", base + "/v1/webhooks/" + webhook, null, 200));
      String target = w.get("url").stringValue();
      if (!target.startsWith("relay:")) {
        System.err.println("crier listen: webhook " + webhook + " sends to " + target + ", not to relay:<name>");
        return 2;
      }
      name = target.substring(6);
    } else if (events != null && !events.isEmpty()) {
      name = "listen-" + UUID.randomUUID().toString().substring(0, 8);
      ObjectNode body = JSON.createObjectNode().put("name", "crier listen").put("url", "relay:" + name);
      ArrayNode patterns = body.putArray("events");
      events.forEach(patterns::add);
      JsonNode created = JSON.readTree(send("POST", base + "/v1/webhooks", JSON.writeValueAsString(body), 201));
      temporary = created.get("id").stringValue();
      out.println("Ready. Temporary webhook " + temporary + " (relay:" + name + ") for " + String.join(", ", events));
      out.println("Its signing secret is " + created.get("secret").stringValue());
    } else {
      System.err.println("crier listen: give --webhook <id> or --events <patterns>");
      return 2;
    }
    String removeOnExit = temporary;
    Thread cleanup = new Thread(() -> deleteQuietly(base, removeOnExit));
    if (removeOnExit != null) Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      listen(base, name);
    } finally {
      if (removeOnExit != null) {
        deleteQuietly(base, removeOnExit);
        try {
          Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException ignored) {
          // already shutting down
        }
      }
    }
    return refused ? 1 : 0;
  }

  /** Connects, forwards deliveries, and reconnects with backoff until stopped. */
  private void listen(String base, String name) throws InterruptedException {
    long backoff = 1_000;
    while (running) {
      try {
        HttpRequest request =
            HttpRequest.newBuilder(URI.create(base + "/v1/relay/" + name + "/listen"))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "text/event-stream")
                .GET()
                .build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
          response.body().close();
          throw new IOException("Crier answered " + response.statusCode());
        }
        stream.set(response.body());
        backoff = 1_000;
        read(base, name, response.body());
      } catch (IOException e) {
        if (!running) return;
        connected = false;
        out.println(TIME.format(LocalTime.now()) + "  disconnected (" + e.getMessage() + "); reconnecting in " + backoff / 1000 + " s");
        Thread.sleep(backoff);
        backoff = Math.min(backoff * 2, 30_000);
      }
    }
  }

  private void read(String base, String name, InputStream body) throws IOException {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String event = null;
      StringBuilder data = new StringBuilder();
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isEmpty()) {
          dispatch(base, name, event, data.toString());
          event = null;
          data.setLength(0);
        } else if (line.startsWith("event:")) {
          event = line.substring(6).trim();
        } else if (line.startsWith("data:")) {
          data.append(line.substring(5).trim());
        }
      }
    }
    throw new IOException("the connection closed");
  }

  private void dispatch(String base, String name, String event, String data) {
    if ("connected".equals(event)) {
      connected = true;
      out.println(TIME.format(LocalTime.now()) + "  connected to relay:" + name + ", forwarding to " + forwardTo);
    } else if ("delivery".equals(event)) {
      JsonNode delivery = JSON.readTree(data);
      Thread.ofVirtual().start(() -> forward(base, name, delivery));
    } else if ("error".equals(event)) {
      // Refused, or cut off because the webhook or the token is gone: reconnecting cannot help.
      out.println(TIME.format(LocalTime.now()) + "  refused: " + data);
      refused = true;
      running = false;
    }
  }

  private void forward(String base, String name, JsonNode delivery) {
    byte[] body = Base64.getDecoder().decode(delivery.get("body").stringValue());
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(forwardTo)).timeout(Duration.ofSeconds(30));
    String type = "?";
    for (JsonNode pair : delivery.get("headers")) {
      String header = pair.get(0).stringValue();
      if (header.toLowerCase(Locale.ROOT).endsWith("-event")) type = pair.get(1).stringValue();
      if (!NOT_FORWARDED.contains(header.toLowerCase(Locale.ROOT))) request.header(header, pair.get(1).stringValue());
    }
    request.POST(HttpRequest.BodyPublishers.ofByteArray(body));
    long start = System.nanoTime();
    ObjectNode report = JSON.createObjectNode();
    try {
      HttpResponse<byte[]> local = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      long millis = (System.nanoTime() - start) / 1_000_000;
      report.put("status", local.statusCode()).put("duration_ms", millis);
      ArrayNode headers = report.putArray("headers");
      local.headers().map().forEach((k, values) -> values.forEach(v -> headers.addArray().add(k).add(v)));
      byte[] answer = local.body().length > 4096 ? java.util.Arrays.copyOf(local.body(), 4096) : local.body();
      report.put("body", Base64.getEncoder().encodeToString(answer));
      out.println(TIME.format(LocalTime.now()) + "  " + type + "  -> " + local.statusCode() + "  " + millis + " ms");
    } catch (IOException | InterruptedException e) {
      long millis = (System.nanoTime() - start) / 1_000_000;
      report.put("status", 0).put("duration_ms", millis).put("error", String.valueOf(e.getMessage()));
      out.println(TIME.format(LocalTime.now()) + "  " + type + "  -> failed: " + e.getMessage());
    }
    try {
      send("POST", base + "/v1/relay/" + name + "/results/" + delivery.get("id").stringValue(), JSON.writeValueAsString(report), 204);
    } catch (IOException | InterruptedException e) {
      out.println(TIME.format(LocalTime.now()) + "  could not report the answer: " + e.getMessage());
    }
  }

  private String send(String method, String target, String json, int expected) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target)).header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30));
    if (json != null) request.header("Content-Type", "application/json");
    request.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != expected) {
      throw new IOException(method + " " + target + " answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  private void deleteQuietly(String base, String id) {
    if (id == null) return;
    try {
      send("DELETE", base + "/v1/webhooks/" + id, null, 204);
      out.println("Deleted the temporary webhook " + id);
    } catch (IOException | InterruptedException e) {
      // best effort on the way out
    }
  }

  boolean connected() {
    return connected;
  }

  /** Stops listening (closes the connection); {@link #call} returns. */
  void stop() {
    running = false;
    InputStream current = stream.get();
    if (current != null) {
      try {
        current.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

}
