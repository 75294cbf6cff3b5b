package dev.crier.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.testing.Api;
import dev.crier.testing.AppToken;
import dev.crier.testing.Engine;
import dev.crier.testing.TestCrier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An app token's targets stay under its app's URL prefix however the path is spelled: Crier sends
 * a URL as written, so dot segments and encoded or back slashes, which a receiver may resolve
 * out of the prefix, are refused with a 422 naming the field.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class CallbackPrefixTest {
  @Parameter Engine engine;
  static TestCrier crier;
  static Api admin;
  static AppToken books;

  private static final String BASE = "https://books.example.com/ok/app2";
  private static final String[] CLIMBING = {
    BASE + "/../../admin",
    BASE + "/..",
    BASE + "/./../app3",
    BASE + "/%2e%2e/app3",
    BASE + "/.%2E/app3",
    BASE + "/x%2f..%2f..%2fadmin",
    BASE + "/x%2F..%2F..%2Fadmin",
    BASE + "/x%5c..%5c..%5cadmin",
    BASE + "/x%5C..%5Cadmin",
    BASE + "/x\\\\..\\\\..\\\\admin",
  };

  @BeforeParameterizedClassInvocation
  static void start(Engine engine) {
    crier = TestCrier.start(engine);
    admin = crier.api();
    crier.declare("client.create");
    books = AppToken.issue(admin, "Books", BASE, "acme", "clients");
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    crier.close();
  }

  private static void refused(Api.Response r, String field) {
    assertThat(r.status()).as(r.body()).isEqualTo(422);
    assertThat(r.json().get("errors").get(0).get("field").stringValue()).as(r.body()).isEqualTo(field);
  }

  @Test
  void aWebhookUrlCannotClimbOutOfTheAppsPrefix() {
    for (String url : CLIMBING) {
      refused(books.api().post("/v1/webhooks", "{\"url\": \"" + url + "\", \"events\": [\"client.create\"]}"), "url");
    }
  }

  @Test
  void aChannelCallbackCannotClimbOutOfTheAppsPrefix() {
    for (String url : CLIMBING) {
      refused(
          books.api().post("/api/subs", "{\"sub\": {\"channel\": \"client.create\", \"callback_url\": \"" + url + "\"}}"),
          "callback_url");
    }
  }

  @Test
  void aBroadcastReceiverCannotClimbOutOfTheAppsPrefix() {
    for (String url : CLIMBING) {
      refused(
          books.api().post("/v1/broadcast-receivers", "{\"name\": \"b\", \"url\": \"" + url + "\", \"subjects\": [\"client\"]}"),
          "url");
    }
  }

  @Test
  void aPathInsideThePrefixIsStillTaken() {
    for (String url : new String[] {BASE + "/hooks", BASE + "/a..b/...", BASE + "/hooks?next=%2Fback"}) {
      var r = books.api().post("/v1/webhooks", "{\"url\": \"" + url + "\", \"events\": [\"client.create\"]}");
      assertThat(r.status()).as(url + ": " + r.body()).isEqualTo(201);
    }
  }
}
