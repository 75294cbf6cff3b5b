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
  private final java.util.Map<String, String> docsHeaders;

  OpsRoutes(BooleanSupplier ready, PrometheusMeterRegistry metrics) {
    this.ready = ready;
    this.metrics = metrics;
    this.openApi = resource("/openapi.json");
    this.docsPage =
        new String(resource("/docs.html"), java.nio.charset.StandardCharsets.UTF_8)
            .replace("{{swagger-ui}}", "/webjars/swagger-ui/" + swaggerUiVersion())
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    this.docsHeaders = docsHeaders(new String(docsPage, java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * The API explorer loads only Crier's own files; its one inline script is allowed by its hash
   * (no 'unsafe-inline' for scripts). Swagger UI sets style attributes, so styles may be inline.
   * It cannot be framed (clickjacking a page that holds a pasted key).
   */
  static java.util.Map<String, String> docsHeaders(String page) {
    int open = page.indexOf("<script>");
    String inline = page.substring(open + "<script>".length(), page.indexOf("</script>", open));
    String hash;
    try {
      hash = java.util.Base64.getEncoder().encodeToString(
          java.security.MessageDigest.getInstance("SHA-256").digest(inline.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return java.util.Map.of(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self' 'sha256-" + hash + "'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
            + " connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        "X-Frame-Options", "DENY",
        "X-Content-Type-Options", "nosniff",
        "Referrer-Policy", "no-referrer");
  }

  void register(RoutesConfig routes) {
    routes.get("/healthz", ctx -> Json.write(ctx, 200, Json.MAPPER.createObjectNode().put("status", "ok")));
    routes.get("/readyz", this::readiness);
    routes.get("/metrics", this::scrape);
    routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
    routes.get("/docs", ctx -> {
      docsHeaders.forEach(ctx::header);
      ctx.contentType("text/html; charset=utf-8").result(docsPage);
    });
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
