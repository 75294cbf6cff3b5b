package dev.crier.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

  @Test
  void defaultsRunOnTheEmbeddedStoreInDataDir() {
    Settings settings = Settings.load(Map.of(), Map.of());
    assertThat(settings.port()).isEqualTo(8080);
    assertThat(settings.dataDir()).isEqualTo(Path.of("./data"));
    assertThat(settings.embedded()).isTrue();
    assertThat(settings.jdbcUrl()).isEqualTo("jdbc:sqlite:./data/crier.db");
    assertThat(settings.brand()).isEqualTo("Crier");
    assertThat(settings.allowPrivateTargets()).isFalse();
    assertThat(settings.maxEventBytes()).isEqualTo(256 * 1024);
  }

  @Test
  void aFlagWinsOverTheEnvironment() {
    Settings settings =
        Settings.load(
            Map.of("CRIER_PORT", "9000", "CRIER_BRAND", "Noko"), Map.of(Settings.Key.PORT, "9100"));
    assertThat(settings.port()).isEqualTo(9100);
    assertThat(settings.brand()).isEqualTo("Noko");
  }

  @Test
  void aBadValueNamesTheVariableTheFlagAndTheReason() {
    assertThatThrownBy(() -> Settings.load(Map.of("CRIER_PORT", "eighty"), Map.of()))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessage("CRIER_PORT (--port) must be a whole number, got 'eighty'");
    assertThatThrownBy(() -> Settings.load(Map.of("CRIER_PORT", "70000"), Map.of()))
        .hasMessageContaining("CRIER_PORT (--port) must be between 0 and 65535");
    assertThatThrownBy(() -> Settings.load(Map.of("CRIER_ALLOW_PRIVATE_TARGETS", "maybe"), Map.of()))
        .hasMessageContaining("CRIER_ALLOW_PRIVATE_TARGETS (--allow-private-targets) must be true or false");
    assertThatThrownBy(() -> Settings.load(Map.of("CRIER_DB_URL", "mysql://x"), Map.of()))
        .hasMessageContaining("CRIER_DB_URL (--db-url) must be a jdbc:postgresql: URL");
    assertThatThrownBy(() -> Settings.load(Map.of("CRIER_BRAND", "No ko"), Map.of()))
        .hasMessageContaining("CRIER_BRAND (--brand)");
    assertThatThrownBy(() -> Settings.load(Map.of("CRIER_PUBLIC_URL", "crier.example.com"), Map.of()))
        .hasMessageContaining("CRIER_PUBLIC_URL (--public-url) must be an absolute http(s) URL");
    assertThatThrownBy(() -> Settings.load(Map.of("CRIER_ADMIN_KEY", "short"), Map.of()))
        .hasMessageContaining("CRIER_ADMIN_KEY (--admin-key) must be at least 16 characters");
  }

  @Test
  void watchAliasesAreNoahsTableOrPrefixRootPairs() {
    assertThat(Settings.load(Map.of(), Map.of()).watchAliases()).isEmpty();
    assertThat(Settings.load(Map.of("CRIER_WATCH_ALIASES", "noah"), Map.of()).watchAliases())
        .containsEntry("/a/", "//noah/application/")
        .containsEntry("/e/", "//noah/ephemeral/")
        .hasSize(5);
    assertThat(Settings.load(Map.of(), Map.of(Settings.Key.WATCH_ALIASES, "/p=/projects, /t/=//timers/")).watchAliases())
        .containsExactly(Map.entry("/p/", "/projects/"), Map.entry("/t/", "//timers/"));
    assertThatThrownBy(() -> Settings.load(Map.of("CRIER_WATCH_ALIASES", "noha"), Map.of()))
        .hasMessageContaining("CRIER_WATCH_ALIASES (--watch-aliases) must be 'noah' or comma-separated prefix=root pairs");
  }

  @Test
  void theDescriptionMasksSecrets() {
    Settings settings =
        Settings.load(
            Map.of(
                "CRIER_ADMIN_KEY", "super-secret-admin-key",
                "CRIER_DB_URL", "jdbc:postgresql://db/crier?user=crier&password=hunter2",
                "CRIER_DB_PASSWORD", "hunter3"),
            Map.of());
    String described = String.join("\n", settings.describe());
    assertThat(described).doesNotContain("super-secret-admin-key", "hunter2", "hunter3");
    assertThat(described).contains("CRIER_ADMIN_KEY=****", "password=****", "CRIER_DB_PASSWORD=****");
    assertThat(settings.toString()).doesNotContain("super-secret-admin-key");
  }
}
