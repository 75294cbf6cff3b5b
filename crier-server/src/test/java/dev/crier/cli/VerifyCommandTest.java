package dev.crier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.testing.Engine;
import dev.crier.testing.Receiver;
import dev.crier.testing.TestCrier;
import dev.crier.verify.StandardWebhooks;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class VerifyCommandTest {
  static final String VECTOR = "60673142fdda45f3185cbd51c070596950a9178e20f785703723ad8e0ff04833.eyJrZXkiOiJ2YWx1ZSJ9";

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    try {
      int code = Main.commandLine().execute(args);
      return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void aSignedRequestVerifiesAndPrintsItsJson() {
    Run ok = run("verify", "--signed-request", VECTOR, "--secret", "secret");
    assertThat(ok.code()).isZero();
    assertThat(ok.out().trim()).isEqualTo("{\"key\":\"value\"}");
    Run bad = run("verify", "--signed-request", VECTOR, "--secret", "not-the-secret");
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).startsWith("invalid:");
  }

  @Test
  void aSavedStandardWebhooksRequestVerifies(@TempDir Path dir) throws Exception {
    String secret = StandardWebhooks.generateSecret();
    byte[] body = "{\"id\":\"evt_1\"}".getBytes(StandardCharsets.UTF_8);
    long now = System.currentTimeMillis() / 1000;
    StringBuilder headers = new StringBuilder();
    StandardWebhooks.of(secret).headers("msg_1", now, body).forEach((k, v) -> headers.append(k).append(": ").append(v).append('\n'));
    Files.writeString(dir.resolve("headers.txt"), headers);
    Files.write(dir.resolve("body.json"), body);
    Run ok = run("verify", "--headers", dir.resolve("headers.txt").toString(), "--body", dir.resolve("body.json").toString(), "--secret", secret);
    assertThat(ok.code()).as(ok.err()).isZero();
    Files.writeString(dir.resolve("body.json"), "{\"id\":\"evt_2\"}");
    Run tampered = run("verify", "--headers", dir.resolve("headers.txt").toString(), "--body", dir.resolve("body.json").toString(), "--secret", secret);
    assertThat(tampered.code()).isEqualTo(1);
  }

  @Test
  void aV1aDeliveryVerifiesWithTheJwksUrlAndNoSecret(@TempDir Path dir) throws Exception {
    try (TestCrier crier = TestCrier.start(Engine.SQLITE);
        Receiver receiver = Receiver.start()) {
      crier.declare("invoice.paid");
      var created = crier.api().post("/v1/webhooks", "{\"url\": \"" + receiver.url("/v1a") + "\", \"events\": [\"invoice.paid\"], \"signature\": \"standard-ed25519\"}");
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      assertThat(crier.api().post("/v1/events", "{\"type\": \"invoice.paid\", \"data\": {}}").status()).isEqualTo(202);
      Receiver.Request request = receiver.await("/v1a", 1, Duration.ofSeconds(15)).get(0);
      StringBuilder headers = new StringBuilder();
      request.headers().forEach((k, v) -> headers.append(k).append(": ").append(v).append('\n'));
      Files.writeString(dir.resolve("headers.txt"), headers);
      Files.write(dir.resolve("body.json"), request.body());
      String jwks = crier.api().base() + "/.well-known/jwks.json";

      Run ok = run("verify", "--headers", dir.resolve("headers.txt").toString(), "--body", dir.resolve("body.json").toString(), "--jwks", jwks);
      assertThat(ok.code()).as(ok.err()).isZero();
      Run noKey = run("verify", "--headers", dir.resolve("headers.txt").toString(), "--body", dir.resolve("body.json").toString());
      assertThat(noKey.code()).isEqualTo(2);
      assertThat(noKey.err()).contains("--secret").contains("--jwks");
      Files.writeString(dir.resolve("body.json"), "{}");
      Run tampered = run("verify", "--headers", dir.resolve("headers.txt").toString(), "--body", dir.resolve("body.json").toString(), "--jwks", jwks);
      assertThat(tampered.code()).isEqualTo(1);
      assertThat(tampered.err()).contains("v1a");
    }
  }
}
