package dev.crier.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.testing.Engine;
import dev.crier.testing.TestCrier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Node client (clients/node) against a real Crier: its own {@code node --test} suite runs with
 * CRIER_URL and CRIER_KEY naming this class's Crier, and starts its own receivers on 127.0.0.1 to
 * verify the deliveries Crier signs (v1 and v1a through /.well-known/jwks.json).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class NodeClientTest {
  static final Path PACKAGE = Path.of("..", "clients", "node").toAbsolutePath().normalize();
  private static boolean installed;

  @Parameter Engine engine;
  static TestCrier crier;

  @BeforeParameterizedClassInvocation
  static void start(Engine engine) throws Exception {
    if (!installed) {
      // the package has no dependencies; npm ci still checks package-lock.json matches package.json
      run(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), null);
      installed = true;
    }
    crier = TestCrier.start(engine);
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    crier.close();
  }

  @Test
  void theNodeSuitePassesAgainstThisCrier() throws Exception {
    String output = run(List.of("node", "--test", "--test-reporter=tap", "test/"), crier.api().base());
    assertThat(output).as(output).contains("# fail 0").doesNotContain("# pass 0").contains("# skipped 0");
  }

  private static String run(List<String> command, String crierUrl) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(PACKAGE.toFile()).redirectErrorStream(true);
    if (crierUrl != null) {
      builder.environment().put("CRIER_URL", crierUrl);
      builder.environment().put("CRIER_KEY", TestCrier.ADMIN_KEY);
    }
    Process process = builder.start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("%s finished: %s", command, output).isTrue();
    assertThat(process.exitValue()).as("%s exited 0:%n%s", command, output).isZero();
    return output;
  }
}
