package io.parley.benchmarks.idle;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The parts of the W3 JSON report: one step, the options, the machine, a summary table. */
final class W3Report {

  /** The figure W3 is judged by: RSS per idle connection. */
  static final double TARGET_KIB_PER_CONNECTION = 20;

  private W3Report() {}

  static Map<String, Object> step(
      String asked, JsonNode opened, int attempted, Measurement m, Measurement base, int topClasses) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("step", asked);
    r.put("connections", m.connections());
    r.put("runnable", true);
    Map<String, Object> connect = new LinkedHashMap<>();
    connect.put("attempted", attempted);
    connect.put("welcomed", opened.path("welcomed").asInt());
    connect.put("failed", opened.path("failed").asInt());
    connect.put("failures", opened.path("failures"));
    connect.put("seconds", Numbers.round(opened.path("seconds").asDouble()));
    connect.put("perSecond", Numbers.round(opened.path("welcomed").asInt() / opened.path("seconds").asDouble()));
    connect.put("timeToWelcomeMs", Numbers.percentilesMs(micros(opened.path("welcomeMicros"))));
    r.put("connect", connect);
    r.put("heldAtIdleEnd", m.clients().path("open").asInt());
    r.put("idle", m.idle());
    r.put("clients", m.clients());
    r.put("node", m.node());
    Map<String, Object> per = m.perConnection(base);
    r.put("perConnection", per);
    r.put("rssUnderTarget", (Double) per.get("rssKiB") < TARGET_KIB_PER_CONNECTION);
    r.put(
        "heapGrowthByClassPerConnection",
        m.heap().histogram().growthPerConnection(base.heap().histogram(), m.connections(), topClasses));
    return r;
  }

  static Map<String, Object> notRunnable(String asked, int connections, String reason) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("step", asked);
    r.put("connections", connections);
    r.put("runnable", false);
    r.put("reason", reason);
    return r;
  }

  static Map<String, Object> options(W3Options o, int processes) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("url", o.url());
    m.put("steps", o.steps());
    m.put("roomSize", o.roomSize());
    m.put("idleSeconds", o.idleSeconds());
    m.put("quietSeconds", o.quietSeconds());
    m.put("warmup", o.warmup());
    m.put("settleSeconds", o.settleSeconds());
    m.put("sourceAddressFirst", o.sourceFirst());
    m.put("sourceAddresses", o.sourceAddresses());
    m.put("clientProcesses", processes);
    m.put("connectionsPerProcess", o.connectionsPerProcess());
    m.put("connectConcurrencyPerProcess", o.connectConcurrency());
    m.put("connectTimeoutSeconds", o.connectTimeoutSeconds());
    m.put("fdReserve", o.fdReserve());
    return m;
  }

  static Map<String, Object> machine(W3Options o, String loadAtStart, String loadAtEnd) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("cpu", ProcFs.firstValue("/proc/cpuinfo", "model name"));
    m.put("memTotal", ProcFs.firstValue("/proc/meminfo", "MemTotal"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    m.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    m.put("serverJvmFlags", System.getenv().getOrDefault("PARLEY_BENCH_SERVER_OPTS", null));
    m.put("serverProperties", System.getenv().getOrDefault("PARLEY_BENCH_SERVER_PROPS", null));
    m.put("clientJvmFlags", o.clientJvmFlags());
    m.put("benchmarkJvmFlags", ManagementFactory.getRuntimeMXBean().getInputArguments());
    m.put("loadAverageAtStart", loadAtStart);
    m.put("loadAverageAtEnd", loadAtEnd);
    return m;
  }

  /** One row per step: the figures of the table in RESULTS.md. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> summary(List<Map<String, Object>> steps) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map<String, Object> step : steps) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("connections", step.get("connections"));
      if (!Boolean.TRUE.equals(step.get("runnable"))) {
        row.put("runnable", false);
        rows.add(row);
        continue;
      }
      Map<String, Object> per = (Map<String, Object>) step.get("perConnection");
      Map<String, Object> node = (Map<String, Object>) step.get("node");
      Map<String, Object> idle = (Map<String, Object>) step.get("idle");
      Map<String, Object> connect = (Map<String, Object>) step.get("connect");
      row.put("held", step.get("heldAtIdleEnd"));
      row.put("rssKiBPerConnection", per.get("rssKiB"));
      row.put("heapKiBPerConnection", per.get("heapUsedKiB"));
      row.put("liveObjectsKiBPerConnection", per.get("liveObjectsKiB"));
      row.put("rssMiB", Numbers.round(((Number) node.get("rssKiBAfterFullGc")).longValue() / 1024.0));
      row.put("threads", node.get("threads"));
      row.put("nodeCoresIdle", idle.get("nodeCores"));
      row.put("connectP99Ms", ((Map<?, ?>) connect.get("timeToWelcomeMs")).get("p99"));
      row.put("connectFailures", connect.get("failed"));
      row.put("rssUnderTarget", step.get("rssUnderTarget"));
      rows.add(row);
    }
    return rows;
  }

  private static long[] micros(JsonNode array) {
    long[] values = new long[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).asLong();
    }
    return values;
  }
}
