package dev.crier.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The bench's results as a text table (for people) and as JSON (for tools and history). */
final class Report {
  private static final String[] HEADER = {
    "scenario", "db", "events/s", "deliveries/s", "p50 ms", "p95 ms", "p99 ms", "server CPU", "CPU µs/delivery", "peak RSS",
    "peak heap", "errors pub/miss", "notes"
  };

  private Report() {}

  static void print(List<Row> rows, PrintStream out) {
    List<String[]> lines = new ArrayList<>();
    lines.add(HEADER);
    for (Row r : rows) {
      lines.add(new String[] {
        r.scenario(), r.database(), rate(r.eventsPerSecond()), rate(r.deliveriesPerSecond()), ms(r.p50Ms()),
        ms(r.p95Ms()), ms(r.p99Ms()), percent(r.serverCpuPercent()), micros(cpuPerDelivery(r)), mib(r.peakRssBytes()), mib(r.peakHeapBytes()),
        r.publishErrors() + "/" + r.missing(), r.notes() == null ? "" : r.notes()
      });
    }
    int[] widths = new int[HEADER.length];
    for (String[] line : lines) for (int i = 0; i < line.length; i++) widths[i] = Math.max(widths[i], line[i].length());
    for (int l = 0; l < lines.size(); l++) {
      StringBuilder sb = new StringBuilder("| ");
      String[] line = lines.get(l);
      for (int i = 0; i < line.length; i++) {
        boolean left = i < 2 || i == line.length - 1;
        sb.append(left ? pad(line[i], widths[i], false) : pad(line[i], widths[i], true)).append(" | ");
      }
      out.println(sb.toString().stripTrailing());
      if (l == 0) {
        StringBuilder rule = new StringBuilder("|");
        for (int i = 0; i < widths.length; i++) {
          boolean left = i < 2 || i == widths.length - 1;
          rule.append(left ? "-".repeat(widths[i] + 2) : "-".repeat(widths[i] + 1) + ":").append("|");
        }
        out.println(rule);
      }
    }
  }

  static void writeJson(List<Row> rows, Map<String, Object> context, Path file) {
    ObjectNode root = CrierApi.JSON.createObjectNode();
    ObjectNode ctx = root.putObject("context");
    context.forEach((k, v) -> ctx.putPOJO(k, v));
    ArrayNode items = root.putArray("rows");
    for (Row r : rows) items.addPOJO(r);
    try {
      if (file.getParent() != null) Files.createDirectories(file.getParent());
      Files.write(file, CrierApi.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + file, e);
    }
  }

  /**
   * CPU time the server spent per delivery completed, in microseconds: unlike the rates, this
   * hardly depends on what else the machine is doing, so it is the figure to compare across runs.
   */
  static double cpuPerDelivery(Row r) {
    if (r.serverCpuPercent() < 0 || r.deliveries() <= 0 || r.seconds() <= 0) return -1;
    return r.serverCpuPercent() / 100.0 * r.seconds() / r.deliveries() * 1e6;
  }

  static String micros(double us) {
    return us < 0 ? "n/a" : String.format(Locale.ROOT, "%,.0f", us);
  }

  private static String pad(String s, int width, boolean right) {
    String fill = " ".repeat(Math.max(0, width - s.length()));
    return right ? fill + s : s + fill;
  }

  static String rate(double perSecond) {
    return perSecond < 0 ? "n/a" : String.format(Locale.ROOT, "%,.0f", perSecond);
  }

  static String ms(double ms) {
    if (ms < 0) return "n/a";
    return ms < 10 ? String.format(Locale.ROOT, "%.2f", ms) : String.format(Locale.ROOT, "%,.0f", ms);
  }

  static String percent(double p) {
    return p < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f%%", p);
  }

  static String mib(long bytes) {
    return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%,d MiB", bytes >> 20);
  }
}
