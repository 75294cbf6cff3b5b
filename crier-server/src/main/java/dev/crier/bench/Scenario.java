package dev.crier.bench;

import java.util.List;
import java.util.Optional;

/** A named, timed workload against Crier that ends in one row of the table. */
interface Scenario {
  String name();

  /** Sets up what it needs on {@code run}'s server (its own event type and subscriptions), measures, cleans up. */
  Row run(Run run);

  /** Every scenario, in the order {@code all} runs them. */
  static List<Scenario> all(long backlog, int latencyRate) {
    return List.of(
        WebhookScenario.fanout(),
        WebhookScenario.ordered(),
        WebhookScenario.latency(latencyRate),
        new BroadcastScenario(),
        new FanoutWideScenario(),
        new BacklogScenario(backlog));
  }

  static Optional<Scenario> named(String name, long backlog, int latencyRate) {
    return all(backlog, latencyRate).stream().filter(s -> s.name().equals(name)).findFirst();
  }
}
