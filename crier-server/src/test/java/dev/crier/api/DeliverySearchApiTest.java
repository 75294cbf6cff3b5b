package dev.crier.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.testing.Api;
import dev.crier.testing.AppToken;
import dev.crier.testing.Engine;
import dev.crier.testing.Receiver;
import dev.crier.testing.Receiver.Reply;
import dev.crier.testing.TestCrier;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 * {@code GET /v1/deliveries}: the delivery log across subscriptions, newest first, filtered by
 * subscription, status, event type and time, paged by cursor, scoped to what the caller sees.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class DeliverySearchApiTest {
  @Parameter Engine engine;
  static TestCrier crier;
  static Api api;
  @AutoClose Receiver receiver = Receiver.start();

  @BeforeParameterizedClassInvocation
  static void start(Engine engine) {
    crier = TestCrier.start(engine);
    api = crier.api();
    crier.declare("entry.updated", "timer.running");
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    crier.close();
  }

  private String webhook(Api caller, String path, String events) {
    var created = caller.post("/v1/webhooks",
        "{\"url\": \"" + receiver.url(path) + "\", \"events\": " + events + ", \"retry_schedule\": []}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("id").stringValue();
  }

  private static void publish(String id, String type) {
    var published = api.post("/v1/events", "{\"id\": \"" + id + "\", \"type\": \"" + type + "\", \"account\": \"acme\"}");
    assertThat(published.status()).as(published.body()).isEqualTo(202);
  }

  private static List<JsonNode> search(Api caller, String query) {
    var response = caller.get("/v1/deliveries" + query);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    List<JsonNode> out = new ArrayList<>();
    response.json().get("items").forEach(out::add);
    return out;
  }

  private static List<String> eventIds(List<JsonNode> deliveries) {
    return deliveries.stream().map(d -> d.get("event_id").stringValue()).toList();
  }

  @Test
  void filtersAcrossSubscriptionsBySubscriptionStatusEventTypeAndTime() {
    receiver.respond(r -> r.path().equals("/bad") ? Reply.status(500) : Reply.status(204));
    String good = webhook(api, "/good", "[\"entry.updated\", \"timer.running\"]");
    String bad = webhook(api, "/bad", "[\"timer.running\"]");
    Instant before = Instant.now().minusSeconds(1);
    publish("search-1-" + good, "entry.updated");
    publish("search-2-" + good, "timer.running");
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
        search(api, "?subscription=" + good + "&status=delivered").size() == 2
            && search(api, "?subscription=" + bad + "&status=failed").size() == 1);

    List<JsonNode> both = search(api, "?event_type=timer.running&since=" + enc(before.toString()));
    assertThat(both).extracting(d -> d.get("subscription_id").stringValue()).containsExactlyInAnyOrder(good, bad);
    assertThat(eventIds(both)).containsOnly("search-2-" + good);
    assertThat(eventIds(search(api, "?subscription=" + good))).containsExactly("search-2-" + good, "search-1-" + good);
    assertThat(search(api, "?status=failed&subscription=" + bad).get(0).get("last_response_status").intValue()).isEqualTo(500);
    assertThat(search(api, "?subscription=" + good + "&event_type=entry.updated")).hasSize(1);
    assertThat(search(api, "?subscription=" + good + "&until=" + enc(before.toString()))).isEmpty();
    assertThat(search(api, "?subscription=" + good + "&since=" + enc(Instant.now().plusSeconds(60).toString()))).isEmpty();
    api.delete("/v1/webhooks/" + good);
    api.delete("/v1/webhooks/" + bad);
  }

  @Test
  void pagesNewestFirstWithTheNextCursor() {
    receiver.respond(r -> Reply.status(204));
    String id = webhook(api, "/pages", "[\"entry.updated\"]");
    for (int i = 0; i < 5; i++) publish("page-" + id + "-" + i, "entry.updated");
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> search(api, "?subscription=" + id + "&status=delivered").size() == 5);

    List<String> seen = new ArrayList<>();
    String after = null;
    do {
      var page = api.get("/v1/deliveries?subscription=" + id + "&limit=2" + (after == null ? "" : "&after=" + enc(after))).json();
      page.get("items").forEach(d -> seen.add(d.get("event_id").stringValue()));
      after = page.get("next").isNull() ? null : page.get("next").stringValue();
    } while (after != null);
    assertThat(seen).containsExactly("page-" + id + "-4", "page-" + id + "-3", "page-" + id + "-2", "page-" + id + "-1", "page-" + id + "-0");
    api.delete("/v1/webhooks/" + id);
  }

  @Test
  void badParametersAre400NamingEachOne() {
    var response = api.get("/v1/deliveries?status=lost&since=yesterday&after=nonsense&limit=0&colour=red");
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().get("errors").findValuesAsString("field"))
        .containsExactlyInAnyOrder("colour", "status", "since", "after", "limit");
    assertThat(api.get("/v1/deliveries?subscription=wh_nothing").status()).isEqualTo(404);
  }

  @Test
  void anAppTokenReadsOnlyTheDeliveriesOfItsOwnSubscriptions() {
    receiver.respond(r -> Reply.status(204));
    AppToken token = AppToken.issue(api, "Books", receiver.url("/app"), "acme", "entries");
    Api books = token.api();
    String own = webhook(books, "/app/mine", "[\"entry.updated\"]");
    String admins = webhook(api, "/theirs", "[\"entry.updated\"]");
    publish("token-search-" + own, "entry.updated");
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> search(api, "?subscription=" + admins + "&status=delivered").size() == 1
        && search(api, "?subscription=" + own + "&status=delivered").size() == 1);

    assertThat(search(books, "")).extracting(d -> d.get("subscription_id").stringValue()).containsOnly(own);
    assertThat(books.get("/v1/deliveries?subscription=" + admins).status()).isEqualTo(404);
    api.delete("/v1/webhooks/" + admins);
    api.delete("/v1/webhooks/" + own);
  }

  private static String enc(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
