package dev.crier.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of the bench's table: a scenario's measured window. Rates are per second of that
 * window; latencies are from the publish call to the receipt, in milliseconds. A negative number
 * means "not measured" (shown as n/a): CPU and memory of a server the bench did not start, or
 * latency of a scenario with nothing to time.
 *
 * @param serverCpuPercent CPU of the server process in percent of one core (200 = two cores)
 * @param benchCpuPercent CPU of the bench process itself (publisher and receiver) on the same box
 * @param publishErrors publish calls not answered 2xx (and, for open-loop scenarios, sends skipped
 *     because the server fell behind)
 * @param missing deliveries the receiver never got
 * @param details scenario-specific figures (kept in the JSON)
 */
public record Row(
    String scenario,
    String database,
    double seconds,
    long events,
    double eventsPerSecond,
    long deliveries,
    double deliveriesPerSecond,
    double p50Ms,
    double p95Ms,
    double p99Ms,
    double maxMs,
    double serverCpuPercent,
    long peakRssBytes,
    long peakHeapBytes,
    double benchCpuPercent,
    long publishErrors,
    long missing,
    String notes,
    Map<String, Object> details) {

  public Row {
    details = new LinkedHashMap<>(details);
  }

  /** A row for a scenario that could not run. */
  static Row notRun(String scenario, String database, String why) {
    return new Row(scenario, database, 0, 0, -1, 0, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 0, "not run: " + why, Map.of());
  }

  Row withNotes(String more) {
    String joined = notes == null || notes.isEmpty() ? more : notes + "; " + more;
    return new Row(scenario, database, seconds, events, eventsPerSecond, deliveries, deliveriesPerSecond, p50Ms, p95Ms,
        p99Ms, maxMs, serverCpuPercent, peakRssBytes, peakHeapBytes, benchCpuPercent, publishErrors, missing, joined,
        details);
  }
}
