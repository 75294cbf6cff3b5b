package dev.crier.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crier.testing.Api;
import dev.crier.testing.Engine;
import dev.crier.testing.Receiver;
import dev.crier.testing.Receiver.Reply;
import dev.crier.testing.TestCrier;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** crier-client against a real Crier; its retries against a receiver that plays an overloaded one. */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class CrierClientTest {
  @Parameter Engine engine;
  static TestCrier crier;
  static Api api;
  @AutoClose Receiver standIn = Receiver.start();

  @BeforeParameterizedClassInvocation
  static void start(Engine engine) {
    crier = TestCrier.start(engine);
    api = crier.api();
    crier.declare("invoice.paid", "invoice.voided");
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    crier.close();
  }

  private static CrierClient client() {
    return CrierClient.builder(URI.create(api.base()), TestCrier.ADMIN_KEY).build();
  }

  @Test
  void publishesOneEventOrABatchAndARetriedIdIsStoredOnce() {
    CrierClient client = client();
    Event paid = Event.of("invoice.paid", "{\"invoice\": \"INV-42\", \"total\": 12.5, \"note\": \"Zoë\"}");

    Receipt first = client.publish(paid);
    Receipt again = client.publish(paid);

    assertThat(first.id()).isEqualTo(paid.id());
    assertThat(first.replayed()).isFalse();
    assertThat(again.replayed()).as("the same id again is a replay").isTrue();
    assertThat(again.seq()).isEqualTo(first.seq());
    Api.Response stored = api.get("/v1/events/" + paid.id());
    assertThat(stored.status()).isEqualTo(200);
    assertThat(stored.json().get("data").get("note").stringValue()).isEqualTo("Zoë");

    List<Event> batch = List.of(Event.of("invoice.paid", null), Event.of("invoice.voided", "{\"lines\": [1, 2]}"), Event.of("invoice.paid", "{}"));
    List<Receipt> receipts = client.publishBatch(batch);
    assertThat(receipts).extracting(Receipt::id).containsExactly(batch.get(0).id(), batch.get(1).id(), batch.get(2).id());
    assertThat(receipts.get(0).seq()).isLessThan(receipts.get(2).seq());
  }

  @Test
  void refusalsAreTypedProblemsNamingTheField() {
    assertThatThrownBy(() -> client().publishBatch(List.of(Event.of("invoice.paid", null), Event.of("not a type", null))))
        .isInstanceOfSatisfying(CrierException.class, e -> {
          assertThat(e.kind()).isEqualTo(CrierException.Kind.INVALID);
          assertThat(e.problem().status()).isEqualTo(422);
          assertThat(e.problem().errors()).extracting(Problem.FieldError::field).anyMatch(f -> f.startsWith("[1]"));
        });

    Event original = new Event("client-conflict-" + engine, "invoice.paid", "{\"n\": 1}");
    client().publish(original);
    assertThatThrownBy(() -> client().publish(new Event(original.id(), "invoice.paid", "{\"n\": 2}")))
        .as("the same id for another event")
        .isInstanceOfSatisfying(CrierException.class, e -> {
          assertThat(e.kind()).isEqualTo(CrierException.Kind.CONFLICT);
          assertThat(e.problem().status()).isEqualTo(409);
        });

    CrierClient wrongKey = CrierClient.builder(URI.create(api.base()), "not-the-key").build();
    assertThatThrownBy(() -> wrongKey.publish(Event.of("invoice.paid", null)))
        .isInstanceOfSatisfying(CrierException.class, e -> assertThat(e.kind()).isEqualTo(CrierException.Kind.NOT_AUTHORIZED));

    assertThatThrownBy(() -> Event.of("invoice.paid", "{not json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("data");
  }

  @Test
  void retries503And429AfterTheirRetryAfterWithTheSameIds() {
    AtomicInteger calls = new AtomicInteger();
    standIn.respond(r -> switch (calls.incrementAndGet()) {
      case 1 -> Reply.status(503).withHeader("Retry-After", "1").withHeader("Content-Type", "application/problem+json")
          .withBody("{\"type\": \"https://crier.dev/problems/overloaded\", \"title\": \"Service unavailable\", \"status\": 503, \"detail\": \"busy\"}");
      case 2 -> Reply.status(429).withHeader("Retry-After", "1");
      default -> Reply.status(202).withHeader("Content-Type", "application/json")
          .withBody("{\"id\": \"evt-retried\", \"seq\": 7, \"received_at\": \"2026-12-08T00:00:00Z\"}");
    });
    CrierClient client = CrierClient.builder(URI.create(standIn.url("")), "key").build();

    Receipt receipt = client.publish(new Event("evt-retried", "invoice.paid", "{}"));

    assertThat(receipt.seq()).isEqualTo(7);
    List<Receiver.Request> requests = standIn.requests("/v1/events");
    assertThat(requests).hasSize(3);
    assertThat(requests).extracting(Receiver.Request::text).containsOnly(requests.get(0).text());
    assertThat(requests.get(0).header("authorization")).isEqualTo("Bearer key");
  }

  @Test
  void givesUpAsUnavailableAfterItsAttempts() throws Exception {
    standIn.respond(r -> Reply.status(503).withHeader("Retry-After", "0"));
    CrierClient overloaded = CrierClient.builder(URI.create(standIn.url("")), "key").maxAttempts(3).build();
    assertThatThrownBy(() -> overloaded.publish(Event.of("invoice.paid", null)))
        .isInstanceOfSatisfying(CrierException.class, e -> assertThat(e.kind()).isEqualTo(CrierException.Kind.UNAVAILABLE));
    assertThat(standIn.requests("/v1/events")).hasSize(3);

    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    CrierClient unreachable =
        CrierClient.builder(URI.create("http://127.0.0.1:" + closedPort), "key").maxAttempts(2).maxRetryWait(Duration.ZERO).build();
    assertThatThrownBy(() -> unreachable.publish(Event.of("invoice.paid", null)))
        .isInstanceOfSatisfying(CrierException.class, e -> {
          assertThat(e.kind()).isEqualTo(CrierException.Kind.UNAVAILABLE);
          assertThat(e.problem().status()).isZero();
        });
  }
}
