package dev.crier.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client for tests: real requests to a running Crier, JSON in and out. */
public final class Api {
  public static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String base;
  private final String authorization;

  private Api(String base, String authorization, boolean raw) {
    this.base = base;
    this.authorization = authorization;
  }

  /** A client sending {@code Authorization: Bearer key} (nothing when key is null). */
  public Api(String base, String key) {
    this(base, key == null ? null : "Bearer " + key, true);
  }

  /** The same server, with another key (or none, when null). */
  public Api withKey(String otherKey) {
    return new Api(base, otherKey);
  }

  /** The same server, sending this exact Authorization header. */
  public Api withAuthorization(String header) {
    return new Api(base, header, true);
  }

  public String base() {
    return base;
  }

  public Response get(String path) {
    return send("GET", path, null, "application/json");
  }

  /** The value of an unlabelled metric on {@code /metrics} (0 when it is not there yet). */
  public double metric(String name) {
    for (String line : get("/metrics").body().split("\n")) {
      if (line.startsWith(name + " ")) return Double.parseDouble(line.split(" ")[1]);
    }
    return 0;
  }

  public Response delete(String path) {
    return send("DELETE", path, null, "application/json");
  }

  public Response post(String path, String json) {
    return send("POST", path, json, "application/json");
  }

  public Response put(String path, String json) {
    return send("PUT", path, json, "application/json");
  }

  public Response send(String method, String path, String body, String contentType) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    if (authorization != null) request.header("Authorization", authorization);
    if (body != null && contentType != null) request.header("Content-Type", contentType);
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> response =
          CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** An answer: status, headers and the body (parsed as JSON when it is JSON). */
  public record Response(HttpResponse<String> raw) {
    public int status() {
      return raw.statusCode();
    }

    public String body() {
      return raw.body();
    }

    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    public JsonNode json() {
      return JSON.readTree(raw.body());
    }

    @Override
    public String toString() {
      return raw.statusCode() + " " + raw.body();
    }
  }
}
