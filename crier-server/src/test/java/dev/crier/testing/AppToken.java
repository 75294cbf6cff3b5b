package dev.crier.testing;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An app registered through the API and an access token issued to it: the token's plain text
 * and a client that calls with it.
 */
public record AppToken(String appId, String tokenId, String token, Api api) {

  /** Registers an app named {@code name} at {@code appUrl} and issues it a token for {@code account}. */
  public static AppToken issue(Api admin, String name, String appUrl, String account, String scope) {
    var app = admin.post("/v1/apps", "{\"name\": \"" + name + "\", \"url\": \"" + appUrl + "\"}");
    assertThat(app.status()).as(app.body()).isEqualTo(201);
    String appId = app.json().get("id").stringValue();
    var token = admin.post("/v1/apps/" + appId + "/tokens", "{\"account\": \"" + account + "\", \"scope\": \"" + scope + "\"}");
    assertThat(token.status()).as(token.body()).isEqualTo(201);
    String plain = token.json().get("access_token").stringValue();
    return new AppToken(appId, token.json().get("id").stringValue(), plain, admin.withKey(plain));
  }
}
