package dev.crier.cli;

import dev.crier.config.Settings;
import dev.crier.storage.Database;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code crier migrate}: applies the schema migrations and exits. */
@Command(name = "migrate", description = "Apply database migrations and exit.", mixinStandardHelpOptions = true)
final class MigrateCommand implements Callable<Integer> {
  @Mixin SettingsOptions options;

  @Override
  public Integer call() {
    Settings settings = options.load();
    try (Database db = Database.open(settings)) {
      db.migrate();
    }
    System.out.println("migrations applied to " + settings.jdbcUrl().replaceAll("password=[^&]*", "password=****"));
    return 0;
  }
}
