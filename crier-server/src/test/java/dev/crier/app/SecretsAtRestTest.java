package dev.crier.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.Crier;
import dev.crier.config.Settings;
import dev.crier.testing.Api;
import dev.crier.testing.Engine;
import dev.crier.testing.Receiver;
import dev.crier.testing.Receiver.Reply;
import dev.crier.testing.TestCrier;
import dev.crier.testing.TestDatabase;
import dev.crier.verify.SignedRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What Crier keeps on disk holds no live credential it need not hold: a channel attempt's
 * signed_request is stored (and shown) with its access_token masked, and the data directory and
 * every file in it are the owner's alone from their creation.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class SecretsAtRestTest {
  @Parameter Engine engine;
  static TestCrier crier;
  static Api admin;
  @AutoClose Receiver receiver = Receiver.start();

  @BeforeParameterizedClassInvocation
  static void start(Engine engine) {
    crier = TestCrier.start(engine, Map.of(Settings.Key.ALLOW_HTTP_CALLBACKS, "true"));
    admin = crier.api();
    crier.declare("client.create");
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    crier.close();
  }

  private static String payload(String form) {
    String value = URLDecoder.decode(form.substring("signed_request=".length()), StandardCharsets.UTF_8);
    return new String(java.util.Base64.getUrlDecoder().decode(value.split("\\.")[1]), StandardCharsets.UTF_8);
  }

  @Test
  void aChannelAttemptIsStoredAndShownWithItsTokenMasked() throws Exception {
    var app = admin.post("/v1/apps", "{\"name\": \"Books\", \"url\": \"" + receiver.url("/books") + "\"}");
    String appId = app.json().get("id").stringValue();
    String appSecret = app.json().get("secret").stringValue();
    var issued = admin.post("/v1/apps/" + appId + "/tokens", "{\"account\": \"acme\", \"scope\": \"clients\"}");
    String token = issued.json().get("access_token").stringValue();
    Api books = admin.withKey(token);
    var sub = books.post("/api/subs", "{\"sub\": {\"channel\": \"client.create\", \"callback_url\": \"" + receiver.url("/books/cb") + "\"}}");
    assertThat(sub.status()).as(sub.body()).isEqualTo(201);
    String subId = sub.json().get("sub").get("id").stringValue();
    AtomicInteger calls = new AtomicInteger();
    receiver.respond(r -> calls.incrementAndGet() == 1 ? Reply.status(500) : Reply.status(204));

    admin.post("/v1/events", "{\"type\": \"client.create\", \"account\": \"acme\", \"data\": {\"id\": \"c1\"}}");
    receiver.await("/books/cb", 1, Duration.ofSeconds(10));
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> books.get("/v1/subscriptions/" + subId + "/deliveries").json().get("items").get(0).get("attempt_count").intValue() == 1);
    String deliveryId = books.get("/v1/subscriptions/" + subId + "/deliveries").json().get("items").get(0).get("id").stringValue();
    var redelivered = books.post("/v1/deliveries/" + deliveryId + "/redeliver", "");
    assertThat(redelivered.status()).as(redelivered.body()).isLessThan(300);

    List<Receiver.Request> sent = receiver.await("/books/cb", 2, Duration.ofSeconds(10));
    for (Receiver.Request r : sent) {
      String value = URLDecoder.decode(r.text().substring("signed_request=".length()), StandardCharsets.UTF_8);
      String json = SignedRequest.verify(value, appSecret);
      assertThat(Api.JSON.readTree(json).get("access_token").stringValue()).as("the receiver gets the live token").isEqualTo(token);
    }

    String masked = "crt_****" + token.substring(token.length() - 4);
    var detail = books.get("/v1/deliveries/" + deliveryId);
    assertThat(detail.status()).as(detail.body()).isEqualTo(200);
    assertThat(detail.body()).doesNotContain(token);
    assertThat(redelivered.body()).doesNotContain(token);
    List<String> shown = new ArrayList<>();
    detail.json().get("attempts").forEach(a -> shown.add(a.get("request").get("body").stringValue()));
    assertThat(shown).isNotEmpty();
    for (String body : shown) {
      assertThat(Api.JSON.readTree(payload(body)).get("access_token").stringValue()).isEqualTo(masked);
    }
    for (String stored : storedRequestBodies(subId)) assertThat(stored).doesNotContain(token).startsWith("signed_request=");
    assertThat(storedRequestBodies(subId)).isNotEmpty();
  }

  private List<String> storedRequestBodies(String subscriptionId) throws Exception {
    List<String> bodies = new ArrayList<>();
    try (Connection c = crier.database().connect();
        var statement = c.prepareStatement("SELECT request_body FROM attempts WHERE subscription_id = ?")) {
      statement.setString(1, subscriptionId);
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) bodies.add(rs.getString(1));
      }
    }
    return bodies;
  }

  @Test
  void theDataDirectoryAndEveryFileInItAreTheOwnersAlone() throws Exception {
    Path root = Files.createTempDirectory("crier-modes");
    Path data = root.resolve("data");
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (TestDatabase database = TestDatabase.create(engine, data)) {
      Map<Settings.Key, String> settings = new EnumMap<>(Settings.Key.class);
      settings.put(Settings.Key.PORT, "0");
      settings.put(Settings.Key.DATA_DIR, data.toString());
      settings.put(Settings.Key.DB_URL, database.url());
      try (Crier own = Crier.start(Settings.load(Map.of(), settings), Clock.systemUTC())) {
        Api api = new Api("http://127.0.0.1:" + own.port(), own.generatedAdminKey());
        assertThat(api.put("/v1/event-types/client.create", "{\"description\": \"test\"}").status()).isLessThan(300);
        assertThat(api.post("/v1/events", "{\"type\": \"client.create\"}").status()).isEqualTo(202);
        assertPrivate(data);
        List<String> names;
        try (Stream<Path> files = Files.list(data)) {
          names = files.map(p -> p.getFileName().toString()).toList();
        }
        assertThat(names).contains("admin.key", "master.key");
        if (engine == Engine.SQLITE) assertThat(names).contains("crier.db", "crier.db-wal", "crier.db-shm");
        else assertThat(names).contains("node.id");
      }
      // What an older Crier left readable is narrowed at the next start.
      Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
      try (Stream<Path> files = Files.list(data)) {
        for (Path f : files.toList()) Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
      }
      try (Crier again = Crier.start(Settings.load(Map.of(), settings), Clock.systemUTC())) {
        assertPrivate(data);
      }
    }
  }

  private static void assertPrivate(Path data) throws Exception {
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
    try (Stream<Path> files = Files.list(data)) {
      for (Path f : files.toList()) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).as(f.toString()).isEqualTo("rw-------");
      }
    }
  }
}
