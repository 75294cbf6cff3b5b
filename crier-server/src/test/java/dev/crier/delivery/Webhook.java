package dev.crier.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.testing.Api;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import tools.jackson.databind.JsonNode;

/** Test shorthand for a webhook made through the API. */
record Webhook(Api api, String id, String secret) {

  static Webhook create(Api api, String json) {
    var response = api.post("/v1/webhooks", json);
    assertThat(response.status()).as(response.body()).isEqualTo(201);
    return new Webhook(api, response.json().get("id").stringValue(), response.json().get("secret").stringValue());
  }

  JsonNode get() {
    return api.get("/v1/webhooks/" + id).json();
  }

  String status() {
    return get().get("status").stringValue();
  }

  void awaitStatus(String status) {
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> status().equals(status));
  }

  /** The deliveries, newest first, optionally of one status. */
  List<JsonNode> deliveries(String status) {
    List<JsonNode> all = new ArrayList<>();
    api.get("/v1/webhooks/" + id + "/deliveries?limit=500" + (status == null ? "" : "&status=" + status))
        .json()
        .get("items")
        .forEach(all::add);
    return all;
  }

  static void publish(Api api, String type, String id, String data) {
    var response = api.post("/v1/events", "{\"id\": \"" + id + "\", \"type\": \"" + type + "\", \"data\": " + data + "}");
    assertThat(response.status()).as(response.body()).isEqualTo(202);
  }
}
