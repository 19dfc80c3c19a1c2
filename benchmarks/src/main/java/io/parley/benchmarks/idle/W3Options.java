package io.parley.benchmarks.idle;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The options of {@link IdleBenchmark}; {@link #USAGE} lists them. */
record W3Options(
    String url,
    long serverPid,
    List<String> steps,
    int roomSize,
    int idleSeconds,
    int quietSeconds,
    int warmup,
    int settleSeconds,
    String sourceFirst,
    int sourceAddresses,
    int connectionsPerProcess,
    int connectConcurrency,
    int connectTimeoutSeconds,
    int fdReserve,
    int topClasses,
    List<String> clientJvmFlags,
    Path out) {

  static final String USAGE =
      """
      IdleBenchmark --url ws://127.0.0.1:PORT --server-pid PID [options]   (W3: idle connections)
        --steps 5000,10000,max,20000,50000  connections held at each step, cumulative; `max`: the
                                 most the node's open-file limit allows; a step above it is
                                 reported as not runnable
        --room-size 10           connections per room (rooms w3-<i/size>, users w3-u<i>)
        --idle-seconds 30        idle window per step: node CPU, closes, pings (then a full GC)
        --quiet-seconds 5        wait after the last welcome before the idle window
        --warmup 1000            connections opened and closed before the baseline
        --settle-seconds 35      wait after the warm-up (empty rooms passivate after 30 s)
        --source-addresses 4     client sockets bound to 127.0.0.2, 127.0.0.3, ... (ephemeral ports)
        --source-first 127.0.0.2
        --connections-per-process 15000   client processes: one per this many connections
        --connect-concurrency 50 connections being opened at once, per client process
        --connect-timeout 60     seconds from connect to welcome before a connection counts as failed
        --fd-reserve 500         descriptors left to the node for its own files
        --top-classes 20         classes listed by heap growth per connection
        --client-jvm-flags "-Xms256m -Xmx256m"
        --out results/w3-<steps>.json  (w3-<steps>-floor.json against the transport floor)""";

  static W3Options parse(String[] args) {
    String url = "ws://127.0.0.1:8080";
    long serverPid = -1;
    List<String> steps = List.of("5000", "10000", "max", "20000", "50000");
    int roomSize = 10;
    int idleSeconds = 30;
    int quietSeconds = 5;
    int warmup = 1000;
    int settleSeconds = 35;
    String sourceFirst = "127.0.0.2";
    int sourceAddresses = 4;
    int perProcess = 15000;
    int concurrency = 50;
    int connectTimeout = 60;
    int fdReserve = 500;
    int topClasses = 20;
    List<String> clientFlags = List.of("-Xms256m", "-Xmx256m");
    Path out = null;
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value for " + args[i] + "\n" + USAGE);
      }
      String v = args[i + 1];
      switch (args[i]) {
        case "--url" -> url = v.replaceAll("/+$", "");
        case "--server-pid" -> serverPid = Long.parseLong(v);
        case "--steps" -> steps = Arrays.stream(v.split(",")).map(String::trim).toList();
        case "--room-size" -> roomSize = Integer.parseInt(v);
        case "--idle-seconds" -> idleSeconds = Integer.parseInt(v);
        case "--quiet-seconds" -> quietSeconds = Integer.parseInt(v);
        case "--warmup" -> warmup = Integer.parseInt(v);
        case "--settle-seconds" -> settleSeconds = Integer.parseInt(v);
        case "--source-first" -> sourceFirst = v;
        case "--source-addresses" -> sourceAddresses = Integer.parseInt(v);
        case "--connections-per-process" -> perProcess = Integer.parseInt(v);
        case "--connect-concurrency" -> concurrency = Integer.parseInt(v);
        case "--connect-timeout" -> connectTimeout = Integer.parseInt(v);
        case "--fd-reserve" -> fdReserve = Integer.parseInt(v);
        case "--top-classes" -> topClasses = Integer.parseInt(v);
        case "--client-jvm-flags" -> clientFlags = v.isBlank() ? List.of() : List.of(v.trim().split("\\s+"));
        case "--out" -> out = Path.of(v);
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
      }
    }
    if (serverPid <= 0) {
      throw new IllegalArgumentException("--server-pid is required\n" + USAGE);
    }
    for (String step : steps) {
      if (!step.equals("max") && Integer.parseInt(step) <= 0) {
        throw new IllegalArgumentException("steps are positive numbers or max: " + step);
      }
    }
    if (out == null) {
      // bin/w3 says which server it started: a floor run never overwrites a node's report
      String floor = "floor".equals(System.getenv("PARLEY_BENCH_SERVER")) ? "-floor" : "";
      out = Path.of("results", "w3-" + String.join("-", steps) + floor + ".json");
    }
    return new W3Options(
        url, serverPid, steps, roomSize, idleSeconds, quietSeconds, warmup, settleSeconds, sourceFirst,
        sourceAddresses, perProcess, concurrency, connectTimeout, fdReserve, topClasses,
        new ArrayList<>(clientFlags), out);
  }

  /** The arguments of every {@link IdleConnections} process. */
  List<String> clientArgs() {
    return List.of(
        "--url", url,
        "--room-size", Integer.toString(roomSize),
        "--source-first", sourceFirst,
        "--source-addresses", Integer.toString(sourceAddresses),
        "--connect-concurrency", Integer.toString(connectConcurrency),
        "--connect-timeout", Integer.toString(connectTimeoutSeconds));
  }
}
