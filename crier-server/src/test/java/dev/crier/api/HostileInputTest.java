package dev.crier.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.config.Settings;
import dev.crier.testing.Api;
import dev.crier.testing.AppToken;
import dev.crier.testing.Engine;
import dev.crier.testing.Receiver;
import dev.crier.testing.TestCrier;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every route of the OpenAPI document, sent generated hostile input in each path parameter,
 * query parameter and body field it documents: NUL, lone surrogates, over-long text, numbers and
 * times out of range, wrong JSON types, deep and malformed JSON, and another tenant's ids. Each
 * answer must be a 4xx problem (naming the field when a field is at fault), never a 5xx; and
 * the other tenant's resources must read the same before and after, never showing in an answer.
 * A route added to the document is attacked without changing this test; one with a request body
 * needs a valid example in {@link #VALID}, which the attacks spoil one field at a time.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class HostileInputTest {
  /** JSON written with every non-ASCII character escaped, so a lone surrogate travels as {@code \ud800}. */
  private static final JsonMapper ESCAPING = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String NUL = "a\u0000b";
  private static final String SURROGATE = "a\ud800b";
  private static final Pattern PARAM = Pattern.compile("\\{([^}]+)}");

  /**
   * A valid body for each route with one, with {@code ${app}} for the caller's app URL; each
   * attack changes one field of it, so the attacked field is the only thing wrong.
   */
  private static final Map<String, String> VALID =
      Map.ofEntries(
          Map.entry("PUT /v1/event-types/{name}", "{\"description\": \"d\", \"scope\": \"clients\"}"),
          Map.entry(
              "POST /v1/events",
              "{\"type\": \"client.create\", \"account\": \"acme\", \"subject\": {\"type\": \"client\", \"id\": \"7\", \"path\": \"/c/7\","
                  + " \"url\": \"https://api.example/c/7\"}, \"data\": {\"k\": \"v\"}, \"changes\": {\"k\": [\"a\", \"b\"]},"
                  + " \"required_permissions\": [\"clients:read\"], \"occurred_at\": \"2026-01-01T00:00:00Z\"}"),
          Map.entry(
              "POST /v1/webhooks",
              "{\"name\": \"n\", \"url\": \"${app}/wh2\", \"events\": [\"client.create\"], \"filter\": \"k=v\", \"signature\": \"standard\","
                  + " \"ordered\": false, \"max_in_flight\": 2, \"retry_schedule\": [1, \"5m\"], \"timeout_seconds\": 5}"),
          Map.entry("PATCH /v1/webhooks/{id}", "{\"name\": \"renamed\"}"),
          Map.entry("POST /v1/webhooks/{id}/rotate-secret", "{\"overlap_seconds\": 10}"),
          Map.entry("POST /v1/broadcast-receivers", "{\"name\": \"b\", \"url\": \"${app}/bc2\", \"subjects\": [\"timer\"], \"interval_seconds\": 5}"),
          Map.entry("PATCH /v1/broadcast-receivers/{id}", "{\"name\": \"renamed\"}"),
          Map.entry("POST /v1/broadcast-receivers/{id}/add-subjects", "{\"subjects\": [\"timer\"]}"),
          Map.entry("POST /v1/broadcast-receivers/{id}/remove-subjects", "{\"subjects\": [\"timer\"]}"),
          Map.entry("POST /v1/apps", "{\"name\": \"a\", \"url\": \"https://app.example\"}"),
          Map.entry("PATCH /v1/apps/{id}", "{\"name\": \"renamed\"}"),
          Map.entry(
              "POST /v1/apps/{id}/tokens",
              "{\"account\": \"acme\", \"user_id\": \"u\", \"sub_domain\": \"s\", \"scope\": \"clients\", \"permissions\": [\"p\"],"
                  + " \"expires_at\": \"2030-01-01T00:00:00Z\"}"),
          Map.entry("PUT /v1/tokens/{id}/permissions", "{\"permissions\": [\"p\"]}"),
          Map.entry("POST /api/subs", "{\"sub\": {\"channel\": \"client.create\", \"callback_url\": \"${app}/sub2\"}}"),
          Map.entry("PUT /api/subs/{id}", "{\"sub\": {\"channel\": \"client.create\", \"callback_url\": \"${app}/sub3\"}}"),
          Map.entry("POST /v1/subscriptions", "{\"channel\": \"client.create\", \"callback_url\": \"${app}/sub4\"}"),
          Map.entry("PATCH /v1/subscriptions/{id}", "{\"channel\": \"client.create\", \"callback_url\": \"${app}/sub5\"}"),
          Map.entry(
              "POST /v1/relay/{name}/results/{id}",
              "{\"status\": 200, \"headers\": [[\"a\", \"b\"]], \"body\": \"\", \"error\": \"e\", \"duration_ms\": 5}"),
          Map.entry("POST /v1/watches", "{\"pattern\": \"/hostile/w\", \"endpoint\": \"${app}/w2\"}"),
          Map.entry("PUT /w/", "{\"pattern\": \"/hostile/seed\", \"endpoint\": \"${app}/seed\"}"),
          Map.entry("DELETE /w/", "{\"pattern\": \"/hostile/seed\", \"endpoint\": \"${app}/seed\"}"),
          Map.entry("PUT /{path}/watch", "{\"endpoint\": \"${app}/pw\"}"),
          Map.entry("POST /v1/signing-keys/rotate", "{\"overlap_seconds\": 86400}"));

  /** What a path parameter can name that no tenant owns: any caller may use the same value. */
  private static final Set<String> UNOWNED = Set.of("path", "event-types", "results");

  @Parameter Engine engine;
  static TestCrier crier;
  static Api admin;
  static Receiver receiver;
  static Tenant mine;
  static Tenant theirs;
  static JsonNode openApi;

  /** One app's token in one account, and one resource of every kind it made, by the path segment naming them. */
  record Tenant(AppToken token, String appUrl, Map<String, String> ids) {
    /** Ids that must never show in an answer to another tenant (short numeric ids would match by chance). */
    List<String> secrets() {
      return ids.entrySet().stream()
          .filter(e -> !UNOWNED.contains(e.getKey()))
          .map(Map.Entry::getValue)
          .filter(id -> id.length() >= 8)
          .toList();
    }
  }

  @BeforeParameterizedClassInvocation
  static void start(Engine engine) throws IOException {
    crier = TestCrier.start(engine, Map.of(Settings.Key.ALLOW_HTTP_CALLBACKS, "true"));
    admin = crier.api();
    receiver = Receiver.start();
    crier.declare("client.create", "timer.running");
    try (InputStream in = HostileInputTest.class.getResourceAsStream("/openapi.json")) {
      openApi = Api.JSON.readTree(in);
    }
    mine = tenant("acme");
    theirs = tenant("globex");
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    crier.close();
    receiver.close();
  }

  private static Tenant tenant(String account) {
    String appUrl = receiver.url("/" + account);
    AppToken token = AppToken.issue(admin, account, appUrl, account, "clients timers");
    Map<String, String> ids = new LinkedHashMap<>();
    ids.put("apps", token.appId());
    ids.put("tokens", token.tokenId());
    ids.put("webhooks", created(token.api().post("/v1/webhooks", "{\"url\": \"" + appUrl + "/wh\", \"events\": [\"client.create\"]}"), "id"));
    String relay = account + "-relay";
    created(token.api().post("/v1/webhooks", "{\"url\": \"relay:" + relay + "\", \"events\": [\"timer.running\"]}"), "id");
    ids.put("relay", relay);
    ids.put(
        "broadcast-receivers",
        created(token.api().post("/v1/broadcast-receivers", "{\"name\": \"b\", \"url\": \"" + appUrl + "/bc\", \"subjects\": [\"timer\"]}"), "id"));
    ids.put("watches", created(token.api().post("/v1/watches", "{\"pattern\": \"/" + account + "/w\", \"endpoint\": \"" + appUrl + "/w\"}"), "id"));
    String sub = token.api().post("/api/subs", "{\"sub\": {\"channel\": \"client.create\", \"callback_url\": \"" + appUrl + "/sub\"}}").json().get("sub").get("id").stringValue();
    ids.put("subs", sub);
    ids.put("subscriptions", sub);
    ids.put("events", created(admin.post("/v1/events", "{\"type\": \"client.create\", \"account\": \"" + account + "\"}"), "id"));
    ids.put("event-types", "client.create");
    ids.put("results", "no-delivery-waits-for-this");
    ids.put("path", account + "/watched");
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !token.api().get("/v1/deliveries").json().get("items").isEmpty());
    ids.put("deliveries", token.api().get("/v1/deliveries").json().get("items").get(0).get("id").stringValue());
    return new Tenant(token, appUrl, ids);
  }

  private static String created(Api.Response answer, String field) {
    assertThat(answer.status()).as(answer.body()).isIn(201, 202);
    return answer.json().get(field).asString();
  }

  // ---------------------------------------------------------------- the routes and their attacks

  record Operation(String method, String template, JsonNode spec) {
    String key() {
      return method + " " + template;
    }

    boolean noah() {
      return spec.get("responses").toString().contains("NoahFailure");
    }

    boolean stream() {
      return spec.get("responses").toString().contains("text/event-stream");
    }
  }

  enum Expect {
    /** A 4xx problem naming the field, when there is one. */
    REFUSED,
    /** Anything but a 5xx (the value may be fine); a 4xx must still be a problem. */
    NOT_5XX,
    /** Another tenant's id: a 4xx problem. */
    FOREIGN
  }

  record Attack(Operation op, String label, Api caller, String path, byte[] body, String contentType, Expect expect, String field) {}

  private static List<Operation> operations() {
    List<Operation> ops = new ArrayList<>();
    for (var path : openApi.get("paths").properties()) {
      for (var method : path.getValue().properties()) {
        if (Set.of("get", "put", "post", "patch", "delete").contains(method.getKey())) {
          ops.add(new Operation(method.getKey().toUpperCase(), path.getKey(), method.getValue()));
        }
      }
    }
    return ops;
  }

  private static List<JsonNode> parameters(Operation op, String in) {
    List<JsonNode> found = new ArrayList<>();
    JsonNode shared = openApi.get("paths").get(op.template()).get("parameters");
    for (JsonNode list : new JsonNode[] {shared, op.spec().get("parameters")}) {
      if (list == null) continue;
      for (JsonNode p : list) if (p.get("in").stringValue().equals(in)) found.add(p);
    }
    return found;
  }

  /** The route's path with each parameter given by {@code value}, already URL-encoded. */
  private static String fill(Operation op, Function<String, String> value) {
    Matcher m = PARAM.matcher(op.template());
    StringBuilder out = new StringBuilder();
    while (m.find()) m.appendReplacement(out, Matcher.quoteReplacement(value.apply(segmentBefore(op.template(), m.start()))));
    m.appendTail(out);
    return out.toString();
  }

  /** The resource a parameter names: the segment before it ({@code webhooks} for {@code /v1/webhooks/{id}}), or its own name at the start. */
  private static String segmentBefore(String template, int at) {
    String before = template.substring(0, at);
    String[] segments = before.split("/");
    if (segments.length < 2) return "path";
    String segment = segments[segments.length - 1];
    return segment.isEmpty() ? "path" : segment;
  }

  private static String idOf(Tenant tenant, String resource) {
    String id = tenant.ids().get(resource);
    if (id == null) throw new AssertionError("no resource for a '" + resource + "' path parameter: give the tenants one in tenant()");
    return id;
  }

  /** The app token, unless it is refused with 403 (a route for the provider): then the admin key. */
  private static Api callerFor(Operation op) {
    if (op.spec().has("security") && op.spec().get("security").isEmpty()) return admin;
    String probe = fill(op, r -> "no-such-id");
    var answer = send(mine.token().api(), op.method(), probe, "{".getBytes(StandardCharsets.UTF_8), "application/json");
    return answer.statusCode() == 403 ? admin : mine.token().api();
  }

  private static List<Attack> attacks(Operation op) {
    List<Attack> attacks = new ArrayList<>();
    Api caller = callerFor(op);
    String path = fill(op, r -> idOf(mine, r));
    String valid = VALID.get(op.key());
    byte[] validBody = valid == null ? null : valid.replace("${app}", mine.appUrl()).getBytes(StandardCharsets.UTF_8);

    // on the route's own resources only where that changes nothing that matters (not a delete or an action)
    boolean harmless = op.method().equals("GET") || validBody != null;
    if (!op.stream()) {
      String where = harmless ? path : fill(op, r -> "no-such-id");
      attacks.add(new Attack(op, "an unknown query parameter", caller, where + "?hostile_param=%00", validBody, "application/json", Expect.NOT_5XX, null));
    }
    for (String bad : List.of("%00", "%ED%A0%80", "%FF", "a".repeat(5000), "-1", "99999999999999999999999", "%27%20OR%201%3D1--", "..%2F..%2Fv1%2Fapps", "%C3%A9")) {
      String hostile = fill(op, r -> bad);
      attacks.add(new Attack(op, "path parameters = " + abbreviate(bad), caller, hostile, validBody, "application/json", Expect.NOT_5XX, null));
    }
    List<String> named = new ArrayList<>();
    fill(op, r -> { named.add(r); return r; });
    if (named.stream().anyMatch(r -> !UNOWNED.contains(r))) {
      String foreign = fill(op, r -> idOf(theirs, r));
      attacks.add(new Attack(op, "another tenant's ids", mine.token().api(), foreign, validBody, "application/json", Expect.FOREIGN, null));
    }
    for (JsonNode p : parameters(op, "query")) queryAttacks(op, caller, path, p, attacks);
    JsonNode schema = bodySchema(op);
    if (schema != null) {
      if (validBody == null) throw new AssertionError(op.key() + " takes a body: give a valid example in HostileInputTest.VALID");
      bodyAttacks(op, caller, path, valid.replace("${app}", mine.appUrl()), schema, attacks);
    }
    return attacks;
  }

  private static void queryAttacks(Operation op, Api caller, String path, JsonNode param, List<Attack> attacks) {
    String name = param.get("name").stringValue();
    JsonNode schema = param.get("schema");
    String type = schema == null || !schema.has("type") ? "string" : schema.get("type").stringValue();
    boolean time = schema != null && "date-time".equals(schema.path("format").asString(""));
    Map<String, Expect> values = new LinkedHashMap<>();
    values.put("%00", Expect.REFUSED);
    values.put("%ED%A0%80", Expect.NOT_5XX);
    values.put("a".repeat(5000), Expect.NOT_5XX);
    values.put("-1", type.equals("integer") ? Expect.REFUSED : Expect.NOT_5XX);
    values.put("99999999999999999999", type.equals("integer") ? Expect.REFUSED : Expect.NOT_5XX);
    values.put("%2B999999999-12-31T23:59:59Z", time || type.equals("integer") ? Expect.REFUSED : Expect.NOT_5XX);
    values.put("-999999999-01-01T00:00:00Z", time || type.equals("integer") ? Expect.REFUSED : Expect.NOT_5XX);
    values.put("2026-02-30T25:61:00Z", time || type.equals("integer") ? Expect.REFUSED : Expect.NOT_5XX);
    if (schema != null && schema.has("enum")) values.put("not-one-of-them", Expect.REFUSED);
    if (name.equals("subscription")) {
      attacks.add(new Attack(op, "query " + name + " = another tenant's", mine.token().api(), path + "?" + name + "=" + theirs.ids().get("subscriptions"), null, null, Expect.FOREIGN, null));
    }
    values.forEach((value, expect) ->
        attacks.add(new Attack(op, "query " + name + " = " + abbreviate(value), caller, path + "?" + name + "=" + value, null, null, expect, name)));
  }

  private static JsonNode bodySchema(Operation op) {
    JsonNode body = op.spec().path("requestBody").path("content").path("application/json").path("schema");
    return body.isMissingNode() ? null : resolve(body);
  }

  private static JsonNode resolve(JsonNode schema) {
    if (schema.has("$ref")) {
      String name = schema.get("$ref").stringValue().replace("#/components/schemas/", "");
      return resolve(openApi.get("components").get("schemas").get(name));
    }
    if (schema.has("oneOf")) {
      for (JsonNode option : schema.get("oneOf")) {
        JsonNode resolved = resolve(option);
        if (resolved.path("type").asString("").equals("object")) return resolved;
      }
    }
    return schema;
  }

  /** Malformed and mistyped bodies, then every documented field of the valid body spoiled in turn. */
  private static void bodyAttacks(Operation op, Api caller, String path, String valid, JsonNode schema, List<Attack> attacks) {
    Map<String, String> wholes = new LinkedHashMap<>();
    wholes.put("an empty body", "");
    wholes.put("truncated JSON", "{\"a\": ");
    wholes.put("a missing value", "{\"a\": }");
    wholes.put("trailing garbage", valid + " x");
    wholes.put("a bare word", "nul");
    wholes.put("a JSON string", "\"text\"");
    wholes.put("a JSON number", "42");
    wholes.put("an array of numbers", "[1, 2]");
    wholes.put("deeply nested arrays", "[".repeat(100_000) + "]".repeat(100_000));
    wholes.put("deeply nested objects", "{\"a\": ".repeat(2_000) + "1" + "}".repeat(2_000));
    wholes.put("a raw NUL byte in a string", "{\"a\": \"x\u0000y\"}");
    wholes.put("a duplicated field", "{" + valid.substring(1, valid.indexOf(',') > 0 ? valid.indexOf(',') : valid.length() - 1) + ", " + valid.substring(1));
    boolean optional = !op.spec().path("requestBody").path("required").asBoolean(false);
    wholes.forEach((label, body) -> {
      Expect expect = body.isEmpty() && optional ? Expect.NOT_5XX : Expect.REFUSED;
      attacks.add(new Attack(op, label, caller, path, body.getBytes(StandardCharsets.UTF_8), "application/json", expect, null));
    });
    byte[] badUtf8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'};
    attacks.add(new Attack(op, "invalid UTF-8", caller, path, badUtf8, "application/json", Expect.REFUSED, null));
    attacks.add(new Attack(op, "a text/plain body", caller, path, valid.getBytes(StandardCharsets.UTF_8), "text/plain", Expect.NOT_5XX, null));
    ObjectNode unknown = (ObjectNode) Api.JSON.readTree(valid);
    unknown.put("hostile_unknown", 1);
    attacks.add(new Attack(op, "an unknown field", caller, path, bytes(unknown), "application/json", Expect.REFUSED, "hostile_unknown"));
    boolean[] huge = {false};
    boolean batches = takesBatches(op);
    fields(schema, List.of(), (field, fieldSchema) -> {
      for (var spoiled : spoil(fieldSchema, huge).entrySet()) {
        ObjectNode body = (ObjectNode) Api.JSON.readTree(valid);
        set(body, field, spoiled.getKey().value());
        String name = String.join(".", field);
        attacks.add(new Attack(op, name + " = " + spoiled.getKey().label(), caller, path, bytes(body), "application/json", spoiled.getValue(), name));
        if (batches && !spoiled.getKey().label().equals("1 MB")) {
          // beside a valid item, in one batch: the bad one is named by its index
          ArrayNode batch = NODES.arrayNode().add(Api.JSON.readTree(valid)).add(body);
          attacks.add(new Attack(op, "[1]." + name + " = " + spoiled.getKey().label(), caller, path, bytes(batch), "application/json", spoiled.getValue(), "[1]." + name));
        }
      }
    });
  }

  /** Whether the route also takes an array of the objects its body documents (a batch of events). */
  private static boolean takesBatches(Operation op) {
    JsonNode body = op.spec().path("requestBody").path("content").path("application/json").path("schema");
    for (JsonNode option : body.path("oneOf")) if (option.path("type").asString("").equals("array")) return true;
    return false;
  }

  /** Calls {@code visit} for each documented field, nested objects' fields included. */
  private static void fields(JsonNode schema, List<String> at, BiConsumer<List<String>, JsonNode> visit) {
    JsonNode properties = schema.get("properties");
    if (properties == null) return;
    for (var property : properties.properties()) {
      List<String> field = new ArrayList<>(at);
      field.add(property.getKey());
      JsonNode fieldSchema = resolve(property.getValue());
      visit.accept(field, fieldSchema);
      if (fieldSchema.has("properties")) fields(fieldSchema, field, visit);
    }
  }

  record Value(String label, JsonNode value) {}

  /** Hostile values for a field of this schema, each with what it must get. */
  private static Map<Value, Expect> spoil(JsonNode schema, boolean[] hugeSent) {
    String type = schema.path("type").asString("");
    Map<Value, Expect> values = new LinkedHashMap<>();
    values.put(new Value("NUL", NODES.stringNode(NUL)), Expect.REFUSED);
    values.put(new Value("a lone surrogate", NODES.stringNode(SURROGATE)), Expect.REFUSED);
    switch (type) {
      case "string" -> {
        values.put(new Value("a number", NODES.numberNode(12345)), Expect.REFUSED);
        values.put(new Value("an object", NODES.objectNode()), Expect.REFUSED);
        values.put(new Value("an array", NODES.arrayNode().add("x")), Expect.REFUSED);
        int max = schema.path("maxLength").asInt(10_000);
        values.put(new Value((max + 1) + " characters", NODES.stringNode("a".repeat(max + 1))), schema.has("maxLength") ? Expect.REFUSED : Expect.NOT_5XX);
        if (!hugeSent[0]) {
          hugeSent[0] = true;
          values.put(new Value("1 MB", NODES.stringNode("a".repeat(1 << 20))), Expect.NOT_5XX);
        }
        if ("date-time".equals(schema.path("format").asString(""))) {
          for (String time : List.of("+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z", "2026-02-30T25:61:00Z", "yesterday")) {
            values.put(new Value(time, NODES.stringNode(time)), Expect.REFUSED);
          }
        }
      }
      case "integer", "number" -> {
        values.put(new Value("a string", NODES.stringNode("12")), Expect.REFUSED);
        values.put(new Value("a boolean", NODES.booleanNode(true)), Expect.REFUSED);
        boolean ranged = schema.has("minimum") && schema.has("maximum");
        Expect outside = ranged ? Expect.REFUSED : Expect.NOT_5XX;
        values.put(new Value("2^63", NODES.numberNode(new BigInteger("9223372036854775808"))), outside);
        values.put(new Value("-2^63-1", NODES.numberNode(new BigInteger("-9223372036854775809"))), outside);
        values.put(new Value("400 digits", NODES.numberNode(new BigInteger("1" + "0".repeat(400)))), outside);
        values.put(new Value("1e400", NODES.numberNode(new BigDecimal("1e400"))), outside);
        values.put(new Value("-1e400", NODES.numberNode(new BigDecimal("-1e400"))), outside);
        if (type.equals("integer")) values.put(new Value("1.5", NODES.numberNode(1.5)), Expect.REFUSED);
        if (schema.has("minimum")) {
          values.put(new Value("below the minimum", NODES.numberNode(schema.get("minimum").decimalValue().subtract(BigDecimal.valueOf(0.5)))), Expect.REFUSED);
        }
        if (schema.has("maximum")) {
          values.put(new Value("above the maximum", NODES.numberNode(schema.get("maximum").decimalValue().add(BigDecimal.ONE))), Expect.REFUSED);
        }
      }
      case "boolean" -> {
        values.put(new Value("a string", NODES.stringNode("true")), Expect.REFUSED);
        values.put(new Value("a number", NODES.numberNode(1)), Expect.REFUSED);
      }
      case "array" -> {
        values.put(new Value("a string", NODES.stringNode("x")), Expect.REFUSED);
        values.put(new Value("an object", NODES.objectNode()), Expect.REFUSED);
        values.put(new Value("[NUL]", NODES.arrayNode().add(NUL)), Expect.REFUSED);
        values.put(new Value("[lone surrogate]", NODES.arrayNode().add(SURROGATE)), Expect.REFUSED);
        values.put(new Value("[[NUL]]", NODES.arrayNode().add(NODES.arrayNode().add(NUL))), Expect.REFUSED);
        values.put(new Value("[1e400]", NODES.arrayNode().add(NODES.numberNode(new BigDecimal("1e400")))), Expect.NOT_5XX);
        if (schema.path("items").path("type").asString("").equals("string")) {
          values.put(new Value("[a number]", NODES.arrayNode().add(12)), Expect.REFUSED);
        }
        if (schema.path("items").has("maxLength")) {
          int max = schema.get("items").get("maxLength").asInt();
          values.put(new Value("[" + (max + 1) + " characters]", NODES.arrayNode().add("a".repeat(max + 1))), Expect.REFUSED);
        }
      }
      case "object" -> {
        values.put(new Value("a string", NODES.stringNode("x")), Expect.REFUSED);
        values.put(new Value("an array", NODES.arrayNode()), Expect.REFUSED);
        if (!schema.has("properties")) {
          // the publisher's own JSON: NUL is kept (escaped); a lone surrogate is not text
          values.put(new Value("{k: NUL}", NODES.objectNode().put("k", NUL)), Expect.NOT_5XX);
          values.put(new Value("{NUL: 1}", NODES.objectNode().put(NUL, 1)), Expect.NOT_5XX);
          values.put(new Value("{k: [lone surrogate]}", NODES.objectNode().set("k", NODES.arrayNode().add(SURROGATE))), Expect.REFUSED);
          values.put(new Value("{k: 1e400}", NODES.objectNode().set("k", NODES.numberNode(new BigDecimal("1e400")))), Expect.NOT_5XX);
          ObjectNode deep = NODES.objectNode();
          ObjectNode at = deep;
          for (int i = 0; i < 450; i++) at = at.putObject("k");
          values.put(new Value("450 levels deep", deep), Expect.NOT_5XX);
        }
      }
      default -> {
        // a field of no documented type: the common values above only
      }
    }
    return values;
  }

  private static void set(ObjectNode body, List<String> field, JsonNode value) {
    ObjectNode at = body;
    for (String name : field.subList(0, field.size() - 1)) {
      JsonNode next = at.get(name);
      at = next instanceof ObjectNode object ? object : at.putObject(name);
    }
    at.set(field.get(field.size() - 1), value);
  }

  private static byte[] bytes(JsonNode node) {
    return ESCAPING.writeValueAsBytes(node);
  }

  private static String abbreviate(String text) {
    return text.length() > 40 ? text.substring(0, 12) + "…(" + text.length() + " characters)" : text;
  }

  // ---------------------------------------------------------------- sending and judging

  private static HttpResponse<String> send(Api caller, String method, String path, byte[] body, String contentType) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(caller.base() + path)).timeout(Duration.ofSeconds(30));
    // the callers are the admin's client and my token's, each one instance
    String key = caller == admin ? TestCrier.ADMIN_KEY : caller == mine.token().api() ? mine.token().token() : null;
    if (key != null) request.header("Authorization", "Bearer " + key);
    if (body != null && contentType != null) request.header("Content-Type", contentType);
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** What is wrong with the answer to {@code attack}, or null when it is as it must be. */
  private static String judge(Attack attack, HttpResponse<String> answer) {
    int status = answer.statusCode();
    String type = answer.headers().firstValue("Content-Type").orElse("");
    String body = answer.body();
    if (attack.caller() != admin) {
      for (String secret : theirs.secrets()) {
        if (body.contains(secret) && !attack.path().contains(secret)) return "shows the other tenant's " + secret;
      }
    }
    if (status >= 500) return "answered " + status;
    if (attack.op().stream() && status == 200) {
      return body.contains("event: connected") ? "opened the stream" : null;
    }
    if (status < 400) {
      return attack.expect() == Expect.NOT_5XX ? null : "was accepted (" + status + ")";
    }
    boolean problem = type.startsWith("application/problem+json");
    boolean noahFailure = attack.op().noah() && type.startsWith("application/json") && body.contains("\"result\":\"failure\"");
    if (!problem && !noahFailure) return "answered " + status + " as " + type + ", not a problem";
    if (attack.expect() != Expect.REFUSED || attack.field() == null || status == 413) return null;
    String last = attack.field().substring(attack.field().lastIndexOf('.') + 1);
    if (problem) {
      JsonNode json = Api.JSON.readTree(body);
      for (JsonNode error : json.path("errors")) {
        String field = error.path("field").asString("");
        if (field.startsWith(attack.field()) || field.startsWith(last)) return null;
      }
      if (json.path("detail").asString("").contains(last)) return null;
    } else if (body.contains(last)) {
      return null;
    }
    return "does not name " + attack.field();
  }

  /** The other tenant's resources, read by them and by the admin. */
  private static Map<String, String> snapshot(Tenant t) {
    Map<String, String> seen = new LinkedHashMap<>();
    Api their = t.token().api();
    for (String path : List.of(
        "/v1/webhooks", "/v1/webhooks/" + t.ids().get("webhooks"), "/v1/broadcast-receivers", "/v1/broadcast-receivers/" + t.ids().get("broadcast-receivers"),
        "/v1/watches", "/v1/watches/" + t.ids().get("watches"), "/api/subs", "/v1/subscriptions/" + t.ids().get("subs"), "/v1/me")) {
      seen.put(path, their.get(path).body());
    }
    seen.put("/v1/apps/" + t.ids().get("apps"), admin.get("/v1/apps/" + t.ids().get("apps")).body());
    seen.put("/v1/tokens/" + t.ids().get("tokens"), admin.get("/v1/tokens/" + t.ids().get("tokens")).body());
    seen.put("/v1/apps/{id}/tokens", admin.get("/v1/apps/" + t.ids().get("apps") + "/tokens").body());
    return seen;
  }

  @Test
  void everyDocumentedRouteRefusesHostileInputWithAProblemAndTouchesNoOtherTenant() throws Exception {
    Map<String, String> before = snapshot(theirs);
    List<Operation> ops = operations();
    List<Attack> attacks = new ArrayList<>();
    for (Operation op : ops) attacks.addAll(attacks(op));
    Set<String> exercised = ConcurrentHashMap.newKeySet();
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      List<Future<?>> sent = new ArrayList<>();
      for (Attack attack : attacks) {
        sent.add(pool.submit(() -> {
          String verdict;
          try {
            verdict = judge(attack, send(attack.caller(), attack.op().method(), attack.path(), attack.body(), attack.contentType()));
          } catch (UncheckedIOException e) {
            verdict = e.getCause() instanceof HttpTimeoutException ? "got no answer in 30 s" : "failed: " + e.getCause();
          }
          exercised.add(attack.op().key());
          if (verdict != null) failures.add(attack.op().key() + " with " + attack.label() + ": " + verdict);
        }));
      }
      for (Future<?> f : sent) f.get();
    }
    Set<String> documented = new TreeSet<>();
    ops.forEach(op -> documented.add(op.key()));
    assertThat(exercised).as("every route in openapi.json is attacked").containsExactlyInAnyOrderElementsOf(documented);
    assertThat(new TreeSet<>(failures)).as(attacks.size() + " attacks").isEmpty();
    assertThat(snapshot(theirs)).as("the other tenant's resources").isEqualTo(before);
  }
}
