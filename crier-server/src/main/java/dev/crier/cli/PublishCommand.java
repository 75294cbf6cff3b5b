package dev.crier.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** {@code crier publish}: sends an event (or a file of events) to a running Crier. */
@Command(name = "publish", mixinStandardHelpOptions = true, description = "Publish an event from the command line or a file.")
final class PublishCommand implements Callable<Integer> {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Option(names = "--url", defaultValue = "http://localhost:8080", description = "Crier's URL (default http://localhost:8080)")
  String url;

  @Option(names = "--key", description = "the admin key (default: the CRIER_ADMIN_KEY variable, else ./data/admin.key)")
  String key;

  @Option(names = "--type", description = "the event type, e.g. client.create")
  String type;

  @Option(names = "--id", description = "the event id (idempotency key)")
  String id;

  @Option(names = "--account", description = "the account the event belongs to")
  String account;

  @Option(names = "--subject-url", description = "the subject's URL in your API")
  String subjectUrl;

  @Option(names = "--subject-path", description = "the subject's path, for watches")
  String subjectPath;

  @Option(names = "--data", description = "the event's data as a JSON object")
  String data;

  @Option(names = "--file", description = "a JSON file with one event or an array of events")
  Path file;

  @Override
  public Integer call() throws Exception {
    String body;
    if (file != null) {
      body = Files.readString(file);
    } else if (type != null) {
      ObjectNode event = JSON.createObjectNode().put("type", type);
      if (id != null) event.put("id", id);
      if (account != null) event.put("account", account);
      if (subjectUrl != null || subjectPath != null) {
        ObjectNode subject = event.putObject("subject");
        if (subjectUrl != null) subject.put("url", subjectUrl);
        if (subjectPath != null) subject.put("path", subjectPath);
      }
      if (data != null) event.set("data", JSON.readTree(data));
      body = JSON.writeValueAsString(event);
    } else {
      System.err.println("crier publish: give --type (with --data etc.) or --file");
      return 2;
    }
    String bearer = key != null ? key : defaultKey();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url.replaceAll("/$", "") + "/v1/events"))
            .header("Authorization", "Bearer " + bearer)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    (response.statusCode() == 202 ? System.out : System.err).println(response.statusCode() + " " + response.body());
    return response.statusCode() == 202 ? 0 : 1;
  }

  private static String defaultKey() throws java.io.IOException {
    String env = System.getenv("CRIER_ADMIN_KEY");
    if (env != null && !env.isBlank()) return env;
    Path kept = Path.of(System.getenv().getOrDefault("CRIER_DATA_DIR", "./data")).resolve("admin.key");
    return Files.exists(kept) ? Files.readString(kept).trim() : "";
  }
}
