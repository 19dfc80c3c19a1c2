package io.parley.benchmarks.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Load generator for Parley: a client of the WebSocket protocol only (JDK, Jackson,
 * HdrHistogram; no server code). Opens C clients in rooms of S, sends cursors at R Hz and acked
 * {@code set} changes at D/s per client, and measures connect times, deliveries and end-to-end
 * latencies (one clock: the send time is embedded in the frame), in total over the measured
 * window and second by second over the whole load ({@link Timeline}). See benchmarks/README.md.
 */
public final class LoadGenerator {

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  // options
  String url = "ws://127.0.0.1:8080";
  /** The nodes of --url (comma-separated): client i connects to the (i mod n)-th. */
  List<String> urls = List.of(url);
  int clients = 100;
  int roomSize = 10;
  double cursorHz = 10;
  double durablePerSecond = 0;
  int durationSeconds = 20;
  int warmupSeconds = 5;
  int rampUpSeconds = 0;
  long serverPid = -1;
  /** Every pid of --server-pid (comma-separated): CPU, RSS and threads are their sums. */
  long[] serverPids = {};
  Path out;
  int connectConcurrency = 64;
  int drainSeconds = 3;
  String[] argsAsTyped;

  // one clock: milliseconds since this instant
  final long startNanos = System.nanoTime();
  volatile double measureStartMs = Double.MAX_VALUE;
  volatile double measureEndMs = Double.MAX_VALUE;

  double nowMs() {
    return (System.nanoTime() - startNanos) / 1e6;
  }

  boolean measured(double sentMs) {
    return sentMs >= measureStartMs && sentMs < measureEndMs;
  }

  // measurements (microseconds)
  final Recorder connectUs = new Recorder(3);
  final Recorder cursorLatencyUs = new Recorder(3);
  final Recorder durableLatencyUs = new Recorder(3);
  final Recorder ackLatencyUs = new Recorder(3);
  final AtomicLong connectFailures = new AtomicLong();
  final AtomicLong cursorMovesSent = new AtomicLong();
  final AtomicLong cursorEntriesReceived = new AtomicLong();
  final AtomicLong cursorFramesReceived = new AtomicLong();
  final AtomicLong cursorMovesSkipped = new AtomicLong();
  final AtomicLong changesSent = new AtomicLong();
  final AtomicLong changesAcked = new AtomicLong();
  final AtomicLong changesAckedMeasured = new AtomicLong();
  final AtomicLong changesRejected = new AtomicLong();
  final Map<String, AtomicLong> rejectCodes = new ConcurrentHashMap<>();
  final AtomicLong durableEventsReceived = new AtomicLong();
  final AtomicLong framesReceived = new AtomicLong();
  final AtomicLong errorsReceived = new AtomicLong();
  final AtomicLong pingsSent = new AtomicLong();
  final AtomicLong closedByServer = new AtomicLong();
  final Map<String, AtomicLong> errorCodes = new ConcurrentHashMap<>();
  // per second, warm-up and drain included; set in run() before any client exists
  Timeline timeline;

