package dev.crier.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.api.HttpApi.Route;
import dev.crier.testing.Api;
import dev.crier.testing.Engine;
import dev.crier.testing.TestCrier;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class OperationsTest {
  @Parameter Engine engine;
  static TestCrier crier;
  static Api api;

  @BeforeParameterizedClassInvocation
  static void start(Engine engine) {
    crier = TestCrier.start(engine);
    api = crier.api();
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    crier.close();
  }

  @Test
  void healthAndReadinessAnswer() {
    assertThat(api.get("/healthz").json().get("status").stringValue()).isEqualTo("ok");
    assertThat(api.get("/readyz").json().get("status").stringValue()).isEqualTo("ready");
  }

  @Test
  void readinessFailsWhenTheDatabaseIsGone() {
    try (TestCrier doomed = TestCrier.start(engine)) {
      doomed.crier().database().close();
      var response = doomed.api().get("/readyz");
      assertThat(response.status()).isEqualTo(503);
      assertThat(response.header("Content-Type")).startsWith("application/problem+json");
      assertThat(doomed.api().get("/healthz").status()).isEqualTo(200);
    }
  }

  @Test
  void metricsCoverHttpJvmAndPublishing() {
    api.put("/v1/event-types/metric.test", "{\"description\":\"x\"}");
    double before = api.metric("crier_events_published_total");
    api.post("/v1/events", "[{\"type\": \"metric.test\"}, {\"type\": \"metric.test\"}]");
    String metrics = api.get("/metrics").body();
    assertThat(metrics).contains("jvm_memory_used_bytes").contains("jvm_compilation_time_ms_total");
    assertThat(metrics).containsPattern("http_server_requests_seconds_count\\{.*route=\"/v1/events\".*\\}");
    assertThat(api.metric("crier_events_published_total")).isEqualTo(before + 2);
  }

  @Test
  void theOpenApiDocumentDescribesExactlyTheRoutesServed() {
    JsonNode doc = api.get("/openapi.json").json();
    assertThat(doc.get("openapi").stringValue()).startsWith("3.1");
    Set<Route> documented = new HashSet<>();
    for (var path : doc.get("paths").properties()) {
      for (String method : path.getValue().propertyNames()) {
        if (method.equals("parameters")) continue;
        documented.add(new Route(method.toUpperCase(Locale.ROOT), path.getKey()));
      }
    }
    Set<Route> served = new HashSet<>(crier.crier().routes());
    assertThat(served).isNotEmpty();
    assertThat(documented).containsExactlyInAnyOrderElementsOf(served);
  }

  @Test
  void theExplorerPageLoadsItsAssetsFromCrierItself() {
    var page = api.get("/docs");
    assertThat(page.header("Content-Type")).startsWith("text/html");
    Matcher script = Pattern.compile("src=\"([^\"]+swagger-ui-bundle\\.js)\"").matcher(page.body());
    assertThat(script.find()).isTrue();
    assertThat(api.get(script.group(1)).status()).isEqualTo(200);
    assertThat(page.body()).contains("/openapi.json");
  }
}
