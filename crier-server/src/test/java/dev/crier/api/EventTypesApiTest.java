package dev.crier.api;

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

@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class EventTypesApiTest {
  @Parameter Engine engine;
  static TestCrier crier;
  static Api api;

  @BeforeParameterizedClassInvocation
  static void start(Engine engine) {
    crier = TestCrier.start(engine);
    api = crier.api();
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    crier.close();
  }

  @Test
  void putCreatesThenUpdatesAndGetListAndDeleteFollow() {
    var created = api.put("/v1/event-types/client.create", "{\"description\":\"a client was made\"}");
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.json().get("name").stringValue()).isEqualTo("client.create");

    var updated = api.put("/v1/event-types/client.create", "{\"description\":\"a new client\"}");
    assertThat(updated.status()).isEqualTo(200);
    assertThat(updated.json().get("description").stringValue()).isEqualTo("a new client");
    assertThat(updated.json().get("created_at")).isEqualTo(created.json().get("created_at"));

    var one = api.get("/v1/event-types/client.create");
    assertThat(one.status()).isEqualTo(200);
    assertThat(one.json().get("description").stringValue()).isEqualTo("a new client");

    JsonNode items = api.get("/v1/event-types").json().get("items");
    assertThat(items.findValuesAsString("name")).contains("client.create");

    assertThat(api.delete("/v1/event-types/client.create").status()).isEqualTo(204);
    assertThat(api.get("/v1/event-types/client.create").status()).isEqualTo(404);
    assertThat(api.delete("/v1/event-types/client.create").status()).isEqualTo(404);
  }

  @Test
  void namesMustBeLowercaseWordsJoinedByDots() {
    for (String bad : new String[] {"client", "Client.create", "client..create", "client.create.", "9x.y", "a-b.c"}) {
      var response = api.put("/v1/event-types/" + bad, "{\"description\":\"x\"}");
      assertThat(response.status()).as(bad).isEqualTo(422);
      assertThat(response.header("Content-Type")).startsWith("application/problem+json");
      assertThat(response.json().get("errors").get(0).get("field").stringValue()).isEqualTo("name");
    }
    assertThat(api.put("/v1/event-types/invoice_item.delete", "{\"description\":\"x\"}").status())
        .isEqualTo(201);
    assertThat(api.put("/v1/event-types/invoice.line.added", "{\"description\":\"x\"}").status())
        .isEqualTo(201);
  }

  @Test
  void bodyErrorsNameTheFieldAndWriteNothing() {
    var missing = api.put("/v1/event-types/entry.updated", "{}");
    assertThat(missing.status()).isEqualTo(422);
    assertThat(missing.json().get("errors").get(0).get("field").stringValue()).isEqualTo("description");
    assertThat(missing.json().get("errors").get(0).get("message").stringValue()).isEqualTo("is required");

    var wrongType = api.put("/v1/event-types/entry.updated", "{\"description\": 42}");
    assertThat(wrongType.status()).isEqualTo(422);
    assertThat(wrongType.json().get("errors").get(0).get("message").stringValue())
        .isEqualTo("must be a string, got a number");

    var unknown = api.put("/v1/event-types/entry.updated", "{\"description\":\"x\",\"colour\":\"red\"}");
    assertThat(unknown.status()).isEqualTo(422);
    assertThat(unknown.json().get("errors").get(0).get("field").stringValue()).isEqualTo("colour");
    assertThat(unknown.json().get("errors").get(0).get("message").stringValue()).isEqualTo("unknown field");

    var notObject = api.put("/v1/event-types/entry.updated", "[1]");
    assertThat(notObject.status()).isEqualTo(422);

    assertThat(api.get("/v1/event-types/entry.updated").status()).isEqualTo(404);
  }

  @Test
  void malformedJsonSaysWhere() {
    var response = api.put("/v1/event-types/entry.updated", "{\n  \"description\": \"x\",\n  oops\n}");
    assertThat(response.status()).isEqualTo(400);
    JsonNode problem = response.json();
    assertThat(problem.get("type").stringValue()).isEqualTo("urn:crier:problem:malformed-json");
    assertThat(problem.get("title").stringValue()).isEqualTo("Malformed JSON");
    assertThat(problem.get("status").intValue()).isEqualTo(400);
    assertThat(problem.get("detail").stringValue()).contains("line 3, column");
  }

  @Test
  void aNonJsonBodyIsRefusedWith415() {
    var response =
        api.send("PUT", "/v1/event-types/entry.updated", "description=x", "application/x-www-form-urlencoded");
    assertThat(response.status()).isEqualTo(415);
    assertThat(response.json().get("detail").stringValue()).contains("application/json");
  }

  @Test
  void unknownRoutesAndMethodsAnswerProblems() {
    var notFound = api.get("/v1/nothing-here");
    assertThat(notFound.status()).isEqualTo(404);
    assertThat(notFound.header("Content-Type")).startsWith("application/problem+json");

    var wrongMethod = api.send("PATCH", "/v1/event-types", null, null);
    assertThat(wrongMethod.status()).isEqualTo(405);
    assertThat(wrongMethod.json().get("type").stringValue()).isEqualTo("urn:crier:problem:method-not-allowed");
  }
}
