package dev.crier.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code crier} command. */
@Command(
    name = "crier",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Webhooks, broadcasts, watches and channel subscriptions from one engine.",
    subcommands = {ServeCommand.class, MigrateCommand.class, VerifyCommand.class, ListenCommand.class, PublishCommand.class, BenchCommand.class})
public final class Main implements Runnable {

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
