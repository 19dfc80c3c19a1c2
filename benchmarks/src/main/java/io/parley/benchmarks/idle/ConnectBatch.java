package io.parley.benchmarks.idle;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * One "open N connections" request: done when every connection of it is welcomed or failed.
 * Touched by the selector thread only.
 */
final class ConnectBatch {

  private final int size;
  private final long startNanos = System.nanoTime();
  private final long[] welcomeMicros;
  private int welcomed;
  private int failed;
  private final Map<String, Long> failures = new TreeMap<>();
  final CompletableFuture<Map<String, Object>> done = new CompletableFuture<>();

  ConnectBatch(int size) {
    this.size = size;
    this.welcomeMicros = new long[size];
    completeIfDone();
  }

  void welcomed(long connectNanos) {
    welcomeMicros[welcomed++] = connectNanos / 1000;
    completeIfDone();
  }

  void failed(String reason) {
    failed++;
    ClientCounters.count(failures, reason);
    completeIfDone();
  }

  private void completeIfDone() {
    if (welcomed + failed < size) {
      return;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("attempted", size);
    m.put("welcomed", welcomed);
    m.put("failed", failed);
    m.put("failures", failures);
    m.put("seconds", (System.nanoTime() - startNanos) / 1e9);
    // every connection's time from connect() to its welcome, for exact percentiles over processes
    m.put("welcomeMicros", Arrays.copyOf(welcomeMicros, welcomed));
    done.complete(m);
  }
}
