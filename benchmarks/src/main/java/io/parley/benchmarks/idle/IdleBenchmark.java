package io.parley.benchmarks.idle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * W3 - idle connections: the memory a node holds per idle WebSocket connection. Opens connections
 * in cumulative steps from {@link IdleConnections} processes, lets them idle, and compares the
 * node's RSS and heap after a full GC with a baseline taken with no connections (after a warm-up).
 * Steps the node's open-file limit does not allow are reported as not runnable, with the reason.
 * See benchmarks/README.md; {@code benchmarks/bin/w3} starts a node and runs this.
 */
public final class IdleBenchmark {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  /** Connections of one source address, well inside its ~28,000 ephemeral ports. */
  private static final int CONNECTIONS_PER_SOURCE_ADDRESS = 25_000;
  /** Descriptors a client process keeps for itself (JVM files, pipes, selector). */
  private static final int CLIENT_FD_RESERVE = 200;
  /** The largest step the file limit allows is rounded down to this. */
  private static final int STEP_ROUNDING = 1000;

  /** A step as asked, with the connections it stands for, or why it cannot run here. */
  private record Step(String asked, int connections, String notRunnable) {}

  private final W3Options options;
  private final String[] argsAsTyped;
  private final long pid;
  private final JvmProbe jvm;
  private final long startNanos = System.nanoTime();
  private ClientFleet clients;

