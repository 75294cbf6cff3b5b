package dev.crier.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * CPU time and peak resident memory of a local process, read from {@code /proc} (Linux). Peak RSS
 * is the kernel's high-water mark, {@code VmHWM}, over the process's whole life.
 */
final class ProcessStats {
  /** USER_HZ: the unit of utime and stime; 100 on every Linux build one meets. */
  private static final double TICKS_PER_SECOND = 100.0;

  private final long pid;

  ProcessStats(long pid) {
    this.pid = pid;
  }

  static ProcessStats self() {
    return new ProcessStats(ProcessHandle.current().pid());
  }

  /** Seconds of CPU (user plus system) the process used so far; -1 when unreadable. */
  double cpuSeconds() {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name may hold spaces and parentheses: fields start after the last ')'.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      long utime = Long.parseLong(fields[11]);
      long stime = Long.parseLong(fields[12]);
      return (utime + stime) / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Peak resident set size in bytes ({@code VmHWM}). */
  OptionalLong peakRssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          String kb = line.substring(6).trim().split("\\s+")[0];
          return OptionalLong.of(Long.parseLong(kb) * 1024);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or the process is gone
    }
    return OptionalLong.empty();
  }

  /** The machine's 1-minute load average ({@code /proc/loadavg}); -1 when unreadable. */
  static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** CPU use between two readings, in percent of one core (200% = both cores of a 2-core box). */
  static double percent(double cpuBefore, double cpuAfter, double wallSeconds) {
    if (cpuBefore < 0 || cpuAfter < 0 || wallSeconds <= 0) return -1;
    return 100.0 * (cpuAfter - cpuBefore) / wallSeconds;
  }
}
