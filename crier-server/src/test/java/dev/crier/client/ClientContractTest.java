package dev.crier.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.testing.Api;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * openapi.json is the contract: every call crier-client ({@link Operation}) and the Node client
 * (clients/node/src/operations.json) make must be a (method, path) the document has, with only the
 * query parameters and body fields its schemas name; and the two tables must agree.
 */
class ClientContractTest {
  static JsonNode openapi;
  static JsonNode node;

  @BeforeAll
  static void read() throws IOException {
    try (InputStream in = ClientContractTest.class.getResourceAsStream("/openapi.json")) {
      openapi = Api.JSON.readTree(in);
    }
    node = Api.JSON.readTree(Files.readString(NodeClientTest.PACKAGE.resolve("src/operations.json"))).get("operations");
  }

  @Test
  void everyJavaCallIsInTheDocument() {
    List<String> wrong = new ArrayList<>();
    for (Operation op : Operation.values()) {
      wrong.addAll(check("crier-client " + op, op.method, op.path, op.query, op.fields));
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void everyNodeCallIsInTheDocument() {
    List<String> wrong = new ArrayList<>();
    for (var entry : node.properties()) {
      JsonNode op = entry.getValue();
      wrong.addAll(check("clients/node " + entry.getKey(), op.get("method").asString(), op.get("path").asString(), strings(op.get("query")), strings(op.get("fields"))));
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void theJavaBodiesSendOnlyTheFieldsTheirOperationDeclares() {
    WebhookSpec everything = new WebhookSpec(
        "https://example.com", List.of("*"), "n", "a=b", "whsec_x", "standard", true, 2, List.of("1s"), 5.0);
    TokenRequest token = new TokenRequest("acme", "u", "sub", "clients", List.of("p"), java.time.Instant.EPOCH);
    assertThat(keys(everything.toJson())).containsExactlyInAnyOrderElementsOf(Operation.CREATE_WEBHOOK.fields);
    assertThat(Operation.UPDATE_WEBHOOK.fields).isEqualTo(Operation.CREATE_WEBHOOK.fields);
    assertThat(keys(token.toJson())).containsExactlyInAnyOrderElementsOf(Operation.ISSUE_TOKEN.fields);
    assertThat(keys(new Event("e", "a.b", "{}").toJson())).containsExactlyInAnyOrderElementsOf(Operation.PUBLISH.fields);
  }

  private static Set<String> keys(String json) {
    return new TreeSet<>(Api.JSON.readTree(json).propertyNames());
  }

  @Test
  void theTwoClientsDeclareTheSameCalls() {
    Set<String> java = new TreeSet<>();
    for (Operation op : Operation.values()) {
      java.add(op.camelName() + " " + op.method + " " + op.path + " repeatable=" + op.retryUnanswered + " query=" + op.query);
    }
    Set<String> nodeCalls = new TreeSet<>();
    for (var entry : node.properties()) {
      JsonNode op = entry.getValue();
      boolean repeatable = !op.has("repeatable") || op.get("repeatable").asBoolean();
      nodeCalls.add(entry.getKey() + " " + op.get("method").asString() + " " + op.get("path").asString() + " repeatable=" + repeatable + " query=" + strings(op.get("query")));
    }
    assertThat(nodeCalls).containsExactlyElementsOf(java);
  }

  @Test
  void theNodeClientCallsOnlyWhatItsTableDeclares() throws IOException {
    String source = Files.readString(NodeClientTest.PACKAGE.resolve("src/client.js"));
    Matcher calls = Pattern.compile("(?:call|pages)\\(\"(\\w+)\"").matcher(source);
    Set<String> called = new TreeSet<>();
    while (calls.find()) {
      called.add(calls.group(1));
    }
    assertThat(called).isNotEmpty();
    assertThat(node.propertyNames()).containsAll(called);
    assertThat(source).as("requests go through call(), which checks the table").containsOnlyOnce("this.#fetch(");
  }

  /** What is wrong with one declared call, in words; empty when the document has it all. */
  private static List<String> check(String who, String method, String path, List<String> query, List<String> fields) {
    JsonNode operation = openapi.path("paths").path(path).path(method.toLowerCase(Locale.ROOT));
    if (operation.isMissingNode()) {
      return List.of(who + ": " + method + " " + path + " is not in openapi.json");
    }
    List<String> wrong = new ArrayList<>();
    Set<String> parameters = new TreeSet<>();
    for (JsonNode p : operation.path("parameters")) {
      if (p.path("in").asString().equals("query")) parameters.add(p.path("name").asString());
    }
    for (String q : query) {
      if (!parameters.contains(q)) wrong.add(who + ": query parameter " + q + " is not in " + method + " " + path);
    }
    JsonNode schema = operation.path("requestBody").path("content").path("application/json").path("schema");
    Set<String> properties = properties(schema);
    for (String f : fields) {
      if (!properties.contains(f)) wrong.add(who + ": body field " + f + " is not in the schema of " + method + " " + path + " " + properties);
    }
    return wrong;
  }

  /** The property names of an object schema, through $ref, oneOf/anyOf and array items. */
  private static Set<String> properties(JsonNode schema) {
    Set<String> out = new TreeSet<>();
    if (schema.has("$ref")) {
      String[] at = schema.get("$ref").asString().substring(2).split("/");
      JsonNode target = openapi;
      for (String step : at) target = target.path(step);
      return properties(target);
    }
    for (String combinator : Arrays.asList("oneOf", "anyOf", "allOf")) {
      for (JsonNode alternative : schema.path(combinator)) out.addAll(properties(alternative));
    }
    if (schema.has("items")) out.addAll(properties(schema.get("items")));
    out.addAll(schema.path("properties").propertyNames());
    return out;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array != null) {
      for (JsonNode item : array) out.add(item.asString());
    }
    return out;
  }
}
