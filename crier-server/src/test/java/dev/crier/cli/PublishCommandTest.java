package dev.crier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.testing.Engine;
import dev.crier.testing.TestCrier;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PublishCommandTest {

  @Test
  void publishesAnEventFromFlagsAndFromAFile(@TempDir Path dir) throws Exception {
    try (TestCrier crier = TestCrier.start(Engine.SQLITE)) {
      crier.api().put("/v1/event-types/client.create", "{\"description\":\"x\"}");
      String base = crier.api().base();
      PrintStream out = System.out;
      ByteArrayOutputStream captured = new ByteArrayOutputStream();
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      int flags;
      int file;
      try {
        flags = Main.commandLine().execute("publish", "--url", base, "--key", TestCrier.ADMIN_KEY,
            "--type", "client.create", "--id", "cli-1", "--subject-url", "https://api.example.com/clients/1", "--data", "{\"name\": \"Noko\"}");
        Files.writeString(dir.resolve("events.json"), "[{\"id\": \"cli-2\", \"type\": \"client.create\"}, {\"id\": \"cli-3\", \"type\": \"client.create\"}]");
        file = Main.commandLine().execute("publish", "--url", base, "--key", TestCrier.ADMIN_KEY, "--file", dir.resolve("events.json").toString());
      } finally {
        System.setOut(out);
      }
      assertThat(flags).isZero();
      assertThat(file).isZero();
      assertThat(captured.toString(StandardCharsets.UTF_8)).contains("202");
      var event = crier.api().get("/v1/events/cli-1").json();
      assertThat(event.get("data").get("name").stringValue()).isEqualTo("Noko");
      assertThat(event.get("subject").get("url").stringValue()).isEqualTo("https://api.example.com/clients/1");
      assertThat(crier.api().get("/v1/events/cli-3").status()).isEqualTo(200);
      int refused = Main.commandLine().execute("publish", "--url", base, "--key", TestCrier.ADMIN_KEY, "--type", "never.declared");
      assertThat(refused).isEqualTo(1);
    }
  }
}
