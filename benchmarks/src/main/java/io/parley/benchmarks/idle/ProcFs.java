package io.parley.benchmarks.idle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** What Linux says about a process and the machine, from {@code /proc}. */
final class ProcFs {

  /**
   * One reading of a process: memory, threads, CPU ticks (user + system), descriptors, and CPU
   * ticks by thread name (the kernel's 15-character name without its number: "G1 Refine", "C2
   * CompilerThre", "parley-pekko.ac" for the dispatcher...).
   */
  record Sample(
      long nanos,
      long rssKiB,
      long hwmKiB,
      int threads,
      long cpuTicks,
      int openFds,
      Map<String, Long> ticksByThreadName) {}

  /** RLIMIT_NOFILE of a process. */
  record FileLimit(long soft, long hard) {}

  private ProcFs() {}

  static Sample sample(long pid) {
    long rss = 0;
    long hwm = 0;
    int threads = 0;
    for (String line : lines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = number(line);
      } else if (line.startsWith("VmHWM:")) {
        hwm = number(line);
      } else if (line.startsWith("Threads:")) {
        threads = (int) number(line);
      }
    }
    int fds;
    try (Stream<Path> entries = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      fds = (int) entries.count();
    } catch (IOException e) {
      fds = -1;
    }
    return new Sample(System.nanoTime(), rss, hwm, threads, cpuTicks(pid), fds, ticksByThreadName(pid));
  }

  private static Map<String, Long> ticksByThreadName(long pid) {
    Map<String, Long> ticks = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("#?[0-9]+$", "").trim();
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
          ticks.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
        } catch (IOException e) {
          // the thread ended
        }
      }
    } catch (IOException e) {
      // the process ended
    }
    return ticks;
  }

  /** utime + stime of a process, in clock ticks. */
  static long cpuTicks(long pid) {
    String stat = String.join(" ", lines(Path.of("/proc", Long.toString(pid), "stat")));
    // after "pid (comm) ": state is field 3, utime 14, stime 15 -> indexes 11 and 12 here
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  static FileLimit fileLimit(long pid) {
    for (String line : lines(Path.of("/proc", Long.toString(pid), "limits"))) {
      if (line.startsWith("Max open files")) {
        String[] f = line.substring("Max open files".length()).trim().split("\\s+");
        return new FileLimit(limit(f[0]), limit(f[1]));
      }
    }
    throw new IllegalStateException("no 'Max open files' in /proc/" + pid + "/limits");
  }

  /** Busy CPU ticks of the whole machine (every state but idle and iowait). */
  static long machineBusyTicks() {
    String[] f = lines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
    long busy = 0;
    for (int i = 1; i < f.length && i <= 8; i++) {
      if (i != 4 && i != 5) {
        busy += Long.parseLong(f[i]);
      }
    }
    return busy;
  }

  static String loadAverage() {
    return lines(Path.of("/proc/loadavg")).get(0).trim();
  }

  static String firstValue(String file, String prefix) {
    for (String line : lines(Path.of(file))) {
      if (line.startsWith(prefix)) {
        return line.substring(line.indexOf(':') + 1).trim();
      }
    }
    return null;
  }

  private static long limit(String value) {
    return value.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(value);
  }

  private static long number(String line) {
    return Long.parseLong(line.replaceAll("\\D", ""));
  }

  private static java.util.List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
