package dev.crier.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openqa.selenium.support.ui.ExpectedConditions.attributeToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.elementToBeClickable;
import static org.openqa.selenium.support.ui.ExpectedConditions.presenceOfElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated;

import dev.crier.config.Settings;
import dev.crier.testing.Api;
import dev.crier.testing.AppToken;
import dev.crier.testing.Browser;
import dev.crier.testing.Engine;
import dev.crier.testing.Receiver;
import dev.crier.testing.Receiver.Reply;
import dev.crier.testing.TestCrier;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import tools.jackson.databind.JsonNode;

/**
 * The web UI in a real headless Chromium against a real Crier: signing in, the forms with the
 * API's own validation messages, the delivery log, resuming a halted webhook, what an app token
 * is not offered, and the layout at phone width. Screenshots go to target/ui-screenshots/.
 */
class WebUiTest {
  static TestCrier crier;
  static Api api;
  static Browser browser;
  @AutoClose Receiver receiver = Receiver.start();
  /** Console errors a test provoked on purpose (the browser logs every 4xx answer). */
  private Predicate<String> expectedErrors = message -> false;

  @BeforeAll
  static void start() {
    // channel subscriptions made in the browser call back to the plain-http test receiver
    crier = TestCrier.start(Engine.SQLITE, Map.of(Settings.Key.ALLOW_HTTP_CALLBACKS, "true"));
    api = crier.api();
    api.put("/v1/event-types/entry.updated", "{\"description\":\"An entry was changed.\"}");
    api.put("/v1/event-types/timer.running", "{\"description\":\"A timer is running.\"}");
    browser = Browser.start();
  }

  @AfterAll
  static void stop() {
    if (browser != null) browser.close();
    if (crier != null) crier.close();
  }

  @BeforeEach
  void freshTab() {
    browser.open(api.base() + "/");
    browser.script("sessionStorage.clear();");
    browser.open(api.base() + "/");
    browser.viewport(1280, 900);
    browser.consoleErrors();
  }

  @AfterEach
  void noConsoleErrorsAndNoWebhooksLeft() {
    // the next test's events must not reach this test's (closed) receiver and fail there
    api.get("/v1/webhooks").json().get("items").forEach(w -> api.delete("/v1/webhooks/" + w.get("id").stringValue()));
    assertThat(browser.consoleErrors()).filteredOn(expectedErrors.negate()).isEmpty();
  }

  private void signIn(String key) {
    WebElement field = browser.await(visibilityOfElementLocated(By.id("sign-in-key")));
    field.clear();
    field.sendKeys(key, Keys.ENTER);
  }

  private void signInAsAdmin() {
    signIn(TestCrier.ADMIN_KEY);
    browser.await(visibilityOfElementLocated(By.id("tabs")));
    browser.await(textToBePresentInElementLocated(By.id("who-label"), "Admin"));
  }

  private void openTab(String id) {
    browser.await(elementToBeClickable(By.id("tab-" + id))).click();
    browser.await(attributeToBe(By.id("tab-" + id), "aria-selected", "true"));
  }

  /** The list row whose text contains {@code text}, once it is there. */
  private WebElement row(String text) {
    By by = By.xpath("//table[contains(@class,'list')]//tr[contains(normalize-space(.), " + literal(text) + ")]");
    return browser.await(visibilityOfElementLocated(by));
  }

  private static String literal(String text) {
    return "'" + text.replace("'", "") + "'";
  }

  private WebElement field(String name) {
    return browser.find(By.cssSelector("#panels form.form [name='" + name + "']"));
  }

  private String fieldError(String name) {
    return browser.find(By.cssSelector("#panels form.form [data-field='" + name + "'] .field-error")).getText();
  }

  private void type(String name, String text) {
    WebElement input = field(name);
    input.clear();
    input.sendKeys(text);
  }

  private void submitForm() {
    browser.find(By.cssSelector("#panels form.form button[type='submit']")).click();
  }

  private void clickButton(String label) {
    browser.await(elementToBeClickable(By.xpath("//button[normalize-space(.)=" + literal(label) + "]"))).click();
  }

  /** Runs one of a row's actions: the primary button, or the item in its Actions menu. */
  private void rowAction(String rowText, String label) {
    browser.await(d -> {
      WebElement row = row(rowText);
      List<WebElement> direct = row.findElements(By.xpath(".//div[@class='row-actions']/button[normalize-space(.)=" + literal(label) + "]"));
      if (!direct.isEmpty()) {
        direct.get(0).click();
        return true;
      }
      row.findElement(By.cssSelector("details.menu > summary")).click();
      row.findElement(By.xpath(".//details//button[normalize-space(.)=" + literal(label) + "]")).click();
      return true;
    });
  }

