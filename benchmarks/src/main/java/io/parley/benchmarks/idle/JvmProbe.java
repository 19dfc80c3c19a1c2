package io.parley.benchmarks.idle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Heap figures of another JVM after a full GC, through {@code jcmd}. */
final class JvmProbe {

  /**
   * After a full GC: heap in use and metaspace in use (GC.heap_info), live objects by class
   * (GC.class_histogram) and, when the JVM runs with -XX:NativeMemoryTracking, the memory it has
   * committed per NMT category (empty otherwise).
   */
  record HeapFigures(
      long heapUsedKiB,
      long metaspaceUsedKiB,
      ClassHistogram histogram,
      Map<String, Long> nativeCommittedKiB,
      double seconds) {}

  /**
   * One line per heap of the collector: G1's one ("garbage-first heap total …K, used …K"), the
   * parallel and serial collectors' young and old generations; the heap in use is their sum.
   */
  private static final Pattern HEAP_USED = Pattern.compile("total \\d+K, used (\\d+)K");
  private static final Pattern METASPACE_USED = Pattern.compile("Metaspace\\s+used (\\d+)K");
  private static final Pattern NMT_TOTAL = Pattern.compile("^Total: reserved=(\\d+)KB, committed=(\\d+)KB.*$");
  private static final Pattern NMT_ROW = Pattern.compile("^-\\s+(.+?) \\(reserved=(\\d+)KB, committed=(\\d+)KB\\).*$");

  private final long pid;
  private final String jcmd;

  JvmProbe(long pid) {
    this.pid = pid;
    Path own = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    this.jcmd = Files.isExecutable(own) ? own.toString() : "jcmd";
  }

  HeapFigures afterFullGc() {
    long start = System.nanoTime();
    run("GC.run");
    // the histogram of live objects does a full GC of its own
    ClassHistogram histogram = ClassHistogram.parse(run("GC.class_histogram"));
    String heapInfo = run("GC.heap_info");
    Map<String, Long> nmt = nativeMemory(run("VM.native_memory", "summary"));
    return new HeapFigures(
        heapUsedKiB(heapInfo),
        find(METASPACE_USED, heapInfo),
        histogram,
        nmt,
        (System.nanoTime() - start) / 1e9);
  }

  private static Map<String, Long> nativeMemory(String summary) {
    Map<String, Long> committed = new LinkedHashMap<>();
    for (String line : summary.split("\n")) {
      Matcher total = NMT_TOTAL.matcher(line.trim());
      if (total.matches()) {
        committed.put("Total", Long.parseLong(total.group(2)));
      }
      Matcher row = NMT_ROW.matcher(line.trim());
      if (row.matches()) {
        committed.put(row.group(1), Long.parseLong(row.group(3)));
      }
    }
    return committed;
  }

  /** The heap in use, in KiB, from {@code GC.heap_info} of any of the JDK's usual collectors. */
  static long heapUsedKiB(String heapInfo) {
    return sum(HEAP_USED, heapInfo);
  }

  private static long sum(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    long sum = 0;
    boolean any = false;
    while (m.find()) {
      sum += Long.parseLong(m.group(1));
      any = true;
    }
    if (!any) {
      throw new IllegalStateException("no " + pattern + " in:\n" + text);
    }
    return sum;
  }

  private static long find(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("no " + pattern + " in:\n" + text);
    }
    return Long.parseLong(m.group(1));
  }

  private String run(String... command) {
    List<String> line = new ArrayList<>(List.of(jcmd, Long.toString(pid)));
    line.addAll(List.of(command));
    try {
      Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", line) + " failed:\n" + out);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + String.join(" ", line), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
