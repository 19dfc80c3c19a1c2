package io.parley.testing;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real WebSocket client (the JDK's own) that records every frame it receives, so tests can wait
 * for the frame they expect and check what else arrived.
 */
public final class TestClient implements AutoCloseable {

  public static final Duration WAIT = Duration.ofSeconds(10);
  public static final ObjectMapper JSON = new ObjectMapper();

  private final WebSocket socket;
  private final List<JsonNode> untaken = new ArrayList<>();
  private final List<JsonNode> received = new ArrayList<>();
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();

  private TestClient(URI uri) {
    this(uri, Map.of(), List.of());
  }

  private TestClient(URI uri, Map<String, String> headers, List<String> subprotocols) {
    WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(WAIT);
    headers.forEach(builder::header);
    if (!subprotocols.isEmpty()) {
      builder.subprotocols(
          subprotocols.get(0), subprotocols.subList(1, subprotocols.size()).toArray(String[]::new));
    }
    this.socket = builder.buildAsync(uri, new Listener()).join();
  }

  /**
   * Connects to {@code uri} with extra request {@code headers} (an {@code Authorization}, an
   * {@code Origin}) and {@code subprotocols} offered.
   */
  public static TestClient open(URI uri, Map<String, String> headers, List<String> subprotocols) {
    return new TestClient(uri, headers, subprotocols);
  }

  /** The subprotocol the server selected, empty if none. */
  public String subprotocol() {
    return socket.getSubprotocol();
  }

  public static TestClient connect(int port, String roomId) {
    return new TestClient(URI.create("ws://127.0.0.1:" + port + "/v1/rooms/" + roomId + "/ws"));
  }

  /** Connects and says hello; returns once the welcome arrived. */
  public static TestClient join(int port, String roomId, String userId, String name) {
    TestClient client = connect(port, roomId);
    client.send(json("type", "hello", "userId", userId, "name", name));
    client.expect("welcome");
    return client;
  }

  public static ObjectNode json(Object... keysAndValues) {
    ObjectNode node = JSON.createObjectNode();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      node.set((String) keysAndValues[i], JSON.valueToTree(keysAndValues[i + 1]));
    }
    return node;
  }

  public void send(JsonNode frame) {
    sendText(frame.toString());
  }

  public void sendText(String text) {
    socket.sendText(text, true).join();
  }

  /**
   * Sends one fragment of a text message: {@code last} false starts or continues a streamed
   * (fragmented) frame, true ends it.
   */
  public void sendPartialText(String text, boolean last) {
    socket.sendText(text, last).join();
  }

  public void sendBinary(byte[] data) {
    socket.sendBinary(ByteBuffer.wrap(data), true).join();
  }

  /** Whether the server has closed the connection (or it broke). */
  public boolean isClosed() {
    return closed.isDone();
  }

  /** Waits for the next frame of {@code type}, skipping others (they stay in {@link #received}). */
  public JsonNode expect(String type) {
    return expect(frame -> type.equals(frame.path("type").asText()), "a " + type + " frame");
  }

  public JsonNode expectEvent(String kind) {
    return expect(event(kind), "an event " + kind);
  }

  /** The ack or reject answering command {@code id}. */
  public JsonNode expectAnswer(String id) {
    return expect(
        frame ->
            id.equals(frame.path("id").asText())
                && ("ack".equals(frame.path("type").asText())
                    || "reject".equals(frame.path("type").asText())),
        "the answer to " + id);
  }

  /**
   * Waits for the first frame not yet taken by an earlier expect that matches; frames skipped
   * over stay available to later expects.
   */
  public synchronized JsonNode expect(Predicate<JsonNode> match, String description) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    try {
      while (true) {
        for (Iterator<JsonNode> it = untaken.iterator(); it.hasNext(); ) {
          JsonNode frame = it.next();
          if (match.test(frame)) {
            it.remove();
            return frame;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          fail("no " + description + " within " + WAIT + "; received " + received);
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Asserts that no frame matching arrives during {@code period}: the one kind of check that
   * has to let time pass.
   */
  public synchronized void expectNone(Predicate<JsonNode> match, Duration period) {
    long deadline = System.nanoTime() + period.toNanos();
    try {
      while (true) {
        for (JsonNode frame : untaken) {
          if (match.test(frame)) {
            fail("unexpected " + frame + "; received " + received);
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public static Predicate<JsonNode> event(String kind) {
    return frame -> "event".equals(frame.path("type").asText()) && kind.equals(frame.path("kind").asText());
  }

  /** Drops the TCP connection without a WebSocket close frame, as a crashed client would. */
  public void abort() {
    socket.abort();
  }

  /**
   * The ack or reject of command {@code id}, or empty once the connection is closed without
   * one (the server died, say).
   */
  public synchronized Optional<JsonNode> answerOrClose(String id) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    try {
      while (true) {
        for (Iterator<JsonNode> it = untaken.iterator(); it.hasNext(); ) {
          JsonNode frame = it.next();
          String type = frame.path("type").asText();
          if (id.equals(frame.path("id").asText()) && (type.equals("ack") || type.equals("reject"))) {
            it.remove();
            return Optional.of(frame);
          }
        }
        if (closed.isDone()) {
          return Optional.empty();
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          fail("no answer to " + id + " and no close within " + WAIT);
        }
        TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Every frame received so far, in order. */
  public synchronized List<JsonNode> received() {
    return List.copyOf(received);
  }

  /** Waits until the server closes the connection and returns the close status code. */
  public int awaitClosed() {
    Integer code = closed.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    assertNotNull(code);
    return code;
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
    }
    socket.abort();
  }

  private synchronized void wakeUp() {
    notifyAll();
  }

  private synchronized void record(JsonNode frame) {
    received.add(frame);
    untaken.add(frame);
    notifyAll();
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          JsonNode frame = JSON.readTree(partial.toString());
          record(frame);
        } catch (Exception e) {
          record(json("type", "unparseable", "text", partial.toString()));
        }
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(statusCode);
      wakeUp();
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete(-1);
      wakeUp();
    }
  }
}
