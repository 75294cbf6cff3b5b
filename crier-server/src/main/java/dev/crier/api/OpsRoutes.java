package dev.crier.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.function.BooleanSupplier;

/** Health, readiness, metrics, the OpenAPI document and the API explorer; no key needed. */
final class OpsRoutes {
  private final BooleanSupplier ready;
  private final PrometheusMeterRegistry metrics;
  private final byte[] openApi;
  private final byte[] docsPage;

  OpsRoutes(BooleanSupplier ready, PrometheusMeterRegistry metrics) {
    this.ready = ready;
    this.metrics = metrics;
    this.openApi = resource("/openapi.json");
    this.docsPage =
        new String(resource("/docs.html"), java.nio.charset.StandardCharsets.UTF_8)
            .replace("{{swagger-ui}}", "/webjars/swagger-ui/" + swaggerUiVersion())
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  void register(RoutesConfig routes) {
    routes.get("/healthz", ctx -> Json.write(ctx, 200, Json.MAPPER.createObjectNode().put("status", "ok")));
    routes.get("/readyz", this::readiness);
    routes.get("/metrics", this::scrape);
    routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
    routes.get("/docs", ctx -> ctx.contentType("text/html; charset=utf-8").result(docsPage));
  }

  private void readiness(Context ctx) {
    if (!ready.getAsBoolean()) {
      throw ProblemException.unavailable(
          "not-ready",
          "the database is unreachable, its migrations have not been applied, or the publish committer"
              + " or outcome writer stopped (see the log)",
          5);
    }
    Json.write(ctx, 200, Json.MAPPER.createObjectNode().put("status", "ready"));
  }

  private void scrape(Context ctx) {
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
  }

  private static byte[] resource(String name) {
    try (InputStream in = OpsRoutes.class.getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("missing resource " + name);
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String swaggerUiVersion() {
    String pom = "/META-INF/maven/org.webjars/swagger-ui/pom.properties";
    try (InputStream in = OpsRoutes.class.getResourceAsStream(pom)) {
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("the swagger-ui webjar is missing from the classpath", e);
    }
  }
}
