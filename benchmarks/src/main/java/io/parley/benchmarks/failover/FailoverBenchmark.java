package io.parley.benchmarks.failover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * W6: failover and rolling restart of the local cluster of {@code bin/cluster start N}, measured
 * by WebSocket clients (JDK and Jackson only; no server code).
 *
 * <ol>
 *   <li><b>Failover</b>, {@code --kills} times: a probe on a surviving node writes to a room at
 *       {@code --probe-interval-ms}; the node hosting the room's entity (found through
 *       {@code /cluster/shards/Room} on the management ports) is killed with SIGKILL; the figure
 *       is the time from the kill to the first {@code ack} of a command the probe sent after the
 *       kill. The killed node is started again ({@code benchmarks/bin/lib/cluster-node.sh}) and
 *       the cluster must be whole and ready before the next kill.
 *   <li><b>Rolling restart</b>, once: {@code --clients} clients in rooms of 3 spread over the
 *       nodes write at {@code --interval-ms} each; every node in turn gets SIGTERM, exits, is
 *       started again and must be ready before the next. A client told to {@code reconnect}
 *       waits {@code retryAfterMs}, reconnects to another node and resumes. The figure is the
 *       longest time a client went without an {@code ack}.
 * </ol>
 *
 * Node K: HTTP 8080+K, management 7626+K, pid in {@code cluster-data/nodeK.pid} (run from the
 * repository root). Everything is bounded: each wait has a deadline, and a run fails rather than
 * hangs.
 */
public final class FailoverBenchmark {

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

  int nodes = 3;
  Path dir = Path.of("cluster-data");
  int kills = 3;
  int probeIntervalMs = 125;
  boolean rolling = true;
  int clients = 30;
  int intervalMs = 250;
  Duration settle = Duration.ofSeconds(5);
  Path out;

  final long start = System.nanoTime();
  final HttpClient http =
      HttpClient.newBuilder()
          .executor(Executors.newFixedThreadPool(4, r -> daemon(r, "ws")))
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  final ScheduledExecutorService timer =
      Executors.newScheduledThreadPool(2, r -> daemon(r, "timer"));

  public static void main(String[] args) throws Exception {
    FailoverBenchmark b = new FailoverBenchmark();
    for (int i = 0; i < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--nodes" -> b.nodes = Integer.parseInt(v);
        case "--dir" -> b.dir = Path.of(v);
        case "--kills" -> b.kills = Integer.parseInt(v);
        case "--probe-interval-ms" -> b.probeIntervalMs = Integer.parseInt(v);
        case "--rolling" -> b.rolling = Boolean.parseBoolean(v);
        case "--clients" -> b.clients = Integer.parseInt(v);
        case "--interval-ms" -> b.intervalMs = Integer.parseInt(v);
        case "--settle" -> b.settle = Duration.ofSeconds(Long.parseLong(v));
        case "--out" -> b.out = Path.of(v);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("benchmark", "w6");
    report.put("date", Instant.now().toString());
    report.put("command", System.getenv().getOrDefault("PARLEY_BENCH_COMMAND", String.join(" ", args)));
    report.put("nodes", b.nodes);
    b.awaitWholeCluster(Duration.ofSeconds(120));
    report.put("failover", b.failovers());
    if (b.rolling) {
      report.put("rollingRestart", b.rollingRestart());
    }
    String json = JSON.writeValueAsString(report);
    if (b.out != null) {
      Files.createDirectories(b.out.toAbsolutePath().getParent());
      Files.writeString(b.out, json);
      System.out.println("wrote " + b.out);
    }
    System.out.println(json);
    System.exit(0);
  }

  // ---------------------------------------------------------------- failover

  private int busiestOtherThan(int oldest, Map<String, Set<String>> shards) {
    int busiest = oldest % nodes + 1;
    for (int node = 1; node <= nodes; node++) {
      if (node != oldest && shards.get("" + node).size() > shards.get("" + busiest).size()) {
        busiest = node;
      }
    }
    return busiest;
  }

  List<Map<String, Object>> failovers() throws Exception {
    List<Map<String, Object>> trials = new ArrayList<>();
    touchEveryShard();
    for (int trial = 0; trial < kills; trial++) {
      // even trials kill the oldest node (it runs the shard coordinator and the journal lease's
      // singleton, which move too), odd ones another node
      int oldest = oldestNode();
      Map<String, Set<String>> shards = shardsByNode();
      // a node started again hosts no shard until the coordinator rebalances: of the others,
      // the one hosting the most
      int target = trial % 2 == 0 ? oldest : busiestOtherThan(oldest, shards);
      if (shards.get("" + target).isEmpty()) {
        throw new IllegalStateException("node " + target + " hosts no shard: " + shards);
      }
      String room = roomOn(shards.get("" + target), "w6-fo" + trial + "-");
      int survivor = target % nodes + 1;
      log("failover %d: room %s on node %d (shard %s), probe on node %d",
          trial + 1, room, target, shardOf(room), survivor);
      Client probe = new Client("probe" + trial, room, survivor);
      probe.connect();
      probe.awaitWelcome(Duration.ofSeconds(30));
      probe.writeEvery(probeIntervalMs);
      probe.awaitAcks(10, Duration.ofSeconds(10));

      long pid = pid(target);
      long killed = now();
      String killedAt = wallClock();
      ProcessHandle.of(pid).orElseThrow().destroyForcibly();
      log("killed node %d (pid %d) with SIGKILL", target, pid);
      long firstAck = probe.firstAckOfCommandSentAfter(killed, Duration.ofSeconds(60));
      double seconds = (firstAck - killed) / 1e9;
      log("room %s serves again: first ack %.2f s after the kill", room, seconds);
      probe.stopWriting();
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("killedNode", target);
      t.put("killedTheOldest", target == oldest);
      t.put("killedAt", killedAt);
      t.put("room", room);
      t.put("probeNode", survivor);
      t.put("killToFirstAckSeconds", round(seconds));
      t.put("probeRejectsByCode", probe.rejects());
      t.put("probeConnectionClosed", probe.closes.get());
      trials.add(t);
      probe.close();

      ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
      restart(target);
      awaitWholeCluster(Duration.ofSeconds(120));
      sleep(settle);
    }
    return trials;
  }

  /** A read of one room per shard: every shard gets a home, so each node hosts some. */
  void touchEveryShard() throws Exception {
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; seen.size() < 100 && i < 10_000; i++) {
      String room = "w6-shard-" + i;
      if (seen.add(shardOf(room))) {
        get(1 + seen.size() % nodes, 8080, "/v1/rooms/" + room);
      }
    }
    log("every shard has a home: %s", count(shardsByNode()));
  }

