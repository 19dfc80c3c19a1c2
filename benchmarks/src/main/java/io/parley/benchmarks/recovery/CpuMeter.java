package io.parley.benchmarks.recovery;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * How busy the machine was while something was measured, and how much of that was this JVM: a
 * benchmark on a shared machine says what else ran beside it. Reads {@code /proc/stat} (Linux);
 * elsewhere every figure is {@code NaN}.
 */
final class CpuMeter {

  /** The counters at one instant. */
  record Reading(long wallNanos, long processCpuNanos, long busyTicks, long totalTicks) {}

  /** Cores in use on average over an interval: by the whole machine, by this JVM, by others. */
  record Usage(double machineCores, double benchmarkCores, double otherCores) {}

  private CpuMeter() {}

  static Reading read() {
    long[] ticks = procStatTicks();
    long processCpu =
        ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os
            ? os.getProcessCpuTime()
            : -1;
    return new Reading(System.nanoTime(), processCpu, ticks[0], ticks[1]);
  }

  static Usage since(Reading start) {
    Reading end = read();
    int cores = Runtime.getRuntime().availableProcessors();
    double wall = end.wallNanos() - start.wallNanos();
    double total = end.totalTicks() - start.totalTicks();
    double machine =
        start.totalTicks() < 0 || total <= 0
            ? Double.NaN
            : cores * (end.busyTicks() - start.busyTicks()) / total;
    double benchmark =
        start.processCpuNanos() < 0 || wall <= 0
            ? Double.NaN
            : (end.processCpuNanos() - start.processCpuNanos()) / wall;
    return new Usage(machine, benchmark, Math.max(0, machine - benchmark));
  }

  /** {busy, total} jiffies of all CPUs, or {-1, -1}. */
  private static long[] procStatTicks() {
    try {
      String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
      long[] fields =
          Arrays.stream(cpu.trim().split("\\s+")).skip(1).mapToLong(Long::parseLong).toArray();
      // user nice system idle iowait irq softirq steal [guest guest_nice: already in user]
      long idle = fields[3] + (fields.length > 4 ? fields[4] : 0);
      long total = 0;
      for (int i = 0; i < Math.min(fields.length, 8); i++) {
        total += fields[i];
      }
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return new long[] {-1, -1};
    }
  }
}
