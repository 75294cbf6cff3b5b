package dev.crier.app;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where apps and tokens are kept; app secrets and tokens are sealed, tokens looked up by hash. */
public interface AppStore {
  void createApp(App app);

  boolean updateApp(App app);

  Optional<App> findApp(String id);

  List<App> listApps();

  /**
   * Deletes the app, its tokens and every subscription made with them, in one transaction.
   *
   * @return the ids of the deleted subscriptions (empty optional when there was no such app)
   */
  Optional<List<String>> deleteApp(String id, Instant now);

  void createToken(Token token, String hash);

  Optional<Token> findToken(String id);

  Optional<Token> findTokenByHash(String hash);

  List<Token> listTokens(String appId);

  /** Marks the token revoked and deletes its subscriptions, in one transaction; their ids. */
  Optional<List<String>> revoke(String tokenId, Instant now);

  boolean setPermissions(String tokenId, List<String> permissions, Instant now);
}
