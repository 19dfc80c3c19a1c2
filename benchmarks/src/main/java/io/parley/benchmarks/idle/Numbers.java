package io.parley.benchmarks.idle;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Rounding and percentiles for the report. */
final class Numbers {

  private Numbers() {}

  static Double round(double v) {
    return Double.isFinite(v) ? Math.round(v * 100) / 100.0 : null;
  }

  /** Percentiles in milliseconds of durations in microseconds (exact: every value is kept). */
  static Map<String, Object> percentilesMs(long[] micros) {
    long[] sorted = micros.clone();
    Arrays.sort(sorted);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", sorted.length);
    if (sorted.length > 0) {
      m.put("p50", at(sorted, 50));
      m.put("p95", at(sorted, 95));
      m.put("p99", at(sorted, 99));
      m.put("max", round(sorted[sorted.length - 1] / 1000.0));
      m.put("mean", round(Arrays.stream(sorted).average().orElse(0) / 1000.0));
    }
    return m;
  }

  private static Double at(long[] sorted, double percentile) {
    int i = (int) Math.ceil(percentile / 100 * sorted.length) - 1;
    return round(sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1000.0);
  }
}
