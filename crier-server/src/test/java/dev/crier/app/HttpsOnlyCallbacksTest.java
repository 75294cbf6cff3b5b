package dev.crier.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.testing.Api;
import dev.crier.testing.Engine;
import dev.crier.testing.TestCrier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/** With the default settings (CRIER_ALLOW_HTTP_CALLBACKS false) a channel callback must be https. */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class HttpsOnlyCallbacksTest {
  @Parameter Engine engine;
  static TestCrier crier;
  static Api admin;

  @BeforeParameterizedClassInvocation
  static void start(Engine engine) {
    crier = TestCrier.start(engine);
    admin = crier.api();
    crier.declare("client.create");
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    crier.close();
  }

  @Test
  void anHttpCallbackIsRefusedSayingItMustBeHttps() {
    var app = admin.post("/v1/apps", "{\"name\": \"Books\", \"url\": \"http://books.example.com\"}");
    assertThat(app.status()).as(app.body()).isEqualTo(201);
    var token =
        admin.post("/v1/apps/" + app.json().get("id").stringValue() + "/tokens", "{\"account\": \"acme\", \"scope\": \"clients\"}");
    Api integrator = admin.withKey(token.json().get("access_token").stringValue());

    var salesKing = integrator.post("/api/subs", "{\"sub\": {\"channel\": \"client.create\", \"callback_url\": \"http://books.example.com/hooks\"}}");
    assertMustBeHttps(salesKing.status(), salesKing.json());
    var crierStyle = integrator.post("/v1/subscriptions", "{\"channel\": \"client.create\", \"callback_url\": \"http://books.example.com/hooks\"}");
    assertMustBeHttps(crierStyle.status(), crierStyle.json());
    assertThat(integrator.get("/api/subs").json().get("subs")).as("nothing was made").isEmpty();
  }

  @Test
  void anHttpsCallbackIsCheckedOnlyAgainstTheAppsUrl() {
    var app = admin.post("/v1/apps", "{\"name\": \"Books\", \"url\": \"https://books.example.com\"}");
    var token =
        admin.post("/v1/apps/" + app.json().get("id").stringValue() + "/tokens", "{\"account\": \"acme\", \"scope\": \"clients\"}");
    Api integrator = admin.withKey(token.json().get("access_token").stringValue());
    var created = integrator.post("/api/subs", "{\"sub\": {\"channel\": \"client.create\", \"callback_url\": \"https://books.example.com/hooks\"}}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().get("sub").get("id").stringValue();

    var downgraded = integrator.put("/api/subs/" + id, "{\"sub\": {\"callback_url\": \"http://books.example.com/hooks\"}}");
    assertMustBeHttps(downgraded.status(), downgraded.json());
    assertThat(integrator.get("/api/subs/" + id).json().get("sub").get("callback_url").stringValue()).isEqualTo("https://books.example.com/hooks");
  }

  private static void assertMustBeHttps(int status, JsonNode problem) {
    assertThat(status).as(problem.toString()).isEqualTo(422);
    assertThat(problem.get("errors").get(0).get("field").stringValue()).isEqualTo("callback_url");
    assertThat(problem.get("errors").get(0).get("message").stringValue()).contains("must be https");
  }
}
