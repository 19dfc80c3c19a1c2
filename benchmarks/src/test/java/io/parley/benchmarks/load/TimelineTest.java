package io.parley.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.parley.benchmarks.load.LoadGenerator.CpuTimes;
import io.parley.benchmarks.load.LoadGenerator.ProcStats;
import io.parley.benchmarks.load.Timeline.Phase;
import io.parley.benchmarks.load.Timeline.Second;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-second bucketing on a hand-driven clock and hand-written /proc figures: no sleeping. */
class TimelineTest {

  double nowMs;
  long serverTicks = 1_000;
  long serverRssKiB = 512 * 1024;
  long ownCpuNanos;
  long machineTicks;

  Timeline timeline(boolean durable) {
    return new Timeline(
        () -> nowMs,
        () -> new ProcStats(serverRssKiB, serverRssKiB, 40, serverTicks),
        () -> ownCpuNanos,
        () -> new CpuTimes(machineTicks),
        durable);
  }

  @Test
  void eachDeliveryCountsInTheSecondItArrivedIn() {
    Timeline t = timeline(false);
    t.cursorDelivered(99_000); // before start: dropped
    nowMs = 5_000;
    t.start();
    t.cursorDelivered(10_000);
    t.cursorDelivered(20_000);
    nowMs = 6_000;
    t.sample(Phase.WARMUP);
    t.cursorDelivered(30_000);
    nowMs = 7_000;
    t.sample(Phase.MEASURED);
    nowMs = 8_000;
    t.sample(Phase.DRAIN);

    List<Second> s = t.seconds();
    assertThat(s).extracting(Second::phase).containsExactly(Phase.WARMUP, Phase.MEASURED, Phase.DRAIN);
    assertThat(s).extracting(Second::cursorEntries).containsExactly(2L, 1L, 0L);
    assertThat(s.get(0).startMs()).isEqualTo(5_000);
    assertThat(s.get(0).endMs()).isEqualTo(6_000);
    assertThat(s.get(0).cursorLatency().p50()).isCloseTo(10, within(0.02));
    assertThat(s.get(0).cursorLatency().max()).isCloseTo(20, within(0.02));
    assertThat(s.get(1).cursorLatency().p99()).isCloseTo(30, within(0.03));
    assertThat(s.get(2).cursorLatency()).as("nothing arrived").isNull();
  }

  @Test
  void cpuIsCoresUsedOverTheSecondsThatPassed() {
    Timeline t = timeline(false);
    t.start();
    // half a second (a late sample) in which the node used 0.6 CPU s: 1.2 cores
    nowMs = 500;
    serverTicks += (long) (0.6 * ProcStats.TICKS_PER_SECOND);
    ownCpuNanos += 250_000_000;
    machineTicks += (long) (0.9 * ProcStats.TICKS_PER_SECOND);
    serverRssKiB = 600 * 1024;
    Second s = t.sample(Phase.MEASURED);

    assertThat(s.serverCores()).isCloseTo(1.2, within(1e-9));
    assertThat(s.generatorCores()).isCloseTo(0.5, within(1e-9));
    assertThat(s.machineCoresBusy()).isCloseTo(1.8, within(1e-9));
    assertThat(s.serverRssMiB()).isEqualTo(600.0);
  }

  @Test
  void jsonLeavesOutDurableColumnsWhenNoChangesAreSent() {
    Timeline cursorsOnly = timeline(false);
    cursorsOnly.start();
    nowMs = 1_000;
    cursorsOnly.sample(Phase.MEASURED);
    Timeline durable = timeline(true);
    durable.start();
    durable.acked(4_000);
    durable.durableDelivered(6_000);
    nowMs = 2_000;
    durable.sample(Phase.MEASURED);

    Map<String, Object> row = cursorsOnly.toJson().get(0);
    assertThat(row).containsEntry("second", 0).containsEntry("phase", "measured");
    assertThat(row).doesNotContainKeys("acks", "ackLatencyMs", "durableLatencyMs");
    assertThat(row.get("cursorLatencyMs")).isNull();
    Map<String, Object> durableRow = durable.toJson().get(0);
    assertThat(durableRow).containsEntry("acks", 1L).containsEntry("acksPerSecond", 1.0);
    assertThat(durableRow.get("ackLatencyMs")).isInstanceOf(Map.class);
    assertThat(durableRow).containsKeys("durableEvents", "durableLatencyMs");
  }

  @Test
  void noServerFiguresWhenTheNodeCannotBeRead() {
    Timeline t = timeline(false);
    t.start();
    serverTicks = 0; // what ProcStats.read gives when /proc/PID is gone
    serverRssKiB = 0;
    nowMs = 1_000;
    Second s = t.sample(Phase.DRAIN);

    assertThat(s.serverCores()).isNull();
    assertThat(s.serverRssMiB()).isNull();
  }
}
