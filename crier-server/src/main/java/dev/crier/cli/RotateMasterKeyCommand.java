package dev.crier.cli;

import dev.crier.config.InvalidSettingException;
import dev.crier.config.Settings;
import dev.crier.secrets.SecretBox;
import dev.crier.storage.Database;
import dev.crier.storage.SqlMasterKey;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code crier rotate-master-key}: makes {@code CRIER_MASTER_KEY} the database's master key and
 * re-seals every stored secret under it, while nodes keep serving (they hold both keys:
 * docs/operations.md gives the steps).
 */
@Command(
    name = "rotate-master-key",
    description =
        "Re-encrypt stored secrets under CRIER_MASTER_KEY (the new key); CRIER_PREVIOUS_MASTER_KEY is the old one.",
    mixinStandardHelpOptions = true)
final class RotateMasterKeyCommand implements Callable<Integer> {
  @Mixin SettingsOptions options;

  @Override
  public Integer call() throws InterruptedException {
    Settings settings = options.load();
    if (settings.masterKey() == null || settings.previousMasterKey() == null) {
      throw new InvalidSettingException(
          "rotate-master-key needs " + Settings.Key.MASTER_KEY.env() + " (the new key) and "
              + Settings.Key.PREVIOUS_MASTER_KEY.env() + " (the old one)");
    }
    SecretBox box = SecretBox.load(settings.masterKey(), settings.previousMasterKey(), settings.dataDir());
    try (Database db = Database.open(settings)) {
      db.migrate();
      int resealed = new SqlMasterKey(db, Clock.systemUTC()).rotate(box, Duration.ofSeconds(3));
      System.out.println(
          "the master key is now CRIER_MASTER_KEY; " + resealed + " secrets re-encrypted under it."
              + " Restart each node without CRIER_PREVIOUS_MASTER_KEY when convenient.");
    }
    return 0;
  }
}