  @Test
  void theApiExplorerRendersUnderItsContentSecurityPolicy() {
    browser.open(api.base() + "/docs");
    browser.await(visibilityOfElementLocated(By.cssSelector(".swagger-ui .info .title")));
    browser.await(presenceOfElementLocated(By.cssSelector(".swagger-ui .opblock")));
    assertThat(browser.find(By.cssSelector(".swagger-ui .info .title")).getText()).contains("Crier");
  }

  @Test
  void signsInWithTheAdminKeyAfterRefusingAWrongOneAndKeepsTheKeyOutOfTheUrl() {
    expectedErrors = m -> m.contains("/v1/me") && m.contains("401");
    signIn("not-the-key-at-all");
    String refusal = api.withKey("not-the-key-at-all").get("/v1/me").json().get("detail").stringValue();
    browser.await(textToBePresentInElementLocated(By.id("sign-in-key-error"), refusal));
    browser.screenshot("sign-in-refused");

    signInAsAdmin();
    assertThat(browser.findAll(By.cssSelector("#tabs [role=tab]")).stream().map(WebElement::getText))
        .containsExactly("Webhooks", "Broadcasts", "Watches", "Connected apps", "Event types", "Deliveries");
    assertThat(browser.driver().getCurrentUrl()).doesNotContain(TestCrier.ADMIN_KEY);
    assertThat((String) browser.script("return sessionStorage.getItem('crier.session');")).contains(TestCrier.ADMIN_KEY);
    assertThat((String) browser.script("return localStorage.length + ''")).isEqualTo("0");

    clickButton("Sign out");
    browser.await(visibilityOfElementLocated(By.id("sign-in-key")));
    assertThat(browser.script("return sessionStorage.getItem('crier.session');")).isNull();
  }

  @Test
  void createsAWebhookThroughTheFormAfterShowingTheApisMessageBesideABadUrl() {
    expectedErrors = m -> m.contains("/v1/webhooks") && m.contains("422");
    signInAsAdmin();
    openTab("webhooks");
    clickButton("New webhook");
    browser.await(visibilityOfElementLocated(By.cssSelector("#panels form.form")));
    type("name", "Books sync");
    type("url", "not a url");
    type("events", "entry.updated");
    submitForm();

    JsonNode problem = api.post("/v1/webhooks", "{\"url\": \"not a url\", \"events\": [\"entry.updated\"]}").json();
    String expected = problem.get("errors").get(0).get("message").stringValue();
    assertThat(problem.get("errors").get(0).get("field").stringValue()).isEqualTo("url");
    browser.await(textToBePresentInElementLocated(By.cssSelector("#panels [data-field='url'] .field-error"), expected));
    assertThat(field("url").getAttribute("aria-invalid")).isEqualTo("true");
    assertThat(fieldError("events")).isEmpty();
    browser.screenshot("webhook-validation");

    type("url", receiver.url("/books"));
    submitForm();
    WebElement secret = browser.await(visibilityOfElementLocated(By.cssSelector(".secret .secret-value")));
    assertThat(secret.getAttribute("type")).isEqualTo("password");
    clickButton("Reveal");
    assertThat(secret.getAttribute("value")).startsWith("whsec_");
    browser.await(d -> row("Books sync").getText().contains(receiver.url("/books")) && row("Books sync").getText().contains("Active"));

    JsonNode created = api.get("/v1/webhooks").json().get("items").get(0);
    assertThat(created.get("name").stringValue()).isEqualTo("Books sync");
    assertThat(created.get("url").stringValue()).isEqualTo(receiver.url("/books"));
    assertThat(created.get("events").get(0).stringValue()).isEqualTo("entry.updated");
    browser.screenshot("webhooks");
  }

  @Test
  void createsABroadcastReceiverThroughTheFormAndShowsItsSecretOnce() {
    signInAsAdmin();
    openTab("broadcasts");
    clickButton("New broadcast receiver");
    browser.await(visibilityOfElementLocated(By.cssSelector("#panels form.form")));
    type("name", "Da Best Timer Sync");
    type("url", receiver.url("/timers"));
    type("subjects", "timer");
    type("interval_seconds", "1");
    submitForm();
    WebElement secret = browser.await(visibilityOfElementLocated(By.cssSelector(".secret .secret-value")));
    String shown = secret.getAttribute("value");
    browser.await(d -> row("Da Best Timer Sync").getText().contains("timer") && row("Da Best Timer Sync").getText().contains("1 s"));

    JsonNode receiverJson = api.get("/v1/broadcast-receivers").json().get("items").get(0);
    assertThat(receiverJson.get("url").stringValue()).isEqualTo(receiver.url("/timers"));
    assertThat(shown).isNotBlank();
    browser.screenshot("broadcasts");
    clickButton("Done");
    assertThat(browser.findAll(By.cssSelector(".secret"))).isEmpty();
  }