  private IdleBenchmark(W3Options options, String[] argsAsTyped) {
    this.options = options;
    this.argsAsTyped = argsAsTyped;
    this.pid = options.serverPid();
    this.jvm = new JvmProbe(pid);
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.println(W3Options.USAGE);
      return;
    }
    IdleBenchmark benchmark = new IdleBenchmark(W3Options.parse(args), args);
    try {
      benchmark.run();
    } finally {
      if (benchmark.clients != null) {
        benchmark.clients.close();
      }
    }
    System.exit(0);
  }

  private void run() throws Exception {
    Instant startedAt = Instant.now();
    String loadAtStart = ProcFs.loadAverage();
    ProcFs.FileLimit nodeLimit = ProcFs.fileLimit(pid);
    int fdsAtStart = ProcFs.sample(pid).openFds();
    long allowed = Math.max(0, nodeLimit.soft() - fdsAtStart - options.fdReserve());
    int mostByFileLimit = (int) Math.min(1_000_000_000L, allowed / STEP_ROUNDING * STEP_ROUNDING);
    String limitReason =
        "the node's open-file limit (RLIMIT_NOFILE, /proc/" + pid + "/limits) is " + nodeLimit.soft()
            + " soft / " + nodeLimit.hard() + " hard; each connection takes a descriptor, the node had "
            + fdsAtStart + " open with no client and " + options.fdReserve()
            + " are left for its own files, so it holds at most " + mostByFileLimit
            + " connections here (a hard limit is raised only with CAP_SYS_RESOURCE)";
    List<Step> steps = resolve(mostByFileLimit, limitReason);
    int largest =
        Math.max(options.warmup(), steps.stream().filter(s -> s.notRunnable() == null).mapToInt(Step::connections).max().orElse(0));
    int processes = clientProcesses(largest);
    log("node pid %d: open-file limit %d/%d, %d descriptors open: at most %d connections here",
        pid, nodeLimit.soft(), nodeLimit.hard(), fdsAtStart, mostByFileLimit);
    log("steps %s; %d client process(es) bound to %s and the %d addresses after it",
        steps.stream().map(s -> s.asked() + (s.asked().equals("" + s.connections()) ? "" : "=" + s.connections())).toList(),
        processes, options.sourceFirst(), options.sourceAddresses() - 1);
    clients = new ClientFleet(processes, options.clientJvmFlags(), options.clientArgs(), options.connectTimeoutSeconds());

    Map<String, Object> warmup = warmUp();
    log("baseline: no connections");
    Measurement base = measure(0);
    log("baseline: RSS %d KiB, heap %d KiB, live objects %d KiB, %d threads, node %.2f cores idle",
        base.afterGc().rssKiB(), base.heap().heapUsedKiB(), base.heap().histogram().bytes() / 1024,
        base.idleEnd().threads(), (Double) base.idle().get("nodeCores"));

    List<Map<String, Object>> reports = new ArrayList<>();
    int open = 0;
    for (Step step : steps) {
      if (step.notRunnable() != null) {
        log("step %s: not runnable: %s", step.asked(), step.notRunnable());
        reports.add(W3Report.notRunnable(step.asked(), step.connections(), step.notRunnable()));
        continue;
      }
      int more = step.connections() - open;
      log("step %s: opening %d more connections (to %d)", step.asked(), more, step.connections());
      JsonNode opened = clients.open(more, open, "w3");
      open += opened.path("welcomed").asInt();
      log("step %s: %d welcomed, %d failed in %.1f s %s", step.asked(), opened.path("welcomed").asInt(),
          opened.path("failed").asInt(), opened.path("seconds").asDouble(), opened.path("failures"));
      Measurement m = measure(step.connections());
      Map<String, Object> report = W3Report.step(step.asked(), opened, more, m, base, options.topClasses());
      reports.add(report);
      @SuppressWarnings("unchecked")
      Map<String, Object> per = (Map<String, Object>) report.get("perConnection");
      log("step %s: %d held; RSS %d KiB (+%.2f KiB/conn), heap +%.2f KiB/conn, live objects +%.2f KiB/conn; %d threads; node %.2f cores idle",
          step.asked(), m.clients().path("open").asInt(), m.afterGc().rssKiB(), (Double) per.get("rssKiB"),
          (Double) per.get("heapUsedKiB"), (Double) per.get("liveObjectsKiB"), m.idleEnd().threads(),
          (Double) m.idle().get("nodeCores"));
    }
    // the connections stay open: the client processes end after the report, the node after them

    Map<String, Object> r = new LinkedHashMap<>();
    r.put("benchmark", "w3-idle-connections");
    r.put("date", startedAt.toString());
    r.put("command", System.getenv().getOrDefault("PARLEY_BENCH_COMMAND", "IdleBenchmark " + String.join(" ", argsAsTyped)));
    r.put("options", W3Report.options(options, processes));
    r.put("machine", W3Report.machine(options, loadAtStart, ProcFs.loadAverage()));
    Map<String, Object> node = new LinkedHashMap<>();
    // "parley" or "floor" (the transport floor, benchmarks/README.md), as bin/w3 starts it
    node.put("kind", System.getenv("PARLEY_BENCH_SERVER"));
    node.put("pid", pid);
    node.put("openFileLimitSoft", nodeLimit.soft());
    node.put("openFileLimitHard", nodeLimit.hard());
    node.put("descriptorsOpenAtStart", fdsAtStart);
    node.put("mostConnectionsByFileLimit", mostByFileLimit);
    r.put("node", node);
    r.put("warmup", warmup);
    Map<String, Object> baseline = new LinkedHashMap<>();
    baseline.put("connections", 0);
    baseline.put("node", base.node());
    baseline.put("idle", base.idle());
    r.put("baseline", baseline);
    r.put("steps", reports);
    r.put("targetKiBPerConnection", W3Report.TARGET_KIB_PER_CONNECTION);
    r.put("summary", W3Report.summary(reports));
    if (options.out().getParent() != null) {
      Files.createDirectories(options.out().getParent());
    }
    Files.writeString(options.out(), JSON.writeValueAsString(r) + "\n");
    System.out.println(JSON.writeValueAsString(r.get("summary")));
    log("written %s", options.out());
  }

  /** Opens and closes connections, so that the baseline is a node that has served some. */
  private Map<String, Object> warmUp() throws InterruptedException {
    Map<String, Object> warmup = new LinkedHashMap<>();
    warmup.put("connections", options.warmup());
    if (options.warmup() == 0) {
      return warmup;
    }
    log("warm-up: %d connections", options.warmup());
    JsonNode opened = clients.open(options.warmup(), 0, "w3warm");
    TimeUnit.SECONDS.sleep(2);
    clients.closeAll();
    warmup.put("welcomed", opened.path("welcomed").asInt());
    warmup.put("failed", opened.path("failed").asInt());
    warmup.put("seconds", Numbers.round(opened.path("seconds").asDouble()));
    warmup.put("settleSeconds", options.settleSeconds());
    log("warm-up: %d welcomed, all closed; settling %d s (rooms without members passivate)",
        opened.path("welcomed").asInt(), options.settleSeconds());
    TimeUnit.SECONDS.sleep(options.settleSeconds());
    return warmup;
  }

  /** Quiet, then an idle window, then a full GC: the node holding {@code connections}. */
  private Measurement measure(int connections) throws InterruptedException {
    TimeUnit.SECONDS.sleep(options.quietSeconds());
    ProcFs.Sample start = ProcFs.sample(pid);
    long machineStart = ProcFs.machineBusyTicks();
    long clientsStart = clients.cpuTicks();
    log("idle %d s with %d connections", options.idleSeconds(), connections);
    TimeUnit.SECONDS.sleep(options.idleSeconds());
    ProcFs.Sample end = ProcFs.sample(pid);
    long machine = ProcFs.machineBusyTicks() - machineStart;
    long clientCpu = clients.cpuTicks() - clientsStart;
    JsonNode status = clients.status();
    JvmProbe.HeapFigures heap = jvm.afterFullGc();
    ProcFs.Sample afterGc = ProcFs.sample(pid);
    return new Measurement(connections, start, end, machine, clientCpu, status, heap, afterGc);
  }

  private List<Step> resolve(int mostByFileLimit, String limitReason) {
    TreeSet<Integer> seen = new TreeSet<>();
    List<Step> steps = new ArrayList<>();
    for (String asked : options.steps()) {
      int n = asked.equals("max") ? mostByFileLimit : Integer.parseInt(asked);
      if (seen.add(n)) {
        steps.add(new Step(asked, n, n > mostByFileLimit || n == 0 ? limitReason : null));
      }
    }
    steps.sort((a, b) -> Integer.compare(a.connections(), b.connections()));
    return steps;
  }

  /** Client processes for {@code largest} connections, each within its own open-file limit. */
  private int clientProcesses(int largest) {
    long ownLimit = ProcFs.fileLimit(ProcessHandle.current().pid()).soft();
    if (options.connectionsPerProcess() > ownLimit - CLIENT_FD_RESERVE) {
      throw new IllegalArgumentException(
          "--connections-per-process " + options.connectionsPerProcess() + " does not fit the open-file limit "
              + ownLimit + " of a client process; at most " + (ownLimit - CLIENT_FD_RESERVE));
    }
    int needed = (largest + CONNECTIONS_PER_SOURCE_ADDRESS - 1) / CONNECTIONS_PER_SOURCE_ADDRESS;
    if (options.sourceAddresses() < needed) {
      throw new IllegalArgumentException(
          largest + " connections need --source-addresses " + needed + " or more (~28,000 ephemeral ports each)");
    }
    return Math.max(1, (largest + options.connectionsPerProcess() - 1) / options.connectionsPerProcess());
  }

  private void log(String format, Object... args) {
    System.err.printf("[w3 %6.1fs] %s%n", (System.nanoTime() - startNanos) / 1e9, String.format(format, args));
  }
}
