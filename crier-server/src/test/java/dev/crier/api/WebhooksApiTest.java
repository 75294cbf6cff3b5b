package dev.crier.api;

import static dev.crier.api.PublishingApiTest.fields;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.testing.Api;
import dev.crier.testing.Engine;
import dev.crier.testing.TestCrier;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class WebhooksApiTest {
  @Parameter Engine engine;
  static TestCrier crier;
  static Api api;

  @BeforeParameterizedClassInvocation
  static void start(Engine engine) {
    crier = TestCrier.start(engine);
    api = crier.api();
    crier.declare("entry.updated", "client.create", "client.update", "message.created");
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    crier.close();
  }

  @Test
  void createShowsTheSecretOnceAndDefaultsToOrderedStandardSignatures() {
    var created = api.post("/v1/webhooks", "{\"name\": \"Books\", \"url\": \"https://example.com/hook\", \"events\": [\"client.*\", \"entry.updated\"]}");
    assertThat(created.status()).isEqualTo(201);
    JsonNode w = created.json();
    assertThat(w.get("id").stringValue()).startsWith("wh_");
    assertThat(w.get("secret").stringValue()).startsWith("whsec_");
    assertThat(java.util.Base64.getDecoder().decode(w.get("secret").stringValue().substring(6))).hasSize(32);
    assertThat(w.get("status").stringValue()).isEqualTo("active");
    assertThat(w.get("ordered").booleanValue()).isTrue();
    assertThat(w.get("signature").stringValue()).isEqualTo("standard");
    assertThat(w.get("retry_schedule").toString()).isEqualTo("[\"10s\",\"1m\",\"5m\",\"30m\",\"2h\",\"6h\"]");
    assertThat(w.get("timeout_seconds").doubleValue()).isEqualTo(10.0);

    JsonNode fetched = api.get("/v1/webhooks/" + w.get("id").stringValue()).json();
    assertThat(fetched.has("secret")).isFalse();
    assertThat(fetched.get("events").toString()).isEqualTo("[\"client.*\",\"entry.updated\"]");
    List<String> ids = api.get("/v1/webhooks").json().get("items").findValuesAsString("id");
    assertThat(ids).contains(w.get("id").stringValue());
  }

  @Test
  void webexFieldsMakeTheSameWebhook() {
    var created =
        api.post(
            "/v1/webhooks",
            "{\"name\": \"Spark\", \"targetUrl\": \"https://example.com/spark\", \"resource\": \"message\", \"event\": \"created\", \"filter\": \"roomId=abc\", \"secret\": \"a-webex-secret\"}");
    assertThat(created.status()).isEqualTo(201);
    JsonNode w = created.json();
    assertThat(w.get("url").stringValue()).isEqualTo("https://example.com/spark");
    assertThat(w.get("events").toString()).isEqualTo("[\"message.created\"]");
    assertThat(w.get("filter").stringValue()).isEqualTo("roomId=abc");
    assertThat(w.get("signature").stringValue()).isEqualTo("webex");

    var all = api.post("/v1/webhooks", "{\"targetUrl\": \"https://example.com/all\", \"resource\": \"all\", \"event\": \"all\", \"secret\": \"a-webex-secret\"}");
    assertThat(all.json().get("events").toString()).isEqualTo("[\"*\"]");
    var anyResource = api.post("/v1/webhooks", "{\"targetUrl\": \"https://example.com/c\", \"resource\": \"all\", \"event\": \"create\", \"secret\": \"a-webex-secret\"}");
    assertThat(anyResource.json().get("events").toString()).isEqualTo("[\"*.create\"]");
  }

  @Test
  void patchChangesFieldsAndDeleteRemoves() {
    String id = api.post("/v1/webhooks", "{\"url\": \"https://example.com/p\", \"events\": [\"entry.updated\"]}").json().get("id").stringValue();
    var patched = api.send("PATCH", "/v1/webhooks/" + id, "{\"name\": \"Renamed\", \"ordered\": false, \"max_in_flight\": 4, \"retry_schedule\": [5, \"1m\"], \"timeout_seconds\": 2.5}", "application/json");
    assertThat(patched.status()).isEqualTo(200);
    assertThat(patched.json().get("name").stringValue()).isEqualTo("Renamed");
    assertThat(patched.json().get("ordered").booleanValue()).isFalse();
    assertThat(patched.json().get("max_in_flight").intValue()).isEqualTo(4);
    assertThat(patched.json().get("retry_schedule").toString()).isEqualTo("[\"5s\",\"1m\"]");
    assertThat(patched.json().get("timeout_seconds").doubleValue()).isEqualTo(2.5);
    assertThat(api.get("/v1/webhooks/" + id).json().get("name").stringValue()).isEqualTo("Renamed");

    assertThat(api.delete("/v1/webhooks/" + id).status()).isEqualTo(204);
    assertThat(api.get("/v1/webhooks/" + id).status()).isEqualTo(404);
  }

  @Test
  void badWebhooksAreRefusedFieldByFieldAndNothingIsWritten() {
    int before = api.get("/v1/webhooks").json().get("items").size();
    var response =
        api.post(
            "/v1/webhooks",
            "{\"url\": \"ftp://example.com/x\", \"events\": [\"nothing.declared\", \"Bad Pattern\"], \"signature\": \"md5\", \"retry_schedule\": [\"10s\", \"soon\"], \"ordered\": \"yes\", \"colour\": 1}");
    assertThat(response.status()).isEqualTo(422);
    assertThat(fields(response.json()))
        .contains("signature", "retry_schedule[1]", "ordered", "colour");
    var semantic = api.post("/v1/webhooks", "{\"url\": \"https://user:pw@example.com/x\", \"events\": [\"nothing.declared\", \"Bad Pattern\"]}");
    assertThat(semantic.status()).isEqualTo(422);
    assertThat(fields(semantic.json())).containsExactlyInAnyOrder("url", "events[0]", "events[1]");
    assertThat(api.post("/v1/webhooks", "{\"events\": [\"entry.updated\"]}").status()).isEqualTo(422);
    assertThat(api.post("/v1/webhooks", "{\"url\": \"https://example.com\"}").status()).isEqualTo(422);
    assertThat(api.post("/v1/webhooks", "{\"url\": \"https://example.com\", \"events\": [\"entry.updated\"], \"secret\": \"not base64!\"}").status())
        .isEqualTo(422);
    assertThat(api.get("/v1/webhooks").json().get("items").size()).isEqualTo(before);
  }

  @Test
  void secretsAreStoredEncrypted() throws Exception {
    String secret = api.post("/v1/webhooks", "{\"url\": \"https://example.com/s\", \"events\": [\"entry.updated\"]}").json().get("secret").stringValue();
    try (Connection c = crier.database().connect();
        ResultSet rs = c.createStatement().executeQuery("SELECT secret FROM subscriptions")) {
      while (rs.next()) {
        assertThat(rs.getString(1)).startsWith("v1:").doesNotContain(secret).doesNotContain(secret.substring(6));
      }
    }
  }

  @Test
  void enableDisableAndResumeAnswerByState() {
    String id = api.post("/v1/webhooks", "{\"url\": \"https://example.com/e\", \"events\": [\"entry.updated\"]}").json().get("id").stringValue();
    assertThat(api.post("/v1/webhooks/" + id + "/disable", "").json().get("status").stringValue()).isEqualTo("disabled");
    assertThat(api.post("/v1/webhooks/" + id + "/resume", "").status()).isEqualTo(409);
    assertThat(api.post("/v1/webhooks/" + id + "/ping", "").status()).isEqualTo(409);
    assertThat(api.post("/v1/webhooks/" + id + "/enable", "").json().get("status").stringValue()).isEqualTo("active");
    assertThat(api.post("/v1/webhooks/nope/enable", "").status()).isEqualTo(404);
  }
}
