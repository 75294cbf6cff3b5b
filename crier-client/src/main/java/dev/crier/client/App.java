package dev.crier.client;

import java.time.Instant;

/**
 * An OAuth app that integrates with the provider; its tokens ({@link Token}) carry the account.
 *
 * <pre>{@code
 * App app = crier.createApp("Acme CRM sync", "https://crm.example.com");
 * }</pre>
 *
 * <p>Thread-safety: immutable, so thread-safe.
 *
 * @param id its id
 * @param name its name
 * @param url its home page
 * @param secret its secret, only in the answer to create; otherwise null
 * @param createdAt when it was made
 */
public record App(String id, String name, String url, String secret, Instant createdAt) {
  static App from(JsonObject o) {
    return new App(o.string("id"), o.optionalString("name"), o.optionalString("url"), o.optionalString("secret"), o.instant("created_at"));
  }
}
