package io.parley.benchmarks.idle;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The node holding {@code connections} idle connections: an idle window (CPU, what the clients
 * saw), then its memory after a full GC.
 */
record Measurement(
    int connections,
    ProcFs.Sample idleStart,
    ProcFs.Sample idleEnd,
    long machineBusyTicks,
    long clientTicks,
    JsonNode clients,
    JvmProbe.HeapFigures heap,
    ProcFs.Sample afterGc) {

  static final double TICKS_PER_SECOND = Double.parseDouble(System.getProperty("clk.tck", "100"));

  double idleSeconds() {
    return (idleEnd.nanos() - idleStart.nanos()) / 1e9;
  }

  Map<String, Object> node() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rssKiBAtIdleEnd", idleEnd.rssKiB());
    m.put("rssKiBAfterFullGc", afterGc.rssKiB());
    m.put("peakRssKiB", afterGc.hwmKiB());
    m.put("heapUsedKiBAfterFullGc", heap.heapUsedKiB());
    m.put("liveObjectsKiB", Numbers.round(heap.histogram().bytes() / 1024.0));
    m.put("liveObjects", heap.histogram().instances());
    m.put("metaspaceUsedKiB", heap.metaspaceUsedKiB());
    if (!heap.nativeCommittedKiB().isEmpty()) {
      m.put("nativeMemoryTrackingCommittedKiB", heap.nativeCommittedKiB());
    }
    m.put("threads", idleEnd.threads());
    m.put("openFileDescriptors", idleEnd.openFds());
    return m;
  }

  Map<String, Object> idle() {
    double seconds = idleSeconds();
    double node = (idleEnd.cpuTicks() - idleStart.cpuTicks()) / TICKS_PER_SECOND;
    double clientsCpu = clientTicks / TICKS_PER_SECOND;
    double machine = machineBusyTicks / TICKS_PER_SECOND;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seconds", Numbers.round(seconds));
    m.put("nodeCpuSeconds", Numbers.round(node));
    m.put("nodeCores", Numbers.round(node / seconds));
    m.put("clientProcessesCores", Numbers.round(clientsCpu / seconds));
    m.put("machineCoresBusy", Numbers.round(machine / seconds));
    m.put("coresBusyByOthers", Numbers.round(Math.max(0, machine - node - clientsCpu) / seconds));
    m.put("nodeCpuSecondsByThreadName", cpuByThreadName());
    return m;
  }

  /** Node CPU seconds in the idle window by thread name, busiest first (threads that ended: not counted). */
  private Map<String, Object> cpuByThreadName() {
    List<Map.Entry<String, Long>> used = new ArrayList<>();
    idleEnd.ticksByThreadName()
        .forEach(
            (name, ticks) -> {
              long spent = ticks - idleStart.ticksByThreadName().getOrDefault(name, 0L);
              if (spent > 0) {
                used.add(Map.entry(name, spent));
              }
            });
    used.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
    Map<String, Object> m = new LinkedHashMap<>();
    for (Map.Entry<String, Long> e : used) {
      m.put(e.getKey(), Numbers.round(e.getValue() / TICKS_PER_SECOND));
    }
    return m;
  }

  /** Growth since {@code base} (no connections) divided by the connections. */
  Map<String, Object> perConnection(Measurement base) {
    double n = connections;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rssKiB", Numbers.round((afterGc.rssKiB() - base.afterGc.rssKiB()) / n));
    m.put("rssKiBBeforeFullGc", Numbers.round((idleEnd.rssKiB() - base.idleEnd.rssKiB()) / n));
    m.put("heapUsedKiB", Numbers.round((heap.heapUsedKiB() - base.heap.heapUsedKiB()) / n));
    m.put("liveObjectsKiB", Numbers.round((heap.histogram().bytes() - base.heap.histogram().bytes()) / 1024.0 / n));
    m.put("liveObjects", Numbers.round((heap.histogram().instances() - base.heap.histogram().instances()) / n));
    if (!heap.nativeCommittedKiB().isEmpty() && !base.heap.nativeCommittedKiB().isEmpty()) {
      Map<String, Object> nmt = new LinkedHashMap<>();
      heap.nativeCommittedKiB()
          .forEach(
              (category, kib) -> {
                long grown = kib - base.heap.nativeCommittedKiB().getOrDefault(category, 0L);
                if (grown != 0) {
                  nmt.put(category, Numbers.round(grown / n));
                }
              });
      m.put("nativeMemoryTrackingCommittedKiB", nmt);
    }
    m.put("threads", Numbers.round((idleEnd.threads() - base.idleEnd.threads()) / n));
    m.put("fileDescriptors", Numbers.round((idleEnd.openFds() - base.idleEnd.openFds()) / n));
    return m;
  }
}
