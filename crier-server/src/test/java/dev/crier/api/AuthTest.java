package dev.crier.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.config.Settings;
import dev.crier.testing.Api;
import dev.crier.testing.Engine;
import dev.crier.testing.TestCrier;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class AuthTest {
  @Parameter Engine engine;
  static TestCrier crier;

  @BeforeParameterizedClassInvocation
  static void start(Engine engine) {
    crier = TestCrier.start(engine);
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    crier.close();
  }

  @Test
  void aMissingKeyIs401WithAProblemAndAChallenge() {
    var response = crier.api().withKey(null).get("/v1/events");
    assertThat(response.status()).isEqualTo(401);
    assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    assertThat(response.json().get("type").stringValue()).isEqualTo("urn:crier:problem:unauthorized");
  }

  @Test
  void aWrongKeyIs401() {
    assertThat(crier.api().withKey("not-the-key").get("/v1/event-types").status()).isEqualTo(401);
    assertThat(crier.api().withKey(TestCrier.ADMIN_KEY + "x").get("/v1/event-types").status()).isEqualTo(401);
  }

  @Test
  void onlyTheBearerSchemeIsAccepted() {
    var basic = crier.api().withAuthorization("Basic " + TestCrier.ADMIN_KEY).get("/v1/event-types");
    assertThat(basic.status()).isEqualTo(401);
    assertThat(basic.json().get("detail").stringValue()).contains("Bearer");
    var lowercase = crier.api().withAuthorization("bearer " + TestCrier.ADMIN_KEY).get("/v1/event-types");
    assertThat(lowercase.status()).isEqualTo(200);
  }

  @Test
  void refusedWritesWriteNothing() {
    var refused = crier.api().withKey("wrong").put("/v1/event-types/sneaky.type", "{\"description\":\"x\"}");
    assertThat(refused.status()).isEqualTo(401);
    assertThat(crier.api().get("/v1/event-types/sneaky.type").status()).isEqualTo(404);
  }

  @Test
  void operationsEndpointsNeedNoKey() {
    Api anonymous = crier.api().withKey(null);
    assertThat(anonymous.get("/healthz").status()).isEqualTo(200);
    assertThat(anonymous.get("/readyz").status()).isEqualTo(200);
    assertThat(anonymous.get("/metrics").status()).isEqualTo(200);
    assertThat(anonymous.get("/openapi.json").status()).isEqualTo(200);
    assertThat(anonymous.get("/docs").status()).isEqualTo(200);
  }

  @Test
  void withoutAConfiguredKeyOneIsGeneratedOnceAndKeptInTheDataDir() throws Exception {
    try (TestCrier fresh = TestCrier.start(engine, Map.of(Settings.Key.ADMIN_KEY, ""))) {
      String generated = fresh.crier().generatedAdminKey();
      assertThat(generated).startsWith("crier_admin_");
      assertThat(Files.readString(fresh.dataDir().resolve("admin.key")).trim()).isEqualTo(generated);
      assertThat(fresh.api().withKey(generated).get("/v1/event-types").status()).isEqualTo(200);
      assertThat(fresh.api().withKey(TestCrier.ADMIN_KEY).get("/v1/event-types").status()).isEqualTo(401);

      fresh.restart();
      assertThat(fresh.crier().generatedAdminKey()).isNull();
      assertThat(fresh.api().withKey(generated).get("/v1/event-types").status()).isEqualTo(200);
    }
  }
}
