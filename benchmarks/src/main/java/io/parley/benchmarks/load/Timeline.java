package io.parley.benchmarks.load;

import io.parley.benchmarks.load.LoadGenerator.CpuTimes;
import io.parley.benchmarks.load.LoadGenerator.ProcStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The load second by second (warm-up, measured window, drain): latency percentiles of what
 * arrived in that second, deliveries and acks per second, the node's CPU and RSS, the
 * generator's CPU and the machine's busy cores.
 *
 * <p>Its Recorders are its own, swapped once a second, so the generator's totals stay as they
 * were. Unlike the totals, which only take moves sent inside the measured window, they take every
 * delivery by the second it arrived in: that is what shows a node falling behind during the
 * warm-up, or catching up during the drain.
 *
 * <p>{@link #advance} samples on whole seconds after {@link #start}, and the generator starts
 * and ends its measured window right after a sample, so no second straddles two phases.
 */
final class Timeline {

  enum Phase {
    WARMUP("warmup"),
    MEASURED("measured"),
    DRAIN("drain");

    final String json;

    Phase(String json) {
      this.json = json;
    }
  }

  /** Latency percentiles of one second, in ms; {@code null} from {@link #of} when none arrived. */
  record Percentiles(double p50, double p95, double p99, double max) {
    static Percentiles of(Histogram us) {
      if (us.getTotalCount() == 0) {
        return null;
      }
      return new Percentiles(
          us.getValueAtPercentile(50) / 1000.0,
          us.getValueAtPercentile(95) / 1000.0,
          us.getValueAtPercentile(99) / 1000.0,
          us.getMaxValue() / 1000.0);
    }

    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("p50", LoadGenerator.round(p50));
      m.put("p95", LoadGenerator.round(p95));
      m.put("p99", LoadGenerator.round(p99));
      m.put("max", LoadGenerator.round(max));
      return m;
    }
  }

  /**
   * One second: [startMs, endMs) on the generator's clock. Latencies are null when nothing
   * arrived; the node's figures are null without a node pid or when /proc could not be read.
   */
  record Second(
      int index,
      Phase phase,
      double startMs,
      double endMs,
      long cursorEntries,
      Percentiles cursorLatency,
      long durableEvents,
      Percentiles durableLatency,
      long acks,
      Percentiles ackLatency,
      Double serverCores,
      Double serverRssMiB,
      double generatorCores,
      double machineCoresBusy) {

    double seconds() {
      return (endMs - startMs) / 1000;
    }
  }

  private final DoubleSupplier clockMs;
  private final Supplier<ProcStats> serverStats;
  private final LongSupplier ownCpuNanos;
  private final Supplier<CpuTimes> machineTimes;
  private final boolean durable;

  private final Recorder cursorLatencyUs = new Recorder(3);
  private final Recorder durableLatencyUs = new Recorder(3);
  private final Recorder ackLatencyUs = new Recorder(3);
  // handed back to the Recorders at each swap: one allocation per recorder for the whole run
  private Histogram cursorSecond;
  private Histogram durableSecond;
  private Histogram ackSecond;

  private final List<Second> seconds = new ArrayList<>();
  private double startMs;
  private double lastMs;
  private ProcStats lastServer;
  private long lastOwnCpu;
  private CpuTimes lastMachine;

  /**
   * @param serverStats the node's /proc figures, or null when there is no node pid
   * @param durable whether durable changes are sent: without them their columns are left out
   */
  Timeline(
      DoubleSupplier clockMs,
      Supplier<ProcStats> serverStats,
      LongSupplier ownCpuNanos,
      Supplier<CpuTimes> machineTimes,
      boolean durable) {
    this.clockMs = clockMs;
    this.serverStats = serverStats;
    this.ownCpuNanos = ownCpuNanos;
    this.machineTimes = machineTimes;
    this.durable = durable;
  }

  // called from the clients' threads, any time
  void cursorDelivered(long latencyUs) {
    cursorLatencyUs.recordValue(latencyUs);
  }

  void durableDelivered(long latencyUs) {
    durableLatencyUs.recordValue(latencyUs);
  }

  void acked(long latencyUs) {
    ackLatencyUs.recordValue(latencyUs);
  }

  /** Second 0 starts now: whatever was recorded before is dropped. */
  void start() {
    swap();
    startMs = clockMs.getAsDouble();
    lastMs = startMs;
    lastServer = serverStats == null ? null : serverStats.get();
    lastOwnCpu = ownCpuNanos.getAsLong();
    lastMachine = machineTimes.get();
  }

  /** Sleeps through the next {@code count} whole seconds after {@link #start}, sampling each. */
  void advance(int count, Phase phase) throws InterruptedException {
    for (int i = 0; i < count; i++) {
      // absolute deadlines: the time a sample takes does not add up over the run
      double deadlineMs = startMs + (seconds.size() + 1) * 1000.0;
      double waitMs = deadlineMs - clockMs.getAsDouble();
      if (waitMs > 0) {
        TimeUnit.MICROSECONDS.sleep(Math.round(waitMs * 1000));
      }
      Second s = sample(phase);
      System.out.println(progressLine(s));
    }
  }

  /** Closes the current second now and opens the next one. */
  Second sample(Phase phase) {
    swap();
    double now = clockMs.getAsDouble();
    double secondsSinceLast = (now - lastMs) / 1000;
    ProcStats server = serverStats == null ? null : serverStats.get();
    long ownCpu = ownCpuNanos.getAsLong();
    CpuTimes machine = machineTimes.get();
    Second s =
        new Second(
            seconds.size(),
            phase,
            lastMs,
            now,
            cursorSecond.getTotalCount(),
            Percentiles.of(cursorSecond),
            durableSecond.getTotalCount(),
            Percentiles.of(durableSecond),
            ackSecond.getTotalCount(),
            Percentiles.of(ackSecond),
            serverCores(lastServer, server, secondsSinceLast),
            server == null || server.rssKiB() == 0 ? null : server.rssKiB() / 1024.0,
            (ownCpu - lastOwnCpu) / 1e9 / secondsSinceLast,
            machine.busySince(lastMachine) / secondsSinceLast);
    seconds.add(s);
    lastMs = now;
    lastServer = server;
    lastOwnCpu = ownCpu;
    lastMachine = machine;
    return s;
  }

  List<Second> seconds() {
    return List.copyOf(seconds);
  }

  /** The "timeline" array of the JSON report. */
  List<Map<String, Object>> toJson() {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Second s : seconds) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("second", s.index());
      m.put("phase", s.phase().json);
      m.put("startMs", LoadGenerator.round(s.startMs()));
      m.put("endMs", LoadGenerator.round(s.endMs()));
      m.put("cursorEntries", s.cursorEntries());
      m.put("cursorEntriesPerSecond", LoadGenerator.round(s.cursorEntries() / s.seconds()));
      m.put("cursorLatencyMs", json(s.cursorLatency()));
      if (durable) {
        m.put("durableEvents", s.durableEvents());
        m.put("durableEventsPerSecond", LoadGenerator.round(s.durableEvents() / s.seconds()));
        m.put("durableLatencyMs", json(s.durableLatency()));
        m.put("acks", s.acks());
        m.put("acksPerSecond", LoadGenerator.round(s.acks() / s.seconds()));
        m.put("ackLatencyMs", json(s.ackLatency()));
      }
      m.put("serverCores", roundOrNull(s.serverCores()));
      m.put("serverRssMiB", roundOrNull(s.serverRssMiB()));
      m.put("generatorCores", LoadGenerator.round(s.generatorCores()));
      m.put("machineCoresBusy", LoadGenerator.round(s.machineCoresBusy()));
      rows.add(m);
    }
    return rows;
  }

  // ---------------------------------------------------------------------------------------

  private void swap() {
    cursorSecond = cursorLatencyUs.getIntervalHistogram(cursorSecond);
    durableSecond = durableLatencyUs.getIntervalHistogram(durableSecond);
    ackSecond = ackLatencyUs.getIntervalHistogram(ackSecond);
  }

  /** Null when either reading failed (ProcStats reads as all zeros then, e.g. the node died). */
  private static Double serverCores(ProcStats before, ProcStats after, double seconds) {
    if (before == null || after == null || before.ticks() == 0 || after.ticks() == 0) {
      return null;
    }
    return (after.cpuSeconds() - before.cpuSeconds()) / seconds;
  }

  private static Map<String, Object> json(Percentiles p) {
    return p == null ? null : p.toJson();
  }

  private static Double roundOrNull(Double v) {
    return v == null ? null : LoadGenerator.round(v);
  }

  private String progressLine(Second s) {
    StringBuilder b = new StringBuilder();
    b.append(String.format("  %3d s %-8s cursors %,9.0f/s", s.index() + 1, s.phase().json,
        s.cursorEntries() / s.seconds()));
    if (s.cursorLatency() != null) {
      b.append(String.format(" p50 %,.1f p99 %,.1f ms", s.cursorLatency().p50(), s.cursorLatency().p99()));
    }
    if (durable) {
      b.append(String.format(" | acks %,.0f/s", s.acks() / s.seconds()));
      if (s.ackLatency() != null) {
        b.append(String.format(" p99 %,.1f ms", s.ackLatency().p99()));
      }
    }
    if (s.serverCores() != null) {
      b.append(String.format(" | node %.2f cores", s.serverCores()));
    }
    if (s.serverRssMiB() != null) {
      b.append(String.format(" %,.0f MiB", s.serverRssMiB()));
    }
    return b.toString();
  }
}
