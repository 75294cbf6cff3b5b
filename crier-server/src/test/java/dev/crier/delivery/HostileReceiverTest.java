package dev.crier.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.testing.Api;
import dev.crier.testing.Engine;
import dev.crier.testing.Pause;
import dev.crier.testing.RawReceiver;
import dev.crier.testing.Receiver;
import dev.crier.testing.TestCrier;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * Whatever a receiver answers (any bytes, any number of headers, broken HTTP) ends as a readable
 * attempt in the delivery log, and neither it nor a row the database refuses stalls the recording
 * of anyone else's outcomes or the publishes committed beside it.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class HostileReceiverTest {
  @Parameter Engine engine;
  static TestCrier crier;
  static Api api;
  @AutoClose RawReceiver hostile = RawReceiver.start();
  @AutoClose Receiver calm = Receiver.start();

  @BeforeParameterizedClassInvocation
  static void start(Engine engine) {
    crier = TestCrier.start(engine);
    api = crier.api();
    crier.declare("hostile.test", "hostile.other");
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    crier.close();
  }

  @Test
  void nulAndInvalidUtf8AreStoredEscapedWhileOtherOutcomesKeepBeingRecorded() {
    byte[] body = bytes("{\"a\":\"", 0, "\"} ", 0xff, 0xfe, " ", 1, " tab\t caf", 0xc3, 0xa9, " \\x41 \\n");
    hostile.answer(r -> answer("500 Oops", List.of(bytes("X-Odd: caf", 0xc3, 0xa9, " ", 0xff)), body));
    Webhook bad = Webhook.create(api, webhook(hostile.url("/bytes"), "[\"20ms\", \"20ms\"]"));
    Webhook good = Webhook.create(api, webhook(calm.url("/calm"), "[]"));
    for (int i = 0; i < 3; i++) Webhook.publish(api, "hostile.test", "bytes-" + i + "-" + bad.id(), "{}");

    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> good.deliveries("delivered").size() == 3);
    bad.awaitStatus("halted");
    Pause.millis(200);
    assertThat(hostile.requests("/bytes")).as("one attempt and the two retries of its schedule").hasSize(3);

    JsonNode delivery = api.get("/v1/deliveries/" + bad.deliveries("failed").get(0).get("id").stringValue()).json();
    assertThat(delivery.get("attempts")).hasSize(3);
    for (JsonNode attempt : delivery.get("attempts")) {
      JsonNode response = attempt.get("response");
      assertThat(response.get("status").intValue()).isEqualTo(500);
      assertThat(response.get("body").stringValue())
          .isEqualTo("{\"a\":\"\\x00\"} \\xFF\\xFE \\x01 tab\t café \\x5Cx41 \\n");
      assertThat(response.get("headers").get("X-Odd").stringValue()).isEqualTo("café \\xFF");
    }
    assertThat(api.get("/v1/webhooks/" + bad.id() + "/deliveries").status()).isEqualTo(200);
  }

  @Test
  void twentyThousandHeadersFailTheAttemptWithAClearError() {
    List<byte[]> headers = new ArrayList<>();
    String kilobyte = "v".repeat(1024);
    for (int i = 0; i < 20_000; i++) headers.add(("X-Big-" + i + ": " + kilobyte).getBytes(StandardCharsets.US_ASCII));
    hostile.answer(r -> answer("200 OK", headers, new byte[0]));
    Webhook w = Webhook.create(api, webhook(hostile.url("/huge"), "[]"));
    Webhook.publish(api, "hostile.test", "huge-" + w.id(), "{}");
    w.awaitStatus("halted");
    JsonNode failed = w.deliveries("failed").get(0);
    assertThat(failed.get("last_error").stringValue()).isEqualTo("response headers larger than 64 KiB");
    assertThat(failed.get("last_response_status").isNull()).isTrue();

    List<byte[]> many = new ArrayList<>();
    for (int i = 0; i < 1500; i++) many.add(("X-" + i + ": " + i).getBytes(StandardCharsets.US_ASCII));
    assertThat(lastError(hostile.url("/count"), r -> answer("200 OK", many, new byte[0])))
        .isEqualTo("more than 1000 response headers");
  }

  @Test
  void manySmallHeadersAreAnAnswerAndOnlyTheirStartIsStored() {
    List<byte[]> headers = new ArrayList<>();
    for (int i = 0; i < 500; i++) headers.add(("X-Small-" + i + ": " + i).getBytes(StandardCharsets.US_ASCII));
    hostile.answer(r -> answer("400 Bad", headers, bytes("no")));
    Webhook w = Webhook.create(api, webhook(hostile.url("/many"), "[]"));
    Webhook.publish(api, "hostile.test", "many-" + w.id(), "{}");
    w.awaitStatus("halted");
    String id = w.deliveries("failed").get(0).get("id").stringValue();
    JsonNode response = api.get("/v1/deliveries/" + id).json().get("attempts").get(0).get("response");
    assertThat(response.get("status").intValue()).isEqualTo(400);
    assertThat(response.get("headers").has("X-Small-0")).isTrue();
    assertThat(response.get("headers").size()).isEqualTo(100);
    assertThat(response.get("body").stringValue()).isEqualTo("no");
  }

  @Test
  void protocolErrorsAreStoredAsReadableSentences() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    String target = "127.0.0.1:" + hostile.url("/").split(":")[2].replace("/", "");
    assertThat(lastError("http://127.0.0.1:" + closedPort + "/x", r -> null))
        .isEqualTo("connection refused: 127.0.0.1:" + closedPort);
    assertThat(lastError(hostile.url("/garbage"), r -> bytes("HELLO THERE\r\n\r\n")))
        .isEqualTo("invalid HTTP response from " + target);
    assertThat(lastError(hostile.url("/nul-header"), r -> answer("200 OK", List.of(bytes("X-Nul: a", 0, "b")), new byte[0])))
        .isEqualTo("invalid HTTP response from " + target);
    assertThat(lastError(hostile.url("/bad-length"), r -> bytes("HTTP/1.1 200 OK\r\nContent-Length: nope\r\n\r\n")))
        .isEqualTo("invalid HTTP response from " + target);
    assertThat(lastError(hostile.url("/cut"), r -> bytes("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort")))
        .isEqualTo("connection closed by " + target + " before it answered");
  }

  @Test
  void anOutcomeTheDatabaseKeepsRefusingIsSetAsideAndTheOthersAreRecorded() throws Exception {
    Receiver refused = Receiver.start();
    try (refused; Connection c = crier.database().connect(); Statement s = c.createStatement()) {
      Webhook poisoned = Webhook.create(api, webhook(refused.url("/refused"), "[]"));
      Webhook good = Webhook.create(api, "{\"url\": \"" + calm.url("/beside") + "\", \"events\": [\"hostile.test\", \"hostile.other\"]}");
      refuse(s, "deliveries", "UPDATE", "NEW.subscription_id = '" + poisoned.id() + "'");
      double parkedBefore = api.metric("crier_outcomes_parked_total");
      try {
        for (int i = 0; i < 3; i++) Webhook.publish(api, "hostile.test", "poison-" + i + "-" + poisoned.id(), "{}");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> good.deliveries("delivered").size() == 3);
        // an outcome refused alone is set aside once the database is seen to take others
        int[] others = {0};
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
          Webhook.publish(api, "hostile.other", "other-" + others[0]++ + "-" + good.id(), "{}");
          return api.metric("crier_outcomes_parked_total") - parkedBefore >= 3;
        });
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> good.deliveries("delivered").size() == 3 + others[0]);
        assertThat(refused.requests("/refused")).as("sent once each, not again and again").hasSize(3);
        assertThat(poisoned.deliveries("pending")).as("the database keeps what it had").hasSize(3);
      } finally {
        unrefuse(s, "deliveries");
      }
      Webhook.publish(api, "hostile.test", "poison-after-" + poisoned.id(), "{}");
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> poisoned.deliveries("delivered").size() == 1);
    }
  }

  @Test
  void aPublishTheDatabaseRefusesGetsA422AndTheOthersInItsCommitAreStored() throws Exception {
    Webhook w = Webhook.create(api, webhook(calm.url("/published"), "[]"));
    try (Connection c = crier.database().connect(); Statement s = c.createStatement()) {
      refuse(s, "events", "INSERT", "NEW.id LIKE 'refused-%'");
      List<Callable<Api.Response>> publishes = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String id = (i == 20 ? "refused-" : "fine-") + i + "-" + w.id();
        publishes.add(() -> api.post("/v1/events", "{\"id\": \"" + id + "\", \"type\": \"hostile.test\"}"));
      }
      List<Api.Response> answers = new ArrayList<>();
      try (ExecutorService pool = Executors.newFixedThreadPool(40)) {
        for (Future<Api.Response> f : pool.invokeAll(publishes)) answers.add(f.get());
      } finally {
        unrefuse(s, "events");
      }
      for (int i = 0; i < answers.size(); i++) {
        assertThat(answers.get(i).status()).as(answers.get(i).body()).isEqualTo(i == 20 ? 422 : 202);
      }
      assertThat(answers.get(20).json().get("type").stringValue()).isEqualTo("urn:crier:problem:unstorable");
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> w.deliveries("delivered").size() == 39);
    }
  }

  @Test
  void aNulThatReachesTheDatabaseFailsOnlyItsOwnRequest() throws Exception {
    // PostgreSQL refuses a NUL in a TEXT column; SQLite stores it (input checks may refuse it first)
    List<Callable<Api.Response>> publishes = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String account = i == 7 ? "acct\\u0000nul" : "acct-" + i;
      String id = "nul-" + i + "-" + System.nanoTime();
      publishes.add(() -> api.post("/v1/events",
          "{\"id\": \"" + id + "\", \"type\": \"hostile.other\", \"account\": \"" + account + "\"}"));
    }
    List<Api.Response> answers = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(20)) {
      for (Future<Api.Response> f : pool.invokeAll(publishes)) answers.add(f.get());
    }
    for (int i = 0; i < answers.size(); i++) {
      if (i == 7) assertThat(answers.get(i).status()).as(answers.get(i).body()).isBetween(200, 499);
      else assertThat(answers.get(i).status()).as(answers.get(i).body()).isEqualTo(202);
    }
    if (engine == Engine.POSTGRESQL) assertThat(answers.get(7).status()).isEqualTo(422);
  }

  @Test
  void anErrorInTheCommitterOrTheOutcomeWriterFailsOneRoundAndNothingHangs() throws Exception {
    Webhook w = Webhook.create(api, webhook(calm.url("/errors"), "[]"));
    AtomicBoolean commitFails = failOnce(crier.crier(), new String[] {"publisher", "committer", "eventLog"}, "commit");
    AtomicBoolean recordFails = failOnce(crier.crier().engine(), new String[] {"recorder", "store"}, "record");
    var first = api.post("/v1/events", "{\"id\": \"error-0-" + w.id() + "\", \"type\": \"hostile.test\"}");
    // 503 when the error ended the round; on SQLite a joint commit that threw is retried alone
    assertThat(first.status()).as(first.body()).isIn(202, 503);
    assertThat(commitFails).isFalse();
    for (int i = 1; i <= 3; i++) Webhook.publish(api, "hostile.test", "error-" + i + "-" + w.id(), "{}");
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> w.deliveries("delivered").size() == 3);
    assertThat(recordFails).isFalse();
    assertThat(api.get("/readyz").status()).isEqualTo(200);
  }

  /**
   * Makes the next call of {@code method} on the object at the end of {@code path} throw a
   * StackOverflowError (no input reaches one deterministically); the flag clears once it has.
   */
  private static AtomicBoolean failOnce(Object from, String[] path, String method) throws Exception {
    Object owner = from;
    for (int i = 0; i < path.length - 1; i++) owner = field(owner, path[i]).get(owner);
    Field field = field(owner, path[path.length - 1]);
    Object target = field.get(owner);
    AtomicBoolean armed = new AtomicBoolean(true);
    Object wrapped =
        Proxy.newProxyInstance(
            target.getClass().getClassLoader(),
            target.getClass().getInterfaces(),
            (proxy, m, args) -> {
              if (m.getName().equals(method) && armed.compareAndSet(true, false)) throw new StackOverflowError("injected");
              try {
                return m.invoke(target, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
    field.set(owner, wrapped);
    return armed;
  }

  private static Field field(Object owner, String name) throws NoSuchFieldException {
    Field f = owner.getClass().getDeclaredField(name);
    f.setAccessible(true);
    return f;
  }

  /** The last error of a one-shot webhook to {@code url} whose receiver answers these bytes. */
  private String lastError(String url, java.util.function.Function<RawReceiver.RawRequest, byte[]> answers) {
    hostile.answer(answers);
    Webhook w = Webhook.create(api, webhook(url, "[]"));
    Webhook.publish(api, "hostile.test", "protocol-" + w.id(), "{}");
    w.awaitStatus("halted");
    return w.deliveries("failed").get(0).get("last_error").stringValue();
  }

  /** Makes the database refuse {@code operation} on {@code table} for rows where {@code when}. */
  private void refuse(Statement s, String table, String operation, String when) throws Exception {
    if (engine == Engine.POSTGRESQL) {
      s.execute("CREATE FUNCTION refuse_" + table + "() RETURNS trigger AS $$ BEGIN IF " + when
          + " THEN RAISE EXCEPTION 'refused by a test trigger' USING ERRCODE = 'check_violation'; END IF;"
          + " RETURN NEW; END $$ LANGUAGE plpgsql");
      s.execute("CREATE TRIGGER refuse_" + table + " BEFORE " + operation + " ON " + table
          + " FOR EACH ROW EXECUTE FUNCTION refuse_" + table + "()");
    } else {
      s.execute("CREATE TRIGGER refuse_" + table + " BEFORE " + operation + " ON " + table
          + " WHEN " + when + " BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END");
    }
  }

  private void unrefuse(Statement s, String table) throws Exception {
    s.execute("DROP TRIGGER refuse_" + table + (engine == Engine.POSTGRESQL ? " ON " + table : ""));
    if (engine == Engine.POSTGRESQL) s.execute("DROP FUNCTION refuse_" + table + "()");
  }

  private static String webhook(String url, String schedule) {
    return "{\"url\": \"" + url + "\", \"events\": [\"hostile.test\"], \"retry_schedule\": " + schedule
        + ", \"timeout_seconds\": 5}";
  }

  /** An HTTP/1.1 answer with these raw header lines and body, closing the connection. */
  private static byte[] answer(String status, List<byte[]> headers, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(("HTTP/1.1 " + status + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (byte[] header : headers) {
      out.writeBytes(header);
      out.writeBytes(bytes("\r\n"));
    }
    out.writeBytes(("Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(body);
    return out.toByteArray();
  }

  /** Text parts as UTF-8 and integers as single bytes, in order. */
  private static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object part : parts) {
      if (part instanceof Integer b) out.write(b);
      else out.writeBytes(part.toString().getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }
}
