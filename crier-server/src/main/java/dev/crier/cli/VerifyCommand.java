package dev.crier.cli;

import dev.crier.verify.HexSignature;
import dev.crier.verify.Jwks;
import dev.crier.verify.SignedRequest;
import dev.crier.verify.StandardWebhooks;
import dev.crier.verify.VerificationException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code crier verify}: checks a saved request with the same code receivers use (crier-verify):
 * a {@code signed_request} string, or a headers file and a body file.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = "Check a signature: a signed_request string, or a saved request (headers file + body file).")
final class VerifyCommand implements Callable<Integer> {
  @Option(names = "--secret", description = "the webhook secret (whsec_...), receiver secret or app secret")
  String secret;

  @Option(names = "--jwks", description = "for v1a (standard-ed25519): the JWK Set URL, such as https://crier.example.com/.well-known/jwks.json; no secret needed")
  URI jwks;

  @Option(names = "--signed-request", description = "a signed_request value (SalesKing format); prints its JSON")
  String signedRequest;

  @Option(names = "--headers", description = "a file of 'Name: value' lines, as received")
  Path headers;

  @Option(names = "--body", description = "a file holding the exact body bytes, as received")
  Path body;

  @Option(names = "--scheme", defaultValue = "standard", description = "standard, hmac-sha256, github or webex (default standard)")
  String scheme;

  @Option(names = "--brand", defaultValue = "Crier", description = "the header prefix for hmac-sha256 (default Crier)")
  String brand;

  @Override
  public Integer call() throws IOException {
    try {
      if (secret == null && (jwks == null || !scheme.equals("standard"))) {
        System.err.println("crier verify: give --secret (or --jwks for a v1a signature with --scheme standard)");
        return 2;
      }
      if (signedRequest != null) {
        System.out.println(SignedRequest.parse(signedRequest.trim(), secret));
        return 0;
      }
      if (headers == null || body == null) {
        System.err.println("crier verify: give --signed-request, or --headers and --body");
        return 2;
      }
      Map<String, String> map = readHeaders(headers);
      byte[] bytes = Files.readAllBytes(body);
      switch (scheme) {
        case "standard" -> standard().verify(map, bytes);
        case "hmac-sha256" -> HexSignature.HMAC_SHA256.verify(secret, bytes, header(map, HexSignature.HMAC_SHA256.headerName(brand)));
        case "github" -> HexSignature.GITHUB.verify(secret, bytes, header(map, HexSignature.GITHUB.headerName()));
        case "webex" -> HexSignature.WEBEX.verify(secret, bytes, header(map, HexSignature.WEBEX.headerName()));
        default -> {
          System.err.println("crier verify: unknown --scheme " + scheme);
          return 2;
        }
      }
      System.out.println("valid (" + scheme + ")");
      return 0;
    } catch (VerificationException e) {
      System.err.println("invalid: " + e.getMessage());
      return 1;
    }
  }

  /** v1 with the secret, v1a with the published keys, or either when both are given. */
  private StandardWebhooks standard() {
    if (jwks == null) return StandardWebhooks.of(secret);
    Jwks keys = Jwks.fetching(jwks);
    return secret == null ? StandardWebhooks.ofPublicKeys(keys) : StandardWebhooks.of(secret).withPublicKeys(keys);
  }

  private static Map<String, String> readHeaders(Path file) throws IOException {
    Map<String, String> map = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      int colon = line.indexOf(':');
      if (colon > 0) map.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
    }
    return map;
  }

  private static String header(Map<String, String> map, String name) {
    for (var entry : map.entrySet()) if (entry.getKey().equalsIgnoreCase(name)) return entry.getValue();
    return null;
  }
}