  /** A fresh room whose shard is one of {@code shards}. */
  static String roomOn(Set<String> shards, String prefix) {
    for (int i = 0; i < 100_000; i++) {
      String room = prefix + ThreadLocalRandom.current().nextInt(1_000_000);
      if (shards.contains("" + shardOf(room))) {
        return room;
      }
    }
    throw new IllegalStateException("no room name for shards " + shards);
  }

  /**
   * Pekko's default shard of an entity (typed sharding's {@code HashCodeMessageExtractor}),
   * with Parley's {@code number-of-shards} (100): which node hosts a room is then read from the
   * nodes' {@code /cluster/shards/Room}.
   */
  static int shardOf(String room) {
    return Math.abs(room.hashCode() % 100);
  }

  // ---------------------------------------------------------------- rolling restart

  Map<String, Object> rollingRestart() throws Exception {
    List<Client> all = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      Client c = new Client("r" + i, "w6-roll-" + (i / 3), i % nodes + 1);
      all.add(c);
      c.connect();
    }
    for (Client c : all) {
      c.awaitWelcome(Duration.ofSeconds(60));
      c.writeEvery(intervalMs);
    }
    sleep(settle);
    long from = now();
    for (Client c : all) {
      c.measureFrom(from);
    }
    List<Map<String, Object>> steps = new ArrayList<>();
    List<Long> stepStarts = new ArrayList<>();
    for (int k = nodes; k >= 1; k--) {
      long pid = pid(k);
      Map<String, Object> step = new LinkedHashMap<>();
      step.put("node", k);
      step.put("sigtermAt", wallClock());
      long t0 = now();
      stepStarts.add(t0);
      ProcessHandle handle = ProcessHandle.of(pid).orElseThrow();
      handle.destroy();
      log("rolling: SIGTERM to node %d (pid %d)", k, pid);
      handle.onExit().get(60, TimeUnit.SECONDS);
      step.put("exitedAfterSeconds", round((now() - t0) / 1e9));
      log("rolling: node %d exited after %.2f s", k, (now() - t0) / 1e9);
      restart(k);
      awaitWholeCluster(Duration.ofSeconds(120));
      step.put("readyAgainAfterSeconds", round((now() - t0) / 1e9));
      steps.add(step);
    }
    sleep(settle);
    long to = now();
    for (Client c : all) {
      c.stopWriting();
    }
    List<Double> pauses = new ArrayList<>();
    List<Map<String, Object>> perClient = new ArrayList<>();
    long reconnects = 0;
    long unanswered = 0;
    Map<String, Long> rejects = new LinkedHashMap<>();
    for (Client c : all) {
      Client.Pause p = c.longestPause(to);
      pauses.add(p.seconds());
      reconnects += c.reconnects.get();
      unanswered += c.unanswered();
      c.rejects().forEach((code, n) -> rejects.merge(code, n, Long::sum));
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("client", c.user);
      m.put("longestPauseSeconds", round(p.seconds()));
      m.put("pauseEndedAt", p.endedAt());
      m.put("reconnects", c.reconnects.get());
      m.put("retryAfterMsWaited", c.retryAfterMs);
      m.put("reconnectToWelcomeMs", c.reconnectToWelcomeMs);
      perClient.add(m);
      c.close();
    }
    // per step (from its SIGTERM to the next one's): the longest pause that ended in it
    for (int i = 0; i < steps.size(); i++) {
      long stepFrom = stepStarts.get(i);
      long stepTo = i + 1 < stepStarts.size() ? stepStarts.get(i + 1) : to;
      double longest = 0;
      for (Client c : all) {
        longest = Math.max(longest, c.longestPauseEndingIn(stepFrom, stepTo));
      }
      steps.get(i).put("longestPauseEndingInThisStepSeconds", round(longest));
    }
    Collections.sort(pauses);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("clients", clients);
    r.put("writeIntervalMs", intervalMs);
    r.put("steps", steps);
    r.put("measuredSeconds", round((to - from) / 1e9));
    r.put("longestPauseSeconds", round(pauses.get(pauses.size() - 1)));
    r.put("medianOfClientsLongestPauseSeconds", round(pauses.get(pauses.size() / 2)));
    r.put("p90OfClientsLongestPauseSeconds", round(pauses.get((int) (pauses.size() * 0.9))));
    r.put("reconnects", reconnects);
    r.put("commandsNeverAnswered", unanswered);
    r.put("rejectsByCode", rejects);
    r.put("perClient", perClient);
    log("rolling restart: longest pause %.2f s, median of clients' longest %.2f s, %d reconnects",
        pauses.get(pauses.size() - 1), pauses.get(pauses.size() / 2), reconnects);
    return r;
  }

  // ---------------------------------------------------------------- a client

  final class Client implements WebSocket.Listener {
    record Pause(double seconds, String endedAt) {}

    final String user;
    final String room;
    volatile int node;
    volatile WebSocket socket;
    volatile boolean welcomed;
    volatile boolean stopped;
    volatile long lastVersion;
    volatile long retryAfter = -1;
    volatile long closedAt;
    volatile java.util.concurrent.ScheduledFuture<?> writer;
    volatile CompletableFuture<Void> welcome = new CompletableFuture<>();
    CompletableFuture<?> sending = CompletableFuture.completedFuture(null);
    final StringBuilder partial = new StringBuilder();
    final AtomicLong seq = new AtomicLong();
    final Map<String, Long> sentAt = new java.util.concurrent.ConcurrentHashMap<>();
    final List<long[]> acks = Collections.synchronizedList(new ArrayList<>()); // {sent, received}
    final Map<String, AtomicLong> rejectCodes = new java.util.concurrent.ConcurrentHashMap<>();
    final AtomicLong reconnects = new AtomicLong();
    final AtomicLong closes = new AtomicLong();
    final List<Long> retryAfterMs = Collections.synchronizedList(new ArrayList<>());
    final List<Long> reconnectToWelcomeMs = Collections.synchronizedList(new ArrayList<>());
    volatile long measureFrom;

    Client(String user, String room, int node) {
      this.user = user;
      this.room = room;
      this.node = node;
    }

    void connect() {
      int first = node;
      connectTo(first, 0);
    }

    /** Connects to the {@code attempt}-th node from {@code first} on; a refused one is skipped. */
    private void connectTo(int first, int attempt) {
      if (stopped) {
        return;
      }
      int target = (first - 1 + attempt) % nodes + 1;
      http.newWebSocketBuilder()
          .connectTimeout(Duration.ofSeconds(2))
          .buildAsync(URI.create("ws://127.0.0.1:" + (8080 + target) + "/v1/rooms/" + room + "/ws"), this)
          .whenComplete(
              (ws, e) -> {
                if (e != null) {
                  timer.schedule(() -> connectTo(first, attempt + 1), 100, TimeUnit.MILLISECONDS);
                  return;
                }
                node = target;
                socket = ws;
                sending = CompletableFuture.completedFuture(null);
                String resume = lastVersion > 0 ? ",\"resume\":{\"version\":" + lastVersion + "}" : "";
                send("{\"type\":\"hello\",\"userId\":\"" + user + "\",\"name\":\"" + user + "\"" + resume + "}");
              });
    }

    void awaitWelcome(Duration timeout) throws Exception {
      welcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    void writeEvery(int millis) {
      writer =
          timer.scheduleAtFixedRate(
              this::write, ThreadLocalRandom.current().nextInt(millis), millis, TimeUnit.MILLISECONDS);
    }

    void stopWriting() {
      if (writer != null) {
        writer.cancel(false);
      }
    }

    void measureFrom(long nanos) {
      measureFrom = nanos;
    }

    private void write() {
      if (!welcomed || stopped) {
        return;
      }
      String id = "c" + seq.incrementAndGet();
      sentAt.put(id, now());
      send("{\"type\":\"set\",\"id\":\"" + id + "\",\"key\":\"" + user + "\",\"value\":" + seq.get() + "}");
    }

    private synchronized void send(String text) {
      WebSocket ws = socket;
      sending = sending.handle((x, e) -> null).thenCompose(x -> ws.sendText(text, true));
    }

    void awaitAcks(int n, Duration timeout) throws InterruptedException {
      long deadline = now() + timeout.toNanos();
      while (acks.size() < n) {
        if (now() > deadline) {
          throw new IllegalStateException(user + ": fewer than " + n + " acks within " + timeout);
        }
        Thread.sleep(20);
      }
    }

    long firstAckOfCommandSentAfter(long nanos, Duration timeout) throws InterruptedException {
      long deadline = now() + timeout.toNanos();
      while (now() < deadline) {
        synchronized (acks) {
          for (long[] a : acks) {
            if (a[0] >= nanos) {
              return a[1];
            }
          }
        }
        Thread.sleep(10);
      }
      throw new IllegalStateException(user + ": no ack within " + timeout + " of the kill");
    }

    Pause longestPause(long to) {
      List<Long> times = new ArrayList<>();
      synchronized (acks) {
        for (long[] a : acks) {
          if (a[1] >= measureFrom && a[1] <= to) {
            times.add(a[1]);
          }
        }
      }
      Collections.sort(times);
      long previous = measureFrom;
      long longest = 0;
      long endedAt = measureFrom;
      times.add(to);
      for (long t : times) {
        if (t - previous > longest) {
          longest = t - previous;
          endedAt = t;
        }
        previous = t;
      }
      return new Pause(longest / 1e9, wallClockAt(endedAt));
    }

    /** The longest gap between acks (from measureFrom on) whose end lies in [from, to). */
    double longestPauseEndingIn(long from, long to) {
      List<Long> times = new ArrayList<>();
      synchronized (acks) {
        for (long[] a : acks) {
          if (a[1] >= measureFrom) {
            times.add(a[1]);
          }
        }
      }
      Collections.sort(times);
      long previous = measureFrom;
      long longest = 0;
      for (long t : times) {
        if (t >= from && t < to) {
          longest = Math.max(longest, t - previous);
        }
        previous = t;
      }
      return longest / 1e9;
    }

    long unanswered() {
      return sentAt.size();
    }

    Map<String, Long> rejects() {
      Map<String, Long> m = new LinkedHashMap<>();
      rejectCodes.forEach((k, v) -> m.put(k, v.get()));
      return m;
    }

    void close() {
      stopped = true;
      stopWriting();
      WebSocket ws = socket;
      if (ws != null) {
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null);
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        try {
          handle(JSON.readTree(text));
        } catch (IOException | RuntimeException e) {
          System.err.println(user + ": cannot read a frame: " + e);
        }
      }
      webSocket.request(1);
      return null;
    }

    private void handle(JsonNode f) {
      long received = now();
      switch (f.path("type").asText()) {
        case "welcome" -> {
          lastVersion = Math.max(lastVersion, f.path("version").asLong());
          if (closedAt > 0) {
            reconnectToWelcomeMs.add((received - closedAt) / 1_000_000);
          }
          welcomed = true;
          welcome.complete(null);
        }
        case "event" -> lastVersion = Math.max(lastVersion, f.path("version").asLong());
        case "ack" -> {
          Long sent = sentAt.remove(f.path("id").asText());
          if (sent != null) {
            acks.add(new long[] {sent, received});
          }
        }
        case "reject" -> {
          sentAt.remove(f.path("id").asText());
          rejectCodes.computeIfAbsent(f.path("code").asText(), k -> new AtomicLong()).incrementAndGet();
        }
        case "reconnect" -> retryAfter = f.path("retryAfterMs").asLong();
        case "error" ->
            rejectCodes.computeIfAbsent("error:" + f.path("code").asText(), k -> new AtomicLong())
                .incrementAndGet();
        default -> {}
      }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      lost();
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      lost();
    }

    /** The connection ended: reconnect (after the advised wait) to the next node, and resume. */
    private synchronized void lost() {
      if (stopped || !welcomed) {
        if (!welcomed && !stopped) {
          timer.schedule(() -> connectTo(node % nodes + 1, 0), 200, TimeUnit.MILLISECONDS);
        }
        return;
      }
      welcomed = false;
      closes.incrementAndGet();
      reconnects.incrementAndGet();
      closedAt = now();
      long wait = retryAfter >= 0 ? retryAfter : 100;
      retryAfterMs.add(retryAfter);
      retryAfter = -1;
      int next = node % nodes + 1;
      timer.schedule(() -> connectTo(next, 0), wait, TimeUnit.MILLISECONDS);
    }
  }

  // ---------------------------------------------------------------- the cluster

  void restart(int k) throws Exception {
    Process p = new ProcessBuilder("benchmarks/bin/lib/cluster-node.sh", "" + k).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("could not start node " + k);
    }
    log("node %d started again (pid %d)", k, pid(k));
  }

  /** Every node answers /ready 200 and one of them sees all nodes Up and none unreachable. */
  void awaitWholeCluster(Duration timeout) throws Exception {
    long deadline = now() + timeout.toNanos();
    while (now() < deadline) {
      boolean ready = true;
      for (int k = 1; k <= nodes && ready; k++) {
        ready = status(k, "/ready") == 200;
      }
      if (ready) {
        JsonNode members = JSON.readTree(get(1, 7626, "/cluster/members"));
        long up = 0;
        for (JsonNode m : members.path("members")) {
          if ("Up".equals(m.path("status").asText())) {
            up++;
          }
        }
        if (up == nodes && members.path("unreachable").isEmpty()) {
          return;
        }
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the cluster was not whole and ready within " + timeout);
  }

  /** The node the cluster calls oldest (where its singletons run). */
  int oldestNode() throws Exception {
    String oldest = JSON.readTree(get(1, 7626, "/cluster/members")).path("oldest").asText();
    for (int k = 1; k <= nodes; k++) {
      if (oldest.endsWith(":" + (25520 + k))) {
        return k;
      }
    }
    throw new IllegalStateException("no node is the oldest: " + oldest);
  }

  Map<String, Set<String>> shardsByNode() throws Exception {
    Map<String, Set<String>> byNode = new LinkedHashMap<>();
    for (int k = 1; k <= nodes; k++) {
      Set<String> shards = new HashSet<>();
      for (JsonNode region : JSON.readTree(get(k, 7626, "/cluster/shards/Room")).path("regions")) {
        shards.add(region.path("shardId").asText());
      }
      byNode.put("" + k, shards);
    }
    return byNode;
  }

  static Map<String, Integer> count(Map<String, Set<String>> shards) {
    Map<String, Integer> m = new LinkedHashMap<>();
    shards.forEach((k, v) -> m.put("node" + k, v.size()));
    return m;
  }

  long pid(int k) throws IOException {
    return Long.parseLong(Files.readString(dir.resolve("node" + k + ".pid")).trim());
  }

  int status(int k, String path) {
    try {
      return http.send(request(7626 + k, path), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  String get(int k, int base, String path) throws Exception {
    HttpResponse<String> r = http.send(request(base + k, path), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(path + " on port " + (base + k) + ": " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  static HttpRequest request(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5))
        .build();
  }

  // ---------------------------------------------------------------- helpers

  long now() {
    return System.nanoTime();
  }

  String wallClock() {
    return LocalTime.now(ZoneId.systemDefault()).format(CLOCK);
  }

  String wallClockAt(long nanos) {
    return LocalTime.now(ZoneId.systemDefault())
        .minusNanos(System.nanoTime() - nanos)
        .format(CLOCK);
  }

  void log(String format, Object... args) {
    System.out.printf("%s %s%n", wallClock(), String.format(format, args));
  }

  static void sleep(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
