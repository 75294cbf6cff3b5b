package dev.crier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crier.testing.Engine;
import dev.crier.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

class MigrateCommandTest {

  @ParameterizedTest
  @EnumSource(Engine.class)
  void migrateCreatesTheSchemaAndIsSafeToRunTwice(Engine engine) throws Exception {
    Path dir = Files.createTempDirectory("crier-migrate");
    try (TestDatabase db = TestDatabase.create(engine, dir)) {
      CommandLine cli = Main.commandLine();
      assertThat(cli.execute("migrate", "--db-url", db.url())).isZero();
      assertThat(cli.execute("migrate", "--db-url", db.url())).isZero();
      try (Connection c = db.connect();
          ResultSet rs = c.createStatement().executeQuery("SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank")) {
        List<String> versions = new ArrayList<>();
        while (rs.next()) versions.add(rs.getString(1));
        assertThat(versions).contains("1");
      }
      try (Connection c = db.connect()) {
        c.createStatement().executeQuery("SELECT seq, id, type FROM events").close();
      }
    }
  }

  @org.junit.jupiter.api.Test
  void aBadSettingStopsWithItsNameAndExitCode2() {
    var err = new java.io.StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setErr(new java.io.PrintWriter(err, true));
    assertThat(cli.execute("migrate", "--port", "eighty")).isEqualTo(2);
    assertThat(err.toString()).contains("crier: CRIER_PORT (--port) must be a whole number").doesNotContain("Exception");
  }
}
