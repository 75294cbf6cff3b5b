package dev.crier.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crier.testing.Api;
import dev.crier.testing.Engine;
import dev.crier.testing.Receiver;
import dev.crier.testing.Receiver.Reply;
import dev.crier.testing.TestCrier;
import dev.crier.verify.Jwks;
import dev.crier.verify.StandardWebhooks;
import dev.crier.verify.VerificationException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
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
    crier.declare("invoice.paid", "invoice.voided", "page.made", "hook.fired");
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

  @Test
  void pagesThroughTheEventLogWithoutGapsOrRepeats() {
    CrierClient client = client();
    List<Event> made = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      made.add(Event.of("page.made", "{\"n\": " + i + "}"));
    }
    client.publishBatch(made.subList(0, 10));
    client.publishBatch(made.subList(10, 23));
    List<String> ids = made.stream().map(Event::id).toList();

    List<String> oldestFirst = client.events(EventQuery.all().type("page.made").oldestFirst().pageSize(5)).map(PublishedEvent::id).toList();
    List<String> newestFirst = client.events(EventQuery.all().type("page.made").pageSize(7)).map(PublishedEvent::id).toList();
    List<String> exactPages = client.events(EventQuery.all().type("page.made").oldestFirst().pageSize(23)).map(PublishedEvent::id).toList();

    assertThat(oldestFirst).as("5 pages of 5, the last one short").containsExactlyElementsOf(ids);
    assertThat(newestFirst).containsExactlyElementsOf(ids.reversed());
    assertThat(exactPages).as("a full last page, then an empty one").containsExactlyElementsOf(ids);
    assertThat(client.events(EventQuery.all().type("page.made").pageSize(1)).findFirst().orElseThrow().data()).isEqualTo("{\"n\":22}");
  }

  @Test
  void pagesThroughAWebhooksDeliveries() {
    CrierClient client = client();
    standIn.respond(r -> Reply.status(204));
    Webhook hook = client.createWebhook(WebhookSpec.of(standIn.url("/paged"), List.of("hook.fired")));
    List<Event> fired = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      fired.add(Event.of("hook.fired", null));
    }
    client.publishBatch(fired);
    standIn.await("/paged", 12, Duration.ofSeconds(30));
    DeliveryQuery delivered = DeliveryQuery.all().webhook(hook.id()).status("delivered").pageSize(5);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> client.deliveries(delivered).count() == 12);

    List<Delivery> deliveries = client.deliveries(delivered).toList();

    assertThat(deliveries).extracting(Delivery::eventId).doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(fired.stream().map(Event::id).toList());
    assertThat(deliveries).allSatisfy(d -> {
      assertThat(d.subscriptionId()).isEqualTo(hook.id());
      assertThat(d.lastResponseStatus()).isEqualTo(204);
    });
    client.deleteWebhook(hook.id());
  }

  @Test
  void aReceiverVerifiesWhatTheClientSetUpWithCrierVerifyOnItsClasspath() {
    CrierClient client = client();
    standIn.respond(r -> Reply.status(204));
    Webhook hook = client.createWebhook(WebhookSpec.of(standIn.url("/verified"), List.of("invoice.paid"))
        .withSignature("standard+ed25519"));
    client.publish(Event.of("invoice.paid", "{\"invoice\": \"INV-7\"}"));
    Receiver.Request request = standIn.await("/verified", 1, Duration.ofSeconds(20)).get(0);

    // v1 with the secret the client was shown, v1a with the keys Crier publishes
    assertThatCode(() -> StandardWebhooks.of(hook.secret()).verify(request.headers(), request.body()))
        .doesNotThrowAnyException();
    StandardWebhooks byKeys = StandardWebhooks.ofPublicKeys(Jwks.builder(URI.create(api.base() + "/.well-known/jwks.json")).build());
    assertThatCode(() -> byKeys.verify(request.headers(), request.body())).doesNotThrowAnyException();
    byte[] tampered = new String(request.body(), java.nio.charset.StandardCharsets.UTF_8).replace("INV-7", "INV-8")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThatThrownBy(() -> byKeys.verify(request.headers(), tampered)).isInstanceOf(VerificationException.class);
    client.deleteWebhook(hook.id());
  }

  @Test
  void managesAWebhookThroughItsWholeLife() {
    CrierClient client = client();
    standIn.respond(r -> Reply.status(500));
    Webhook created = client.createWebhook(WebhookSpec.of(standIn.url("/life"), List.of("invoice.*"))
        .withName("Billing").withSignature("standard+ed25519").withRetrySchedule(List.of()));

    assertThat(created.secret()).startsWith("whsec_");
    assertThat(created.signature()).isEqualTo("standard+ed25519");
    assertThat(created.retrySchedule()).isEmpty();
    Webhook fetched = client.webhook(created.id());
    assertThat(fetched.secret()).as("shown only on create").isNull();
    assertThat(fetched.name()).isEqualTo("Billing");
    assertThat(client.webhooks()).extracting(Webhook::id).contains(created.id());

    Webhook updated = client.updateWebhook(created.id(), WebhookSpec.change().withEvents(List.of("invoice.paid")).withTimeoutSeconds(5));
    assertThat(updated.events()).containsExactly("invoice.paid");
    assertThat(updated.name()).as("what the change leaves out is kept").isEqualTo("Billing");
    assertThat(updated.timeoutSeconds()).isEqualTo(5.0);

    assertThat(client.disableWebhook(created.id()).status()).isEqualTo("disabled");
    assertThat(client.enableWebhook(created.id()).status()).isEqualTo("active");

    client.publish(Event.of("invoice.paid", null));
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> client.webhook(created.id()).status().equals("halted"));
    assertThatThrownBy(() -> client.enableWebhook(created.id()))
        .isInstanceOfSatisfying(CrierException.class, e -> assertThat(e.kind()).isEqualTo(CrierException.Kind.CONFLICT));
    standIn.respond(r -> Reply.status(204));
    assertThat(client.resumeWebhook(created.id()).status()).isEqualTo("active");
    standIn.await("/life", 2, Duration.ofSeconds(20));

    Webhook rotated = client.rotateWebhookSecret(created.id(), Duration.ofHours(1));
    assertThat(rotated.secret()).startsWith("whsec_").isNotEqualTo(created.secret());

    client.deleteWebhook(created.id());
    assertThatThrownBy(() -> client.webhook(created.id()))
        .isInstanceOfSatisfying(CrierException.class, e -> {
          assertThat(e.kind()).isEqualTo(CrierException.Kind.NOT_FOUND);
          assertThat(e.problem().status()).isEqualTo(404);
        });
  }

  @Test
  void aRefusedWebhookNamesEachField() {
    assertThatThrownBy(() -> client().createWebhook(WebhookSpec.of("ftp://nowhere", List.of("no.such.type")).withTimeoutSeconds(99)))
        .isInstanceOfSatisfying(CrierException.class, e -> {
          assertThat(e.kind()).isEqualTo(CrierException.Kind.INVALID);
          assertThat(e.problem().errors()).extracting(Problem.FieldError::field).contains("timeout_seconds");
        });
  }

  @Test
  void declaresEventTypesAndIssuesAppTokens() {
    CrierClient client = client();
    EventType declared = client.putEventType("client.created", "A client was created.");
    assertThat(declared.name()).isEqualTo("client.created");
    assertThat(client.putEventType("client.created", "A client was made.").description()).as("a repeated PUT changes it").isEqualTo("A client was made.");
    assertThat(client.eventTypes()).extracting(EventType::name).contains("client.created", "invoice.paid");

    App app = client.createApp("CRM sync", "https://crm.example.com");
    assertThat(app.secret()).isNotBlank();
    assertThat(client.app(app.id()).secret()).isNull();
    assertThat(client.apps()).extracting(App::id).contains(app.id());

    Token token = client.issueToken(app.id(), TokenRequest.of("acme", "clients").withUser("u-7", List.of("clients:read")));
    assertThat(token.accessToken()).isNotBlank();
    assertThat(token.account()).isEqualTo("acme");
    assertThat(client.tokens(app.id())).extracting(Token::id).containsExactly(token.id());
    CrierClient asApp = CrierClient.builder(URI.create(api.base()), token.accessToken()).build();
    assertThat(asApp.webhooks()).as("an app token sees only its own webhooks").isEmpty();

    client.revokeToken(token.id());
    assertThat(client.tokens(app.id()).get(0).revokedAt()).isNotNull();
    assertThatThrownBy(asApp::webhooks)
        .isInstanceOfSatisfying(CrierException.class, e -> assertThat(e.kind()).isEqualTo(CrierException.Kind.NOT_AUTHORIZED));
    client.deleteApp(app.id());
    assertThatThrownBy(() -> client.app(app.id()))
        .isInstanceOfSatisfying(CrierException.class, e -> assertThat(e.kind()).isEqualTo(CrierException.Kind.NOT_FOUND));
  }

  @Test
  void aCreateThatGotNoAnswerIsNotSentAgain() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    CrierClient unreachable =
        CrierClient.builder(URI.create("http://127.0.0.1:" + closedPort), "key").maxRetryWait(Duration.ZERO).build();
    assertThatThrownBy(() -> unreachable.createWebhook(WebhookSpec.of("http://example.com", List.of("*"))))
        .isInstanceOfSatisfying(CrierException.class, e -> assertThat(e.kind()).isEqualTo(CrierException.Kind.UNAVAILABLE));
    standIn.respond(r -> Reply.status(503).withHeader("Retry-After", "0"));
    CrierClient overloaded = CrierClient.builder(URI.create(standIn.url("")), "key").maxAttempts(2).build();
    assertThatThrownBy(() -> overloaded.createWebhook(WebhookSpec.of("http://example.com", List.of("*"))));
    assertThat(standIn.requests("/v1/webhooks")).as("a 503 did nothing, so a create is retried after it").hasSize(2);
  }
}
