package dev.crier.broadcast;

import static dev.crier.broadcast.BroadcastsTest.hmacSha256Hex;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.testing.Api;
import dev.crier.testing.Engine;
import dev.crier.testing.RawReceiver;
import dev.crier.testing.TestCrier;
import dev.crier.verify.Broadcasts;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Without CRIER_BRAND, broadcasts carry Crier's own name where the seed has Noko's. */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class DefaultBrandBroadcastsTest {
  @Parameter Engine engine;
  static TestCrier crier;
  static Api api;

  @BeforeParameterizedClassInvocation
  static void start(Engine engine) {
    crier = TestCrier.start(engine);
    api = crier.api();
    crier.declare("timer.running");
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    crier.close();
  }

  @Test
  void theDefaultBrandNamesTheHeadersAndTheUserAgentCrier() {
    try (RawReceiver raw = RawReceiver.start()) {
      var created =
          api.post(
              "/v1/broadcast-receivers",
              "{\"name\": \"Timers\", \"url\": \"" + raw.url("/crier") + "\", \"subjects\": [\"timer\"], \"interval_seconds\": 1}");
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      String secret = created.json().get("secret").stringValue();
      api.post("/v1/events", "{\"type\": \"timer.running\", \"subject\": {\"url\": \"https://api.example.com/timers/1\"}}");

      RawReceiver.RawRequest request = raw.await("/crier", 1, Duration.ofSeconds(10)).get(0);
      assertThat(request.nameAsSent("x-crier-broadcastsubject")).isEqualTo("X-Crier-BroadcastSubject");
      assertThat(request.nameAsSent("x-crier-signature")).isEqualTo("X-Crier-Signature");
      assertThat(request.value("X-Crier-BroadcastSubject")).isEqualTo("timer");
      assertThat(request.value("User-Agent")).isEqualTo("Crier-Broadcasts");
      assertThat(request.value("X-Crier-Signature")).isEqualTo(hmacSha256Hex(secret, request.body()));
      assertThat(request.nameAsSent("x-noko-signature")).as("no other brand's headers").isNull();
      String subject =
          Broadcasts.forDefaultBrand()
              .verify(secret, request.body(), Map.of("X-Crier-Signature", request.value("X-Crier-Signature"), "X-Crier-BroadcastSubject", "timer"));
      assertThat(subject).isEqualTo("timer");
    }
  }
}