  @Test
  void showsADeliveryPublishedThroughTheApiInTheLogWithItsRequestAndResponse() {
    receiver.respond(r -> Reply.status(200).withBody("{\"ok\":true}"));
    String id = webhook("Ledger", "/ledger", "[\"10s\"]");
    signInAsAdmin();
    openTab("deliveries");
    var published = api.post("/v1/events", "{\"id\": \"ui-log-1\", \"type\": \"entry.updated\", \"data\": {\"hours\": 3}}");
    assertThat(published.status()).isEqualTo(202);
    receiver.await("/ledger", 1, Duration.ofSeconds(20));

    By delivered = By.xpath("//tr[contains(@class,'delivery-row')][contains(., 'Ledger')][.//span[normalize-space(.)='delivered']]");
    browser.await(d -> browser.find(delivered).getText().contains("entry.updated") && browser.find(delivered).getText().contains("HTTP 200"));
    browser.await(d -> {
      browser.find(delivered).findElement(By.cssSelector("button.link")).click();
      return true;
    });
    WebElement detail = browser.await(visibilityOfElementLocated(By.cssSelector(".detail")));
    browser.await(textToBePresentInElementLocated(By.cssSelector(".detail"), "ui-log-1"));
    assertThat(detail.getText()).contains("Request").contains("Response").contains("\"hours\": 3").contains("webhook-signature");
    browser.await(presenceOfElementLocated(By.cssSelector(".charts svg.chart rect.bar.delivered")));
    browser.screenshot("deliveries");

    clickButton("Redeliver");
    receiver.await("/ledger", 2, Duration.ofSeconds(20));
    browser.await(textToBePresentInElementLocated(By.cssSelector(".detail"), "(redelivery)"));
    assertThat(api.get("/v1/webhooks/" + id + "/deliveries").json().get("items").get(0).get("attempt_count").intValue()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void resumesAHaltedWebhookThatStandsOutOnEveryTab() {
    receiver.respond(r -> r.path().equals("/flaky") ? Reply.status(500) : Reply.status(204));
    webhook("Invoices to Books", "/invoices", "[\"10s\"]");
    String id = webhook("Flaky endpoint", "/flaky", "[]");
    api.post("/v1/events", "{\"id\": \"ui-halt-1\", \"type\": \"entry.updated\", \"data\": {}}");
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/v1/webhooks/" + id).json().get("status").stringValue().equals("halted"));

    signInAsAdmin();
    openTab("event-types");
    browser.await(textToBePresentInElementLocated(By.id("attention"), "Flaky endpoint"));
    assertThat(browser.find(By.id("tab-webhooks")).getText()).contains("1");
    openTab("webhooks");
    browser.await(d -> row("Flaky endpoint").getAttribute("class").contains("row-halted") && row("Flaky endpoint").getText().contains("Halted"));
    assertThat(row("Invoices to Books").getAttribute("class")).doesNotContain("row-halted");
    browser.screenshot("webhook-halted");
    browser.viewport(1280, 480);
    browser.screenshot("readme-webhooks"); // docs/ui-webhooks.png is a copy of this one
    browser.viewport(1280, 900);

    receiver.respond(r -> Reply.status(204));
    rowAction("Flaky endpoint", "Resume");
    browser.await(textToBePresentInElementLocated(By.id("toasts"), "resumed"));
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
        api.get("/v1/webhooks/" + id + "/deliveries?status=delivered").json().get("items").size() == 1);
    browser.await(d -> !row("Flaky endpoint").getText().contains("Halted"));
    assertThat(row("Flaky endpoint").getText()).contains("Active");
    browser.await(d -> !browser.find(By.id("attention")).getText().contains("halted"));
  }

  @Test
  void anAppTokenSeesItsOwnPartAndIsNotOfferedTheProvidersActions() {
    AppToken token = AppToken.issue(api, "Books", receiver.url("/app"), "acme", "entries");
    webhook("Admin's own", "/admin-own", "[\"10s\"]");
    signIn(token.token());
    browser.await(textToBePresentInElementLocated(By.id("who-label"), "Books · acme"));

    openTab("apps");
    browser.await(textToBePresentInElementLocated(By.id("panels"), "Signed in as Books"));
    assertThat(browser.findAll(By.xpath("//button[normalize-space(.)='New app']"))).isEmpty();
    assertThat(browser.findAll(By.xpath("//button[normalize-space(.)='New channel subscription']"))).hasSize(1);
    openTab("event-types");
    row("entry.updated");
    assertThat(browser.findAll(By.xpath("//button[normalize-space(.)='New event type']"))).isEmpty();
    openTab("webhooks");
    browser.await(textToBePresentInElementLocated(By.id("panels"), "No webhooks yet"));
    assertThat(browser.find(By.id("panels")).getText()).doesNotContain("Admin's own");
  }

  @Test
  void theTabsFollowTheArrowKeysAndThePageFitsAPhone() {
    webhook("A webhook with a rather long name", "/phone", "[\"10s\"]");
    signInAsAdmin();
    openTab("webhooks");
    browser.find(By.id("tab-webhooks")).sendKeys(Keys.ARROW_RIGHT);
    browser.await(attributeToBe(By.id("tab-broadcasts"), "aria-selected", "true"));
    assertThat(browser.driver().switchTo().activeElement().getAttribute("id")).isEqualTo("tab-broadcasts");

    browser.viewport(390, 844);
    openTab("webhooks");
    row("A webhook with a rather long name");
    assertThat(horizontalOverflow()).as("horizontal overflow in px").isLessThanOrEqualTo(0);
    browser.screenshot("phone-webhooks");
    openTab("deliveries");
    browser.await(presenceOfElementLocated(By.cssSelector(".charts svg.chart")));
    assertThat(horizontalOverflow()).as("horizontal overflow in px").isLessThanOrEqualTo(0);
    browser.screenshot("phone-deliveries");
  }

  private static int horizontalOverflow() {
    return ((Number) browser.script("return document.documentElement.scrollWidth - window.innerWidth;")).intValue();
  }

  @Test
  void editsPingsRotatesDisablesAndDeletesAWebhookAskingBeforeTheDelete() {
    receiver.respond(r -> Reply.status(204));
    String id = webhook("Old name", "/life", "[\"10s\"]");
    String firstSecret = api.post("/v1/webhooks/" + id + "/rotate-secret", "").json().get("secret").stringValue();
    signInAsAdmin();
    openTab("webhooks");

    rowAction("Old name", "Edit");
    browser.await(visibilityOfElementLocated(By.cssSelector("#panels form.form")));
    assertThat(field("url").getAttribute("value")).isEqualTo(receiver.url("/life"));
    type("name", "New name");
    submitForm();
    row("New name");
    assertThat(api.get("/v1/webhooks/" + id).json().get("name").stringValue()).isEqualTo("New name");

    rowAction("New name", "Send a ping");
    assertThat(receiver.await("/life", 1, Duration.ofSeconds(20)).get(0).json().get("type").stringValue()).isEqualTo("crier.webhook.ping");

    rowAction("New name", "Rotate secret");
    WebElement secret = browser.await(visibilityOfElementLocated(By.cssSelector(".secret .secret-value")));
    assertThat(secret.getAttribute("value")).startsWith("whsec_").isNotEqualTo(firstSecret);
    clickButton("Done");

    rowAction("New name", "Disable");
    browser.await(d -> row("New name").getText().contains("Disabled"));
    rowAction("New name", "Enable");
    browser.await(d -> row("New name").getText().contains("Active"));

    rowAction("New name", "Delete");
    WebElement dialog = browser.await(visibilityOfElementLocated(By.id("confirm")));
    assertThat(dialog.getText()).contains("Delete webhook New name?");
    assertThat(browser.driver().switchTo().activeElement().getAttribute("id")).isEqualTo("confirm-cancel");
    browser.screenshot("webhook-delete-confirm");
    browser.find(By.id("confirm-cancel")).click();
    assertThat(api.get("/v1/webhooks/" + id).status()).isEqualTo(200);
    rowAction("New name", "Delete");
    browser.await(elementToBeClickable(By.id("confirm-ok"))).click();
    browser.await(textToBePresentInElementLocated(By.id("panels"), "No webhooks yet"));
    assertThat(api.get("/v1/webhooks/" + id).status()).isEqualTo(404);
  }

  @Test
  void registersAnAppIssuesATokenOnceAndRevokesItAfterConfirmation() {
    signInAsAdmin();
    openTab("apps");
    clickButton("New app");
    browser.await(visibilityOfElementLocated(By.cssSelector("#panels form.form")));
    type("name", "Ledger Sync");
    type("url", receiver.url("/ledger-app"));
    submitForm();
    browser.await(visibilityOfElementLocated(By.cssSelector(".secret .secret-value")));
    clickButton("Done");

    rowAction("Ledger Sync", "Tokens");
    clickButton("New token");
    type("account", "acme");
    type("scope", "entries");
    submitForm();
    String plain = browser.await(visibilityOfElementLocated(By.cssSelector(".secret .secret-value"))).getAttribute("value");
    Api token = api.withKey(plain);
    assertThat(token.get("/v1/me").json().get("role").stringValue()).isEqualTo("app");
    browser.screenshot("apps-tokens");
    clickButton("Done");

    rowAction("acme", "Edit permissions");
    browser.await(visibilityOfElementLocated(By.cssSelector("#panels form.form [name='permissions']")));
    type("permissions", "entries:read, clients:read");
    submitForm();
    browser.await(d -> row("acme").getText().contains("entries:read, clients:read"));
    assertThat(token.get("/v1/me").json().get("token").get("permissions").toString()).isEqualTo("[\"entries:read\",\"clients:read\"]");

    rowAction("acme", "Revoke");
    browser.await(elementToBeClickable(By.id("confirm-ok"))).click();
    browser.await(d -> row("acme").getText().contains("Revoked"));
    assertThat(token.get("/v1/me").status()).isEqualTo(401);
  }

  @Test
  void anAppTokenSubscribesToAChannelThroughTheForm() {
    AppToken token = AppToken.issue(api, "Timesheets", receiver.url("/ts"), "acme", "entries");
    signIn(token.token());
    openTab("apps");
    clickButton("New channel subscription");
    browser.await(visibilityOfElementLocated(By.cssSelector("#panels form.form")));
    new org.openqa.selenium.support.ui.Select(field("channel")).selectByVisibleText("entry.updated");
    type("callback_url", receiver.url("/ts/hook"));
    submitForm();
    row("entry.updated");
    var subs = token.api().get("/v1/subscriptions").json().get("items");
    assertThat(subs).hasSize(1);
    assertThat(subs.get(0).get("callback_url").stringValue()).isEqualTo(receiver.url("/ts/hook"));
    String id = subs.get(0).get("id").stringValue();
    rowAction("entry.updated", "Disable");
    browser.await(d -> row("entry.updated").getText().contains("Disabled"));
    assertThat(token.api().get("/v1/subscriptions/" + id).json().get("status").stringValue()).isEqualTo("disabled");
    rowAction("entry.updated", "Enable");
    browser.await(d -> row("entry.updated").getText().contains("Active"));
    browser.screenshot("token-connected-apps");
  }

  @Test
  void declaresAnEventTypeAndCreatesAWatchThroughTheForms() {
    expectedErrors = m -> m.contains("/v1/event-types/") && m.contains("422");
    signInAsAdmin();
    openTab("event-types");
    clickButton("New event type");
    browser.await(visibilityOfElementLocated(By.cssSelector("#panels form.form")));
    type("name", "Invoice");
    type("description", "An invoice was paid.");
    submitForm();
    String rule = api.put("/v1/event-types/Invoice", "{\"description\": \"x\"}").json().get("errors").get(0).get("message").stringValue();
    browser.await(textToBePresentInElementLocated(By.cssSelector("#panels [data-field='name'] .field-error"), rule));
    type("name", "invoice.paid");
    submitForm();
    browser.await(d -> row("invoice.paid").getText().contains("An invoice was paid."));
    assertThat(api.get("/v1/event-types/invoice.paid").status()).isEqualTo(200);

    openTab("watches");
    clickButton("New watch");
    browser.await(visibilityOfElementLocated(By.cssSelector("#panels form.form")));
    type("pattern", "/projects/37396");
    type("endpoint", receiver.url("/watch"));
    submitForm();
    browser.await(visibilityOfElementLocated(By.cssSelector(".secret .secret-value")));
    browser.await(d -> row("/projects/37396").getText().contains(receiver.url("/watch")));
    assertThat(api.get("/v1/watches").json().get("items").get(0).get("pattern").stringValue()).isEqualTo("/projects/37396");
    browser.screenshot("watches");
  }

  /** A webhook made through the API, hearing entry.updated, sent to the receiver. */
  private String webhook(String name, String path, String schedule) {
    var created = api.post("/v1/webhooks",
        "{\"name\": \"" + name + "\", \"url\": \"" + receiver.url(path) + "\", \"events\": [\"entry.updated\"], \"retry_schedule\": " + schedule + "}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("id").stringValue();
  }
}
