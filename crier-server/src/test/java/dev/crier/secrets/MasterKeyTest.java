package dev.crier.secrets;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crier.Crier;
import dev.crier.config.InvalidSettingException;
import dev.crier.config.Settings;
import dev.crier.testing.Api;
import dev.crier.testing.ChildCrier;
import dev.crier.testing.Engine;
import dev.crier.testing.Receiver;
import dev.crier.testing.TestCrier;
import dev.crier.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One master key per database: a node with another key refuses to start in one line, and a
 * rotation re-encrypts every stored secret while webhooks keep signing with their own secrets.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class MasterKeyTest {
  private static final String KEY_A = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  private static final String KEY_B = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Parameter Engine engine;

  @Test
  void aNodeWithAnotherKeyRefusesInOneLineWhetherOrNotWebhooksExist() throws Exception {
    Path root = Files.createTempDirectory("crier-keys");
    try (TestDatabase db = TestDatabase.create(engine, root);
        ChildCrier first = child(root, "a", db, KEY_A);
        ChildCrier other = child(root, "b", db, KEY_B);
        ChildCrier generated = child(root, "c", db, null)) {
      first.start();

      assertRefusedInOneLine(other, root.resolve("b"));

      var hook =
          first.api().post("/v1/webhooks", "{\"url\": \"http://127.0.0.1:9/x\", \"events\": [\"*\"]}");
      assertThat(hook.status()).as(hook.body()).isEqualTo(201);
      assertRefusedInOneLine(other, root.resolve("b"));
      // no CRIER_MASTER_KEY: the key generated in its own data directory is another key too
      assertRefusedInOneLine(generated, root.resolve("c"));
    }
  }

  private static ChildCrier child(Path root, String name, TestDatabase db, String key) throws IOException {
    Path dir = Files.createDirectories(root.resolve(name));
    return new ChildCrier(dir, db.url(), key == null ? Map.of() : Map.of("CRIER_MASTER_KEY", key));
  }

  private static void assertRefusedInOneLine(ChildCrier child, Path dir) throws IOException {
    Files.deleteIfExists(dir.resolve("child-stderr.log"));
    int exit = child.startExpectingRefusal();
    List<String> lines = Files.readAllLines(dir.resolve("child-stderr.log"), UTF_8);
    assertThat(exit).as(String.join("\n", lines)).isNotZero();
    assertThat(lines.stream().filter(l -> l.startsWith("crier: ")).toList())
        .singleElement()
        .asString()
        .startsWith("crier: CRIER_MASTER_KEY is not this database's master key");
    assertThat(lines).as("no stack trace").noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception"));
  }

  @Test
  void rotationReencryptsEverySecretAndWebhooksStillSignWithTheirSecrets() throws Exception {
    try (Receiver receiver = Receiver.start();
        TestCrier crier = TestCrier.start(engine, Map.of(Settings.Key.MASTER_KEY, KEY_A))) {
      crier.declare("invoice.paid");
      String before = webhook(crier.api(), receiver, "/before", "secret-made-under-a");
      // a v1a webhook: its first delivery makes the deployment's Ed25519 key, sealed like a secret
      var ed =
          crier.api().post("/v1/webhooks", "{\"url\": \"" + receiver.url("/ed") + "\", \"events\": [\"invoice.*\"],"
              + " \"signature\": \"standard-ed25519\"}");
      assertThat(ed.status()).as(ed.body()).isEqualTo(201);
      publish(crier, "rot-0");
      String kid = receiver.await("/ed", 1, WAIT).get(0).header("webhook-key-id");
      assertThat(kid).isNotBlank();

      // step 1: every node holds both keys, the new one as CRIER_MASTER_KEY
      crier.restartWith(Settings.Key.PREVIOUS_MASTER_KEY, KEY_A);
      crier.restartWith(Settings.Key.MASTER_KEY, KEY_B);
      String during = webhook(crier.api(), receiver, "/during", "secret-made-mid-rotation");
      // step 2: the rotation, while the node serves
      Process rotation = rotate(crier);
      String rotated = new String(rotation.getInputStream().readAllBytes(), UTF_8);
      assertThat(rotation.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(rotation.exitValue()).as(rotated + new String(rotation.getErrorStream().readAllBytes(), UTF_8)).isZero();
      assertThat(rotated).containsPattern("[1-9][0-9]* secrets re-encrypted");
      String after = webhook(crier.api(), receiver, "/after", "secret-made-after");
      // step 3: the new key alone
      crier.restartWith(Settings.Key.PREVIOUS_MASTER_KEY, null);

      assertThat(storedSecrets(crier)).hasSizeGreaterThanOrEqualTo(5).allSatisfy(stored -> {
        SecretBox.of(KEY_B).open(stored);
        assertThatThrownBy(() -> SecretBox.of(KEY_A).open(stored)).isInstanceOf(IllegalStateException.class);
      });
      publish(crier, "rot-1");
      for (var hook : Map.of("/before", "secret-made-under-a", "/during", "secret-made-mid-rotation",
          "/after", "secret-made-after").entrySet()) {
        Receiver.Request request = receiver.await(hook.getKey(), hook.getKey().equals("/before") ? 2 : 1, WAIT).getLast();
        assertThat(request.header("x-crier-signature")).as(hook.getKey()).isEqualTo(hmac(hook.getValue(), request.body()));
      }
      assertThat(receiver.await("/ed", 2, WAIT).getLast().header("webhook-key-id"))
          .as("the Ed25519 key opens under the new key: the same key signs")
          .isEqualTo(kid);
      assertThat(List.of(before, during, after)).doesNotHaveDuplicates();

      // the old key alone is now refused
      Map<Settings.Key, String> stale = new EnumMap<>(crier.settings());
      stale.put(Settings.Key.MASTER_KEY, KEY_A);
      stale.put(Settings.Key.DATA_DIR, Files.createTempDirectory("crier-stale").toString());
      assertThatThrownBy(() -> Crier.start(Settings.load(Map.of(), stale), Clock.systemUTC()).close())
          .isInstanceOf(InvalidSettingException.class)
          .hasMessageStartingWith("CRIER_MASTER_KEY is not this database's master key");
    }
  }

  private static void publish(TestCrier crier, String id) {
    var published = crier.api().post("/v1/events", "{\"id\": \"" + id + "\", \"type\": \"invoice.paid\", \"data\": {}}");
    assertThat(published.status()).as(published.body()).isEqualTo(202);
  }

  private static String webhook(Api api, Receiver receiver, String path, String secret) {
    var r =
        api.post(
            "/v1/webhooks",
            "{\"url\": \"" + receiver.url(path) + "\", \"events\": [\"invoice.*\"], \"signature\": \"hmac-sha256\","
                + " \"secret\": \"" + secret + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").stringValue();
  }

  private static Process rotate(TestCrier crier) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(
            ProcessHandle.current().info().command().orElse("java"),
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("java.class.path"),
            "dev.crier.cli.Main",
            "rotate-master-key");
    builder.environment().keySet().removeIf(k -> k.startsWith("CRIER_"));
    builder.environment().put("CRIER_DB_URL", crier.database().url());
    builder.environment().put("CRIER_DATA_DIR", crier.dataDir().resolve("rotation").toString());
    builder.environment().put("CRIER_MASTER_KEY", KEY_B);
    builder.environment().put("CRIER_PREVIOUS_MASTER_KEY", KEY_A);
    return builder.start();
  }

  private static List<String> storedSecrets(TestCrier crier) throws Exception {
    List<String> secrets = new ArrayList<>();
    try (Connection c = crier.database().connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT secret FROM subscriptions WHERE secret IS NOT NULL"
                    + " UNION ALL SELECT private_key FROM signing_keys")) {
      while (rs.next()) secrets.add(rs.getString(1));
    }
    return secrets;
  }

  private static String hmac(String secret, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(body));
  }
}
