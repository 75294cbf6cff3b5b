package dev.crier.subscription;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/** The rule for where Crier may send: an absolute http(s) URL with a host and no credentials. */
public final class EndpointUrl {
  private EndpointUrl() {}

  /** Why {@code url} cannot be a target, or empty when it can. */
  public static Optional<String> problem(String url) {
    if (url.length() > 2048) return Optional.of("must be at most 2048 characters");
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme();
      if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
        return Optional.of("must be an http or https URL, got '" + url + "'");
      }
      if (uri.getRawUserInfo() != null) return Optional.of("must not contain credentials (user:password@)");
      if (uri.getHost() == null) return Optional.of("must have a host, got '" + url + "'");
      return Optional.empty();
    } catch (URISyntaxException e) {
      return Optional.of("is not a valid URL: " + e.getReason());
    }
  }
}
