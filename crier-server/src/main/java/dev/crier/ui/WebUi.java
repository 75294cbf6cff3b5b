package dev.crier.ui;

import io.javalin.http.staticfiles.Location;
import io.javalin.http.staticfiles.StaticFileConfig;
import java.util.Map;

/**
 * The web UI, "Integrations & Connected Apps": static HTML, CSS and JavaScript modules in the jar
 * under {@code /ui}, served at {@code /}. It talks only to the public REST API, with the key the
 * person signs in with, so everything it does an API user can do too.
 */
public final class WebUi {
  /** Where the UI's files are on the classpath. */
  public static final String DIRECTORY = "/ui";

  /**
   * Everything the page loads comes from Crier itself; no inline script, no framing by other
   * sites (X-Frame-Options for browsers that predate frame-ancestors), and the key never leaves
   * in a Referer.
   */
  static final Map<String, String> HEADERS =
      Map.of(
          "Content-Security-Policy",
          "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
          "X-Content-Type-Options", "nosniff",
          "X-Frame-Options", "DENY",
          "Referrer-Policy", "no-referrer",
          "Cache-Control", "no-cache");

  private WebUi() {}

  /** Configures Javalin's static file handler to serve the UI at {@code /}. */
  public static void serve(StaticFileConfig files) {
    files.hostedPath = "/";
    files.directory = DIRECTORY;
    files.location = Location.CLASSPATH;
    files.headers = HEADERS;
  }
}
