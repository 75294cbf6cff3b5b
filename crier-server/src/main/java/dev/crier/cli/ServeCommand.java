package dev.crier.cli;

import dev.crier.Crier;
import dev.crier.config.Settings;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code crier serve}: runs Crier until stopped. */
@Command(name = "serve", description = "Run Crier (API, web UI and delivery engine).", mixinStandardHelpOptions = true)
final class ServeCommand implements Callable<Integer> {
  @Mixin SettingsOptions options;

  @Override
  public Integer call() throws InterruptedException {
    Settings settings = options.load();
    Crier crier = Crier.start(settings, Clock.systemUTC());
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              crier.close();
              stopped.countDown();
            });
    Runtime.getRuntime().addShutdownHook(hook);
    crier.failure().thenAccept(reason -> stopped.countDown());
    System.out.println("Crier " + Version.current() + " is running at " + crier.url());
    System.out.println("  API explorer: " + crier.url() + "/docs");
    String key = crier.generatedAdminKey();
    if (key != null) {
      System.out.println("  Admin key (generated now, shown once, kept in "
          + settings.dataDir().resolve("admin.key") + "):");
      System.out.println("    " + key);
    }
    System.out.flush();
    stopped.await();
    String reason = crier.failure().getNow(null);
    if (reason == null) return 0;
    System.err.println("crier: " + reason);
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
      crier.close();
    } catch (IllegalStateException e) {
      // stopping already: the hook closes it
    }
    return 1;
  }
}
