package dev.crier.app;

import java.time.Instant;

/**
 * An integration registered by the provider.
 *
 * @param url its base URL: channel callbacks must lie inside it
 * @param secret signs its signed_request payloads
 */
public record App(String id, String name, String url, String secret, Instant createdAt, Instant updatedAt) {
  @Override
  public String toString() {
    return "App[" + id + " " + name + " " + url + "]";
  }
}