  public static void main(String[] args) throws Exception {
    LoadGenerator g = new LoadGenerator();
    g.argsAsTyped = args;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        usage();
        return;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value for " + a);
      }
      String v = args[++i];
      switch (a) {
        case "--url" -> {
          g.urls = java.util.Arrays.stream(v.split(",")).map(u -> u.trim().replaceAll("/+$", "")).toList();
          g.url = String.join(",", g.urls);
        }
        case "--clients" -> g.clients = Integer.parseInt(v);
        case "--room-size" -> g.roomSize = Integer.parseInt(v);
        case "--cursor-hz" -> g.cursorHz = Double.parseDouble(v);
        case "--durable-per-second" -> g.durablePerSecond = Double.parseDouble(v);
        case "--duration" -> g.durationSeconds = Integer.parseInt(v);
        case "--warmup" -> g.warmupSeconds = Integer.parseInt(v);
        case "--ramp-up" -> g.rampUpSeconds = Integer.parseInt(v);
        case "--server-pid" -> {
          g.serverPids = java.util.Arrays.stream(v.split(",")).mapToLong(x -> Long.parseLong(x.trim())).toArray();
          g.serverPid = g.serverPids[0];
        }
        case "--out" -> g.out = Path.of(v);
        case "--connect-concurrency" -> g.connectConcurrency = Integer.parseInt(v);
        case "--drain" -> g.drainSeconds = Integer.parseInt(v);
        default -> throw new IllegalArgumentException("unknown option " + a + " (--help)");
      }
    }
    g.run();
    System.exit(0);
  }

  static void usage() {
    System.out.println(
        """
        LoadGenerator --url ws://127.0.0.1:PORT[,ws://...] --clients C --room-size S --cursor-hz R
                      --durable-per-second D --duration T --warmup W [--server-pid PID]
                      [--out results/NAME.json] [--connect-concurrency 64] [--drain 3]
                      [--ramp-up U]
          several nodes: --url a,b,c (client i connects to the (i mod n)-th, so a room's clients
          are spread over the nodes) and --server-pid p1,p2,p3 (CPU, RSS, threads summed).
          rooms load-0, load-1, ... of S clients each (users u<i>); cursors at R Hz per client
          (0: none); acked `set` changes at D per second per client (0: none); measures for T s
          after W s of warm-up, then waits --drain s for the last deliveries. With --ramp-up U
          (at most W) the clients start sending one after the other over the first U s of the
          warm-up, so the offered load grows linearly to its full rate. The report's
          "timeline" has one row per second of warm-up, window and drain.""");
  }

  // ---------------------------------------------------------------------------------------

  void run() throws Exception {
    Instant startedAt = Instant.now();
    ProcStats serverBefore = ProcStats.readAll(serverPids);
    CpuTimes machineBefore = CpuTimes.read();
    timeline =
        new Timeline(
            this::nowMs,
            serverPid > 0 ? () -> ProcStats.readAll(serverPids) : null,
            LoadGenerator::ownCpuNanos,
            CpuTimes::read,
            durablePerSecond > 0);
    ExecutorService callbacks = Executors.newFixedThreadPool(4, daemon("ws"));
    HttpClient http =
        HttpClient.newBuilder().executor(callbacks).connectTimeout(Duration.ofSeconds(30)).build();

    // connect
    System.out.printf("connecting %d clients (rooms of %d) to %s%n", clients, roomSize, url);
    List<Client> all = new ArrayList<>();
    Semaphore permits = new Semaphore(connectConcurrency);
    List<CompletableFuture<Void>> connecting = new ArrayList<>();
    double connectStart = nowMs();
    for (int i = 0; i < clients; i++) {
      Client c = new Client(i, "load-" + (i / roomSize), "u" + i);
      all.add(c);
      permits.acquire();
      connecting.add(c.connect(http).whenComplete((x, e) -> permits.release()));
    }
    for (CompletableFuture<Void> f : connecting) {
      try {
        f.get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        // counted in connectFailures
      }
    }
    double connectSeconds = (nowMs() - connectStart) / 1000;
    List<Client> live = all.stream().filter(c -> c.welcomed).toList();
    System.out.printf(
        "connected %d of %d in %.1f s (%d failures)%n",
        live.size(), clients, connectSeconds, connectFailures.get());

    // send
    ScheduledExecutorService timers = Executors.newScheduledThreadPool(2, daemon("send"));
    long rampUpMicros = TimeUnit.SECONDS.toMicros(Math.min(rampUpSeconds, warmupSeconds));
    for (int i = 0; i < live.size(); i++) {
      Client c = live.get(i);
      ThreadLocalRandom rnd = ThreadLocalRandom.current();
      // a fresh node's JIT and pools warm up under a growing load instead of a sudden backlog
      long start = rampUpMicros * i / live.size();
      if (cursorHz > 0) {
        long period = Math.round(1e6 / cursorHz);
        timers.scheduleAtFixedRate(
            c::sendCursor, start + rnd.nextLong(period), period, TimeUnit.MICROSECONDS);
      }
      if (durablePerSecond > 0) {
        long period = Math.round(1e6 / durablePerSecond);
        timers.scheduleAtFixedRate(
            c::sendChange, start + rnd.nextLong(period), period, TimeUnit.MICROSECONDS);
      }
    }
    timers.scheduleAtFixedRate(
        () -> {
          for (Client c : live) {
            c.pingIfQuiet();
          }
        },
        5,
        5,
        TimeUnit.SECONDS);

    timeline.start();
    System.out.printf("warm-up %d s%n", warmupSeconds);
    timeline.advance(warmupSeconds, Timeline.Phase.WARMUP);
    // reset the recorders at the start of the measured window
    cursorLatencyUs.reset();
    durableLatencyUs.reset();
    ackLatencyUs.reset();
    long cursorSent0 = cursorMovesSent.get();
    long changesSent0 = changesSent.get();
    long frames0 = framesReceived.get();
    long cursorFrames0 = cursorFramesReceived.get();
    ProcStats serverStart = ProcStats.readAll(serverPids);
    CpuTimes machineStart = CpuTimes.read();
    long ownCpuStart = ownCpuNanos();
    measureStartMs = nowMs();
    System.out.printf("measuring %d s%n", durationSeconds);
    timeline.advance(durationSeconds, Timeline.Phase.MEASURED);
    measureEndMs = nowMs();
    ProcStats serverEnd = ProcStats.readAll(serverPids);
    CpuTimes machineEnd = CpuTimes.read();
    long ownCpuEnd = ownCpuNanos();
    long cursorSent = cursorMovesSent.get() - cursorSent0;
    long changes = changesSent.get() - changesSent0;
    long frames = framesReceived.get() - frames0;
    long cursorFrames = cursorFramesReceived.get() - cursorFrames0;
    // deliveries of moves sent in the window may still arrive: wait, then stop
    System.out.printf("drain %d s%n", drainSeconds);
    timeline.advance(drainSeconds, Timeline.Phase.DRAIN);
    timers.shutdownNow();
    Histogram cursorLat = cursorLatencyUs.getIntervalHistogram();
    Histogram durableLat = durableLatencyUs.getIntervalHistogram();
    Histogram ackLat = ackLatencyUs.getIntervalHistogram();
    Histogram connect = connectUs.getIntervalHistogram();
    long stillOpen = live.stream().filter(c -> !c.closed).count();
    for (Client c : live) {
      c.close();
    }

    // report
    double seconds = (measureEndMs - measureStartMs) / 1000;
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("benchmark", "load");
    r.put("date", startedAt.toString());
    r.put("command", System.getenv().getOrDefault("PARLEY_BENCH_COMMAND", String.join(" ", argsAsTyped)));
    Map<String, Object> opts = new LinkedHashMap<>();
    opts.put("url", url);
    opts.put("clients", clients);
    opts.put("roomSize", roomSize);
    opts.put("rooms", (clients + roomSize - 1) / roomSize);
    opts.put("cursorHz", cursorHz);
    opts.put("durablePerSecond", durablePerSecond);
    opts.put("warmupSeconds", warmupSeconds);
    opts.put("rampUpSeconds", Math.min(rampUpSeconds, warmupSeconds));
    opts.put("durationSeconds", durationSeconds);
    opts.put("drainSeconds", drainSeconds);
    r.put("options", opts);
    r.put("machine", machine());

    Map<String, Object> conn = new LinkedHashMap<>();
    conn.put("attempted", clients);
    conn.put("welcomed", live.size());
    conn.put("failures", connectFailures.get());
    conn.put("allConnectedInSeconds", round(connectSeconds));
    conn.put("timeToWelcomeMs", percentiles(connect));
    conn.put("stillOpenAtEnd", stillOpen);
    r.put("connect", conn);

    r.put("measuredSeconds", round(seconds));
    // cursors
    Map<String, Object> cur = new LinkedHashMap<>();
    long cursorEntries = cursorLat.getTotalCount();
    // exact for a last room with fewer than S clients too
    long possible = all.stream().mapToLong(c -> c.movesMeasured * (roomSizeOf(c.index) - 1L)).sum();
    cur.put("movesSent", cursorSent);
    cur.put("movesSentPerSecond", round(cursorSent / seconds));
    cur.put("entriesIfEveryMoveReachedEveryOtherSession", possible);
    cur.put("entriesReceived", cursorEntries);
    cur.put(
        "entriesReceivedPercent", possible == 0 ? null : round(100.0 * cursorEntries / possible));
    cur.put("entriesReceivedPerSecond", round(cursorEntries / seconds));
    cur.put("movesSkippedBetweenEntries", cursorMovesSkipped.get());
    cur.put("framesReceived", cursorFrames);
    cur.put("framesReceivedPerSecond", round(cursorFrames / seconds));
    cur.put("latencyMs", percentiles(cursorLat));
    r.put("cursors", cur);
    // durable
    Map<String, Object> dur = new LinkedHashMap<>();
    long acked = changesAckedMeasured.get();
    long expected = all.stream().mapToLong(c -> c.ackedMeasured.get() * roomSizeOf(c.index)).sum();
    long got = durableLat.getTotalCount();
    dur.put("changesSent", changes);
    dur.put("changesAcked", acked);
    dur.put("changesRejected", changesRejected.get());
    dur.put("rejectCodes", snapshot(rejectCodes));
    dur.put("changesAckedPerSecond", round(acked / seconds));
    dur.put("eventsExpected", expected);
    dur.put("eventsReceived", got);
    dur.put("eventsReceivedPercent", expected == 0 ? null : round(100.0 * got / expected));
    dur.put("eventsReceivedPerSecond", round(got / seconds));
    dur.put("endToEndLatencyMs", percentiles(durableLat));
    dur.put("ackLatencyMs", percentiles(ackLat));
    r.put("durable", dur);
    Map<String, Object> del = new LinkedHashMap<>();
    del.put("deliveriesPerSecond", round((cursorEntries + got) / seconds));
    del.put("framesReceivedPerSecond", round(frames / seconds));
    del.put("errorsReceived", errorsReceived.get());
    del.put("errorCodes", snapshot(errorCodes));
    del.put("connectionsClosedByServer", closedByServer.get());
    del.put("pingsSent", pingsSent.get());
    r.put("deliveries", del);
    // processes
    Map<String, Object> srv = new LinkedHashMap<>();
    // "parley" or "floor" (the transport floor, benchmarks/README.md), as the scripts start it
    srv.put("kind", System.getenv("PARLEY_BENCH_SERVER"));
    if (serverPid > 0) {
      srv.put("pid", serverPid);
      if (serverPids.length > 1) {
        srv.put("pids", serverPids);
        srv.put("note", "sums over the nodes' processes");
      }
      srv.put("rssMiBBeforeConnect", serverBefore.rssMiB());
      srv.put("rssMiBAtMeasureStart", serverStart.rssMiB());
      srv.put("rssMiBAtMeasureEnd", serverEnd.rssMiB());
      srv.put("peakRssMiB", serverEnd.hwmMiB());
      srv.put("threads", serverEnd.threads());
      double cpu = serverEnd.cpuSeconds() - serverStart.cpuSeconds();
      srv.put("cpuSecondsMeasured", round(cpu));
      srv.put("coresUsedMeasured", round(cpu / seconds));
      srv.put("cpuSecondsWholeRun", round(serverEnd.cpuSeconds() - serverBefore.cpuSeconds()));
    }
    r.put("server", srv);
    Map<String, Object> gen = new LinkedHashMap<>();
    double ownCpu = (ownCpuEnd - ownCpuStart) / 1e9;
    gen.put("cpuSecondsMeasured", round(ownCpu));
    gen.put("coresUsedMeasured", round(ownCpu / seconds));
    r.put("generator", gen);
    Map<String, Object> mach = new LinkedHashMap<>();
    mach.put("coresBusyMeasured", round(machineEnd.busySince(machineStart) / seconds));
    mach.put(
        "coresBusyByOthersMeasured",
        serverPid > 0
            ? round(
                (machineEnd.busySince(machineStart)
                        - (serverEnd.cpuSeconds() - serverStart.cpuSeconds())
                        - ownCpu)
                    / seconds)
            : null);
    mach.put("coresBusyWholeRun", round(machineEnd.busySince(machineBefore) / ((nowMs()) / 1000)));
    r.put("cpu", mach);
    r.put("timeline", timeline.toJson());

    String text = JSON.writeValueAsString(r);
    System.out.println(text);
    if (out != null) {
      if (out.getParent() != null) {
        Files.createDirectories(out.getParent());
      }
      Files.writeString(out, text + "\n");
      System.out.println("written " + out);
    }
  }

  // ---------------------------------------------------------------------------------------

  final class Client implements WebSocket.Listener {
    final int index;
    final String room;
    final String user;
    final StringBuilder partial = new StringBuilder();
    final Map<String, Double> pending = new ConcurrentHashMap<>();
    final Map<String, Long> lastSeqBySender = new java.util.HashMap<>();
    volatile WebSocket socket;
    volatile boolean welcomed;
    volatile boolean closed;
    volatile long lastSentNanos = System.nanoTime();
    CompletableFuture<?> sending = CompletableFuture.completedFuture(null);
    final CompletableFuture<Void> welcome = new CompletableFuture<>();
    double connectStartMs;
    long cursorSeq;
    long changeSeq;
    volatile long movesMeasured;
    final AtomicLong ackedMeasured = new AtomicLong();

    Client(int index, String room, String user) {
      this.index = index;
      this.room = room;
      this.user = user;
    }

    CompletableFuture<Void> connect(HttpClient http) {
      connectStartMs = nowMs();
      http.newWebSocketBuilder()
          .connectTimeout(Duration.ofSeconds(30))
          .buildAsync(URI.create(urls.get(index % urls.size()) + "/v1/rooms/" + room + "/ws"), this)
          .whenComplete(
              (ws, e) -> {
                if (e != null) {
                  fail(e);
                } else {
                  socket = ws;
                  send("{\"type\":\"hello\",\"userId\":\"" + user + "\",\"name\":\"" + user + "\"}");
                }
              });
      return welcome.orTimeout(60, TimeUnit.SECONDS)
          .whenComplete(
              (x, e) -> {
                if (e != null && !welcomed) {
                  fail(e);
                }
              });
    }

    private void fail(Throwable e) {
      if (!welcome.isDone()) {
        connectFailures.incrementAndGet();
        System.err.println(user + ": connect failed: " + e);
      }
      welcome.completeExceptionally(e);
    }

    /** Sends in order without blocking: the JDK WebSocket allows one outstanding send. */
    void send(String text) {
      if (closed) {
        return;
      }
      lastSentNanos = System.nanoTime();
      synchronized (this) {
        sending =
            sending
                .handle((x, e) -> null)
                .thenCompose(x -> closed ? CompletableFuture.completedFuture(null) : socket.sendText(text, true));
      }
    }

    void sendCursor() {
      long seq = ++cursorSeq;
      double t = nowMs();
      if (measured(t)) {
        cursorMovesSent.incrementAndGet();
        movesMeasured++;
      }
      send("{\"type\":\"cursor\",\"x\":" + t + ",\"y\":" + seq + "}");
    }

    void sendChange() {
      long seq = ++changeSeq;
      String id = "c" + seq;
      double t = nowMs();
      if (measured(t)) {
        changesSent.incrementAndGet();
      }
      pending.put(id, t);
      send(
          "{\"type\":\"set\",\"id\":\"" + id + "\",\"key\":\"k" + index + "\",\"value\":{\"t\":" + t
              + ",\"s\":" + seq + "}}");
    }

    void pingIfQuiet() {
      if (welcomed && !closed && System.nanoTime() - lastSentNanos > 15_000_000_000L) {
        pingsSent.incrementAndGet();
        send("{\"type\":\"ping\",\"id\":\"p\"}");
      }
    }

    void close() {
      if (!closed && socket != null) {
        closed = true;
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null);
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String frame = partial.toString();
        partial.setLength(0);
        try {
          handle(frame);
        } catch (IOException | RuntimeException e) {
          System.err.println(user + ": cannot read a frame: " + e);
        }
      }
      webSocket.request(1);
      return null;
    }

    private void handle(String frame) throws IOException {
      double now = nowMs();
      framesReceived.incrementAndGet();
      JsonNode f = JSON.readTree(frame);
      switch (f.path("type").asText()) {
        case "cursors" -> {
          boolean any = false;
          for (JsonNode c : f.path("cursors")) {
            if (!c.path("x").isNumber()) {
              continue; // not a cursor of this generator's: no send time
            }
            double sent = c.path("x").asDouble();
            long latencyUs = micros(now - sent);
            timeline.cursorDelivered(latencyUs);
            if (measured(sent)) {
              any = true;
              cursorLatencyUs.recordValue(latencyUs);
              long seq = c.path("y").asLong();
              Long before = lastSeqBySender.put(c.path("userId").asText(), seq);
              if (before != null && seq > before + 1) {
                cursorMovesSkipped.addAndGet(seq - before - 1);
              }
            }
          }
          if (any) {
            cursorFramesReceived.incrementAndGet();
          }
        }
        case "event" -> {
          if (f.path("kind").asText().equals("state.changed")) {
            for (JsonNode op : f.path("ops")) {
              JsonNode t = op.path("value").path("t");
              if (t.isNumber()) {
                long latencyUs = micros(now - t.asDouble());
                timeline.durableDelivered(latencyUs);
                if (measured(t.asDouble())) {
                  durableLatencyUs.recordValue(latencyUs);
                }
              }
            }
          }
        }
        case "ack" -> {
          Double sent = pending.remove(f.path("id").asText());
          if (sent != null) {
            changesAcked.incrementAndGet();
            timeline.acked(micros(now - sent));
            if (measured(sent)) {
              changesAckedMeasured.incrementAndGet();
              ackedMeasured.incrementAndGet();
              ackLatencyUs.recordValue(micros(now - sent));
            }
          }
        }
        case "reject" -> {
          Double sent = pending.remove(f.path("id").asText());
          if (sent != null && measured(sent)) {
            changesRejected.incrementAndGet();
          }
          rejectCodes.computeIfAbsent(f.path("code").asText(), k -> new AtomicLong()).incrementAndGet();
        }
        case "welcome" -> {
          welcomed = true;
          connectUs.recordValue(micros(now - connectStartMs));
          welcome.complete(null);
        }
        case "error" -> {
          errorsReceived.incrementAndGet();
          errorCodes.computeIfAbsent(f.path("code").asText(), k -> new AtomicLong()).incrementAndGet();
        }
        default -> {}
      }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      if (!closed) {
        closedByServer.incrementAndGet();
        System.err.println(user + ": closed by the server: " + statusCode + " " + reason);
      }
      closed = true;
      fail(new IOException("closed " + statusCode + " " + reason));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      if (!closed) {
        System.err.println(user + ": " + error);
      }
      closed = true;
      fail(error);
    }
  }

  // ---------------------------------------------------------------------------------------

  /** Clients in the room of client i: S, or fewer in the last room. */
  long roomSizeOf(int i) {
    int room = i / roomSize;
    return Math.min(roomSize, clients - (long) room * roomSize);
  }

  static long micros(double ms) {
    return Math.max(0, Math.round(ms * 1000));
  }

  static Double round(double v) {
    return Double.isFinite(v) ? Math.round(v * 100) / 100.0 : null;
  }

  static Map<String, Object> percentiles(Histogram h) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", h.getTotalCount());
    if (h.getTotalCount() > 0) {
      m.put("p50", round(h.getValueAtPercentile(50) / 1000.0));
      m.put("p95", round(h.getValueAtPercentile(95) / 1000.0));
      m.put("p99", round(h.getValueAtPercentile(99) / 1000.0));
      m.put("p999", round(h.getValueAtPercentile(99.9) / 1000.0));
      m.put("max", round(h.getMaxValue() / 1000.0));
      m.put("mean", round(h.getMean() / 1000.0));
    }
    return m;
  }

  static Map<String, Long> snapshot(Map<String, AtomicLong> counts) {
    Map<String, Long> m = new LinkedHashMap<>();
    counts.forEach((k, v) -> m.put(k, v.get()));
    return m;
  }

  static long ownCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime();
    }
    return 0;
  }

  static Map<String, Object> machine() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          m.put("cpu", line.substring(line.indexOf(':') + 1).trim());
          break;
        }
      }
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal")) {
          m.put("memTotalKiB", Long.parseLong(line.replaceAll("\\D", "")));
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    m.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    m.put("generatorJvmFlags", ManagementFactory.getRuntimeMXBean().getInputArguments());
    m.put("serverJvmFlags", System.getenv().getOrDefault("PARLEY_BENCH_SERVER_OPTS", null));
    return m;
  }

  static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicLong n = new AtomicLong();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** VmRSS, VmHWM, threads and CPU ticks of a process, from /proc. */
  record ProcStats(long rssKiB, long hwmKiB, long threads, long ticks) {
    static final double TICKS_PER_SECOND =
        Double.parseDouble(System.getProperty("clk.tck", "100"));

    /** The sum over {@code pids}; all zeros (as a failed read) when any read fails. */
    static ProcStats readAll(long[] pids) {
      long rss = 0;
      long hwm = 0;
      long threads = 0;
      long ticks = 0;
      for (long pid : pids) {
        ProcStats one = read(pid);
        if (one.ticks() == 0) {
          return new ProcStats(0, 0, 0, 0);
        }
        rss += one.rssKiB();
        hwm += one.hwmKiB();
        threads += one.threads();
        ticks += one.ticks();
      }
      return new ProcStats(rss, hwm, threads, ticks);
    }

    static ProcStats read(long pid) {
      if (pid <= 0) {
        return new ProcStats(0, 0, 0, 0);
      }
      try {
        long rss = 0;
        long hwm = 0;
        long threads = 0;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
          if (line.startsWith("VmRSS:")) {
            rss = Long.parseLong(line.replaceAll("\\D", ""));
          } else if (line.startsWith("VmHWM:")) {
            hwm = Long.parseLong(line.replaceAll("\\D", ""));
          } else if (line.startsWith("Threads:")) {
            threads = Long.parseLong(line.replaceAll("\\D", ""));
          }
        }
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // after "pid (comm) ": state is field 3, utime 14, stime 15 -> indexes 11 and 12 here
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return new ProcStats(rss, hwm, threads, ticks);
      } catch (IOException | RuntimeException e) {
        System.err.println("cannot read /proc/" + pid + ": " + e);
        return new ProcStats(0, 0, 0, 0);
      }
    }

    Double rssMiB() {
      return round(rssKiB / 1024.0);
    }

    Double hwmMiB() {
      return round(hwmKiB / 1024.0);
    }

    double cpuSeconds() {
      return ticks / TICKS_PER_SECOND;
    }
  }

  /** Busy CPU time of the whole machine, from /proc/stat. */
  record CpuTimes(long busyTicks) {
    static CpuTimes read() {
      try {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i < f.length && i <= 8; i++) {
          if (i != 4 && i != 5) { // idle, iowait
            busy += Long.parseLong(f[i]);
          }
        }
        return new CpuTimes(busy);
      } catch (IOException | RuntimeException e) {
        return new CpuTimes(0);
      }
    }

    double busySince(CpuTimes earlier) {
      return (busyTicks - earlier.busyTicks) / ProcStats.TICKS_PER_SECOND;
    }
  }
}
