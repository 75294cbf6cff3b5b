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
      return cpuSeconds(Path.of("/proc", Long.toString(pid), "stat"));
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * Seconds of CPU the JVM's JIT compiler threads ({@code C1 CompilerThre…}, {@code C2
   * CompilerThre…}) used so far, live threads only (HotSpot retires idle ones, and their time
   * with them); -1 when unreadable.
   */
  double jitCpuSeconds() {
    try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      double sum = 0;
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          if (Files.readString(task.resolve("comm")).contains("CompilerThre")) sum += cpuSeconds(task.resolve("stat"));
        } catch (IOException e) {
          // the thread ended between the listing and the read
        }
      }
      return sum;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static double cpuSeconds(Path stat) throws IOException {
    String text = Files.readString(stat);
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    String[] fields = text.substring(text.lastIndexOf(')') + 2).trim().split(" ");
    long utime = Long.parseLong(fields[11]);
    long stime = Long.parseLong(fields[12]);
    return (utime + stime) / TICKS_PER_SECOND;
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

  /**
   * Seconds of CPU, summed over the machine's cores, that the hypervisor gave to other guests
   * while this one wanted to run ({@code steal} in {@code /proc/stat}); -1 when unreadable. On a
   * shared host it is the part of a slow hour one can see from inside.
   */
  static double machineStealSeconds() {
    try {
      String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
      // cpu  user nice system idle iowait irq softirq steal ...
      String[] fields = cpu.trim().split("\\s+");
      return Long.parseLong(fields[8]) / TICKS_PER_SECOND;
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
