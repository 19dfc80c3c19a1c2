package io.parley.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A client of one user in one room that keeps changing the room the way a well-behaved app does,
 * for tests of node failures under load: one {@code set} in flight at a time, a few a second, each
 * on a key of its own ({@code k:<label>:<seq>}); a command answered {@code reject} {@code timeout}
 * (or {@code overloaded}, {@code rate_limited}) or left unanswered by a lost connection is sent
 * again with the same id. With {@link Options#reconnect} it follows the protocol's {@code
 * reconnect} frame: waits {@code retryAfterMs}, reconnects to another node with {@code resume} from
 * the last version it applied, and sends its unanswered command again; without it, a lost
 * connection ends the client's writes.
 *
 * <p>It records every frame with its arrival time, across its connections, so that a test can
 * check delivery (every version once, in order, no gap), acks, retries and pauses.
 */
public final class LoadClient implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(15);
  private static final Duration RECONNECT_WITHIN = Duration.ofSeconds(30);

  /** How a client writes and where it goes when its connection ends. */
  public record Options(
      Duration pace, boolean reconnect, Supplier<List<Integer>> reconnectPorts) {

    /** Writes every {@code pace}; a lost connection ends its writes. */
    public static Options stayOnOneNode(Duration pace) {
      return new Options(pace, false, List::of);
    }

    /** Writes every {@code pace}; reconnects (with resume) to one of {@code ports}' nodes. */
    public static Options reconnectTo(Duration pace, Supplier<List<Integer>> ports) {
      return new Options(pace, true, ports);
    }
  }

  /** A frame and when it arrived ({@link System#nanoTime}). */
  public record Received(long atNanos, int connection, JsonNode frame) {}

  /** One WebSocket connection of the client. */
  public static final class Connection {
    private final int index;
    private final int port;
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private volatile WebSocket socket;
    private volatile JsonNode welcome;
    private volatile JsonNode refusal;
    private volatile JsonNode last;
    private volatile JsonNode reconnect;

    private Connection(int index, int port) {
      this.index = index;
      this.port = port;
    }

    public int port() {
      return port;
    }

    public JsonNode welcome() {
      return welcome;
    }

    /** The close status, or -1 for a connection that broke; empty while open. */
    public Optional<Integer> closeStatus() {
      return Optional.ofNullable(closed.getNow(null));
    }

    /** The last frame received on this connection. */
    public JsonNode lastFrame() {
      return last;
    }

    /** The {@code reconnect} frame received on this connection, if any. */
    public Optional<JsonNode> reconnectFrame() {
      return Optional.ofNullable(reconnect);
    }

    @Override
    public String toString() {
      return "connection " + index + " to port " + port + " (closed: " + closeStatus() + ")";
    }
  }

  private final String roomId;
  private final String userId;
  private final String name;
  private final String label;
  private final Options options;

  private final Object lock = new Object();
  private final List<Connection> connections = new CopyOnWriteArrayList<>();
  private final List<Received> received = new ArrayList<>(); // guarded by lock
  private final Map<String, JsonNode> answers = new HashMap<>(); // guarded by lock
  private final Map<String, Long> ownEvents = new HashMap<>(); // guarded by lock: command id → version
  private long lastVersion; // guarded by lock: the last event version applied (or the welcome's)
  private long firstVersion;

  private final Map<String, Long> acked = new ConcurrentHashMap<>();
  private final Map<String, Long> ackedAt = new ConcurrentHashMap<>();
  private final Map<String, Long> lastSentAt = new ConcurrentHashMap<>();
  private final Map<String, Long> firstSentAt = new ConcurrentHashMap<>();
  private final Map<String, Integer> sends = new ConcurrentHashMap<>();
  private final List<String> notes = new CopyOnWriteArrayList<>();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private volatile String unanswered;
  private volatile boolean stopping;
  private volatile Thread writer;

  private LoadClient(String roomId, String userId, String name, String label, Options options) {
    this.roomId = roomId;
    this.userId = userId;
    this.name = name;
    this.label = label;
    this.options = options;
  }

  /**
   * Connects to the node on {@code port} and joins room {@code roomId} as {@code userId}; returns
   * once the welcome arrived. {@code label} names this client in its command ids and keys (unique
   * per client of a test). Call {@link #startWriting} to start the load.
   */
  public static LoadClient join(
      int port, String roomId, String userId, String label, Options options) {
    LoadClient client = new LoadClient(roomId, userId, userId.toUpperCase(), label, options);
    Connection connection = client.open(port, -1);
    if (connection == null || connection.welcome == null) {
      throw new AssertionError(label + " could not join " + roomId + " on port " + port + ": " + client.notes);
    }
    return client;
  }

  public String userId() {
    return userId;
  }

  public String label() {
    return label;
  }

  /** Starts writing in a thread of its own. */
  public void startWriting() {
    Thread thread = new Thread(this::writeUntilStopped, "load-" + label);
    thread.setDaemon(true);
    writer = thread;
    thread.start();
  }

  /** Lets the command in flight be answered, then stops writing; waits for that. */
  public void stopWriting() {
    stopping = true;
    Thread thread = writer;
    if (thread != null) {
      try {
        thread.join(ANSWER_WITHIN.plus(RECONNECT_WITHIN).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      if (thread.isAlive()) {
        failures.add("the writer did not stop");
      }
    }
  }

  /** Commands acknowledged: id → version. */
  public Map<String, Long> acked() {
    return Map.copyOf(acked);
  }

  /** The key each command {@code id} of this client sets. */
  public static String keyOf(String id) {
    return "k:" + id;
  }

  /** Ids sent more than once (after a timeout, an overload, a lost connection). */
  public Set<String> retried() {
    Set<String> ids = new LinkedHashSet<>();
    sends.forEach((id, count) -> {
      if (count > 1) {
        ids.add(id);
      }
    });
    return ids;
  }

  /**
   * The command sent and not answered when the connection was lost, which this client (one that
   * does not reconnect) did not send again.
   */
  public Optional<String> unanswered() {
    return Optional.ofNullable(unanswered);
  }

  /** What went wrong in the client's own thread: refusals, unexpected answers, no answers. */
  public List<String> failures() {
    return List.copyOf(failures);
  }

  /** Reconnects, rejects and retries, for the test's log. */
  public List<String> notes() {
    return List.copyOf(notes);
  }

  public List<Connection> connections() {
    return List.copyOf(connections);
  }

  public Connection connection() {
    return connections.get(connections.size() - 1);
  }

  /** The version of the first welcome. */
  public long firstVersion() {
    synchronized (lock) {
      return firstVersion;
    }
  }

  /** The highest event version received (the first welcome's version before any). */
  public long lastVersion() {
    synchronized (lock) {
      return lastVersion;
    }
  }

  /** Every frame received, in order, over all connections. */
  public List<Received> received() {
    synchronized (lock) {
      return List.copyOf(received);
    }
  }

  /** The {@code event} frames received, in order, over all connections. */
  public List<JsonNode> events() {
    return received().stream()
        .map(Received::frame)
        .filter(f -> "event".equals(f.path("type").asText()))
        .toList();
  }

  /** The versions of the {@code event} frames received, in order, over all connections. */
  public List<Long> eventVersions() {
    return events().stream().map(f -> f.path("version").asLong()).toList();
  }

  /**
   * When the first ack arrived of a command whose last sending was at or after {@code nanos}
   * ({@link System#nanoTime}).
   */
  public Optional<Long> firstAckOfACommandSentAfter(long nanos) {
    return ackedAt.entrySet().stream()
        .filter(e -> lastSentAt.getOrDefault(e.getKey(), Long.MIN_VALUE) >= nanos)
        .map(Map.Entry::getValue)
        .min(Long::compare);
  }

  /**
   * The longest time between two frames that carried progress ({@code ack} or {@code event}),
   * over all connections, from the first welcome on: what a user of this client waited at most.
   */
  public Duration longestPause() {
    long longest = 0;
    long previous = Long.MIN_VALUE;
    for (Received r : received()) {
      String type = r.frame().path("type").asText();
      if (type.equals("ack") || type.equals("event") || (type.equals("welcome") && previous == Long.MIN_VALUE)) {
        if (previous != Long.MIN_VALUE) {
          longest = Math.max(longest, r.atNanos() - previous);
        }
        previous = r.atNanos();
      }
    }
    return Duration.ofNanos(longest);
  }

  /**
   * The longest time from the first sending of a command to its ack, retries and reconnects
   * included: the longest a user of this client waited for one of its changes.
   */
  public Duration longestAckWait() {
    return Duration.ofNanos(
        ackedAt.entrySet().stream()
            .mapToLong(e -> e.getValue() - firstSentAt.get(e.getKey()))
            .max()
            .orElse(0));
  }

  /** Waits until an event of version {@code version} or later has arrived. */
  public void awaitVersion(long version, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    synchronized (lock) {
      while (lastVersion < version) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              label + " did not reach version " + version + " within " + within + "; it is at "
                  + lastVersion + "; connections " + connections + "; notes " + notes);
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
  }

  @Override
  public void close() {
    stopping = true;
    for (Connection connection : connections) {
      WebSocket socket = connection.socket;
      if (socket != null) {
        socket.abort();
      }
    }
  }

  @Override
  public String toString() {
    return label + " (" + userId + ")";
  }

  // ---- the writer ----

  private void writeUntilStopped() {
    long next = System.nanoTime();
    try {
      for (int seq = 0; !stopping; seq++) {
        String id = label + "-" + seq;
        if (!complete(id, seq)) {
          return;
        }
        next += options.pace().toNanos();
        long wait = next - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait); // the pace of the load, not a synchronisation
        } else {
          next = System.nanoTime();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable e) {
      failures.add("writer failed: " + e);
    }
  }

  /** Sends command {@code id} until it is acked; false when the connection is lost for good. */
  private boolean complete(String id, int seq) throws InterruptedException {
    ObjectNode frame =
        TestClient.json("type", "set", "id", id, "key", keyOf(id), "value", Map.of("seq", seq));
    while (true) {
      Connection connection = connection();
      if (connection.closed.isDone()) {
        if (!options.reconnect()) {
          if (sends.containsKey(id)) {
            unanswered = id;
          }
          return false;
        }
        connection = reconnect(connection);
        if (connection == null) {
          unanswered = id;
          return false;
        }
      }
      long versionAtSend;
      synchronized (lock) {
        answers.remove(id);
        versionAtSend = lastVersion;
      }
      long now = System.nanoTime();
      lastSentAt.put(id, now);
      firstSentAt.putIfAbsent(id, now);
      int count = sends.merge(id, 1, Integer::sum);
      if (count > 1) {
        notes.add("sends " + id + " again (attempt " + count + ") on " + connection);
      }
      if (!send(connection, frame)) {
        continue; // closed meanwhile: reconnect or give up above
      }
      JsonNode answer = awaitAnswer(id, connection);
      if (answer == null) {
        continue; // the connection closed before the answer
      }
      switch (answer.path("type").asText() + "/" + answer.path("code").asText()) {
        case "ack/" -> {
          if (count > 1) {
            long version = answer.path("version").asLong();
            notes.add(
                "acked " + id + " at version " + version + " on attempt " + count
                    + " (sent again when it had applied version " + versionAtSend + ")");
          }
          acked.put(id, answer.path("version").asLong());
          ackedAt.put(id, System.nanoTime());
          return true;
        }
        case "reject/timeout", "reject/overloaded", "reject/rate_limited" -> {
          Long applied;
          synchronized (lock) {
            applied = ownEvents.get(id);
          }
          notes.add(
              "rejected "
                  + answer
                  + (applied == null
                      ? " (no event of it received)"
                      : " (its event, version " + applied + ", had arrived)"));
          long retryAfter = Math.max(50, answer.path("retryAfterMs").asLong(0));
          TimeUnit.MILLISECONDS.sleep(retryAfter); // the retry hint, as a client waits it
        }
        default -> {
          failures.add("unexpected answer to " + id + ": " + answer);
          return false;
        }
      }
    }
  }

  private JsonNode awaitAnswer(String id, Connection connection) throws InterruptedException {
    long deadline = System.nanoTime() + ANSWER_WITHIN.toNanos();
    synchronized (lock) {
      while (true) {
        JsonNode answer = answers.remove(id);
        if (answer != null) {
          return answer;
        }
        if (connection.closed.isDone()) {
          notes.add(id + " unanswered when " + connection + " closed");
          return null;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          failures.add("no answer to " + id + " within " + ANSWER_WITHIN + " on " + connection);
          throw new AssertionError("no answer to " + id);
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
    }
  }

  private boolean send(Connection connection, JsonNode frame) {
    try {
      connection.socket.sendText(frame.toString(), true).get(5, TimeUnit.SECONDS);
      return true;
    } catch (Exception e) {
      notes.add("send on " + connection + " failed: " + e);
      connection.closed.complete(-1);
      return false;
    }
  }

  /**
   * After the {@code reconnect} frame's {@code retryAfterMs}, connects to another node with {@code
   * resume} from the last version applied, until one welcomes the client.
   */
  private Connection reconnect(Connection old) throws InterruptedException {
    JsonNode hint = old.reconnect;
    if (hint != null) {
      TimeUnit.MILLISECONDS.sleep(hint.path("retryAfterMs").asLong(0)); // as the protocol asks
    }
    long deadline = System.nanoTime() + RECONNECT_WITHIN.toNanos();
    for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
      List<Integer> ports =
          options.reconnectPorts().get().stream().filter(p -> p != old.port).toList();
      if (!ports.isEmpty()) {
        int port = ports.get(Math.floorMod(label.hashCode() + attempt, ports.size()));
        long from;
        synchronized (lock) {
          from = lastVersion;
        }
        Connection connection = open(port, from);
        if (connection != null && connection.welcome != null) {
          notes.add("reconnected to port " + port + " resuming from " + from);
          return connection;
        }
      }
      TimeUnit.MILLISECONDS.sleep(200); // backoff before the next attempt
    }
    failures.add("could not reconnect within " + RECONNECT_WITHIN + ": " + notes);
    return null;
  }

  /**
   * Opens a connection and says hello ({@code resume} from {@code from} unless negative); the
   * connection (current from now on) once welcomed, or null if it was refused or failed.
   */
  private Connection open(int port, long from) {
    Connection connection = new Connection(connections.size(), port);
    try {
      connection.socket =
          HTTP.newWebSocketBuilder()
              .connectTimeout(Duration.ofSeconds(3))
              .buildAsync(
                  URI.create("ws://127.0.0.1:" + port + "/v1/rooms/" + roomId + "/ws"),
                  new Listener(connection))
              .get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      notes.add("connect to port " + port + " failed: " + e);
      return null;
    }
    connections.add(connection);
    ObjectNode hello = TestClient.json("type", "hello", "userId", userId, "name", name);
    if (from >= 0) {
      hello.set("resume", TestClient.json("version", from));
    }
    if (!send(connection, hello)) {
      return null;
    }
    long deadline = System.nanoTime() + ANSWER_WITHIN.toNanos();
    synchronized (lock) {
      while (connection.welcome == null
          && connection.refusal == null
          && !connection.closed.isDone()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return null;
        }
      }
      JsonNode welcome = connection.welcome;
      if (welcome == null) {
        notes.add("no welcome on " + connection + ": " + connection.refusal);
        connection.socket.abort();
        connection.closed.complete(-1);
        return null;
      }
      if (from < 0) {
        firstVersion = welcome.path("version").asLong();
        lastVersion = firstVersion;
      } else if (!welcome.path("resumed").asBoolean() || welcome.path("version").asLong() != from) {
        failures.add("resuming from " + from + " got " + welcome);
      }
      return connection;
    }
  }

  private void record(Connection connection, JsonNode frame) {
    synchronized (lock) {
      received.add(new Received(System.nanoTime(), connection.index, frame));
      connection.last = frame;
      switch (frame.path("type").asText()) {
        case "welcome" -> connection.welcome = frame;
        case "event" -> {
          lastVersion = Math.max(lastVersion, frame.path("version").asLong());
          if (userId.equals(frame.path("userId").asText()) && frame.has("id")) {
            ownEvents.put(frame.path("id").asText(), frame.path("version").asLong());
          }
        }
        case "ack", "reject" -> answers.put(frame.path("id").asText(), frame);
        case "reconnect" -> connection.reconnect = frame;
        case "error" -> {
          if (connection.welcome == null) {
            connection.refusal = frame;
          } else {
            notes.add("error on " + connection + ": " + frame);
          }
        }
        default -> {}
      }
      lock.notifyAll();
    }
  }

  private void closed(Connection connection, int status) {
    connection.closed.complete(status);
    synchronized (lock) {
      lock.notifyAll();
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final Connection connection;
    private final StringBuilder partial = new StringBuilder();

    Listener(Connection connection) {
      this.connection = connection;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        JsonNode frame;
        try {
          frame = TestClient.JSON.readTree(partial.toString());
        } catch (Exception e) {
          frame = TestClient.json("type", "unparseable", "text", partial.toString());
        }
        partial.setLength(0);
        record(connection, frame);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed(connection, statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed(connection, -1);
    }
  }
}
