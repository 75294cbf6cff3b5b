package dev.crier.cli;

import dev.crier.config.InvalidSettingException;
import dev.crier.delivery.DuplicateNodeException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code crier} command. */
@Command(
    name = "crier",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Webhooks, broadcasts, watches and channel subscriptions from one engine.",
    subcommands = {ServeCommand.class, MigrateCommand.class, RotateMasterKeyCommand.class, VerifyCommand.class, ListenCommand.class, PublishCommand.class, BenchCommand.class})
public final class Main implements Runnable {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The CLI, with a bad setting (or a node id another process runs under) reported by name (exit code 2) instead of a stack trace. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler(
        (e, command, parsed) -> {
          if (!(e instanceof InvalidSettingException || e instanceof DuplicateNodeException)) throw e;
          command.getErr().println("crier: " + e.getMessage());
          return 2;
        });
    return cli;
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
