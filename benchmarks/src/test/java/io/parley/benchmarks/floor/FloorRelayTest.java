package io.parley.benchmarks.floor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The floor relay speaks the part of protocol v1 the benchmark clients use, with real WebSocket
 * clients sending what they send and reading the fields they read. Absence is checked without
 * waiting: a client's frames come in order, so when its {@code pong} is the next frame, nothing
 * was queued for it before.
 */
class FloorRelayTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static FloorRelay relay;
  private static HttpClient http;

  @BeforeAll
  static void start() throws Exception {
    relay = FloorRelay.start("127.0.0.1", 0);
    http = HttpClient.newHttpClient();
  }

  @AfterAll
  static void stop() throws Exception {
    relay.close();
  }

  @Test
  void helloIsAnsweredWithAWelcomeTheClientsAccept() throws Exception {
    Client ann = Client.open("welcome-room");
    ann.send("{\"type\":\"hello\",\"userId\":\"ann\",\"name\":\"ann\"}");

    JsonNode welcome = ann.next();
    assertThat(welcome.path("type").asText()).isEqualTo("welcome");
    assertThat(welcome.path("roomId").asText()).isEqualTo("welcome-room");
    assertThat(welcome.path("userId").asText()).isEqualTo("ann");
    assertThat(welcome.path("version").isNumber()).isTrue();
    // W3's clients ping at this interval, as they do against a node
    assertThat(welcome.path("heartbeat").path("intervalMs").asLong()).isEqualTo(15_000);
    ann.close();
  }

  @Test
  void aCursorReachesTheOtherSocketsOfTheRoomOnlyAndACommandIsAckedAndRelayed() throws Exception {
    Client ann = Client.joined("room-a", "ann");
    Client bob = Client.joined("room-a", "bob");
    Client eve = Client.joined("room-b", "eve");

    // what the load generator sends: its send time as x, a sequence number as y
    ann.send("{\"type\":\"cursor\",\"x\":1234.567,\"y\":7}");
    JsonNode cursors = bob.next();
    assertThat(cursors.path("type").asText()).isEqualTo("cursors");
    assertThat(cursors.path("cursors")).hasSize(1);
    JsonNode entry = cursors.path("cursors").get(0);
    assertThat(entry.path("userId").asText()).isEqualTo("ann");
    assertThat(entry.path("x").isNumber()).isTrue();
    assertThat(entry.path("x").asDouble()).isEqualTo(1234.567);
    assertThat(entry.path("y").asLong()).isEqualTo(7);
    assertThat(ann.pingPong("p1"))
        .as("the sender's next frame is its pong, not its own cursor")
        .isTrue();

    ann.send("{\"type\":\"set\",\"id\":\"c1\",\"key\":\"k0\",\"value\":{\"t\":99.5,\"s\":1}}");
    for (Client member : new Client[] {ann, bob}) {
      JsonNode event = member.next();
      assertThat(event.path("type").asText()).isEqualTo("event");
      assertThat(event.path("kind").asText()).isEqualTo("state.changed");
      assertThat(event.path("ops").get(0).path("value").path("t").asDouble()).isEqualTo(99.5);
    }
    JsonNode ack = ann.next();
    assertThat(ack.path("type").asText()).isEqualTo("ack");
    assertThat(ack.path("id").asText()).isEqualTo("c1");
    assertThat(ack.path("version").asLong()).isEqualTo(1);

    // the cursor and the event were queued before ann got its pong and its ack
    assertThat(eve.pingPong("p2")).as("a socket of another room gets nothing").isTrue();
    assertThat(bob.pingPong("p3")).as("bob got exactly one cursor and one event").isTrue();
    for (Client client : new Client[] {ann, bob, eve}) {
      client.close();
    }
    awaitNoRooms();
  }

  @Test
  void aPingWithoutIdIsAnsweredAndLeaveClosesNormally() throws Exception {
    Client ann = Client.joined("leave-room", "ann");
    ann.send("{\"type\":\"ping\"}");
    JsonNode pong = ann.next();
    assertThat(pong.path("type").asText()).isEqualTo("pong");
    assertThat(pong.has("id")).isFalse();

    ann.send("{\"type\":\"leave\"}");
    assertThat(ann.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
    awaitNoRooms();
  }

  /** Rooms go with their last socket: a long run does not keep every room it ever saw. */
  private static void awaitNoRooms() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (relay.rooms() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(relay.rooms()).as("rooms left after every socket closed").isZero();
  }

  /** A WebSocket client that collects the server's frames in order. */
  private static final class Client implements WebSocket.Listener {

    private final LinkedBlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    static Client open(String room) throws Exception {
      Client client = new Client();
      client.socket =
          http.newWebSocketBuilder()
              .buildAsync(
                  URI.create("ws://127.0.0.1:" + relay.port() + "/v1/rooms/" + room + "/ws"),
                  client)
              .get(10, TimeUnit.SECONDS);
      return client;
    }

    static Client joined(String room, String user) throws Exception {
      Client client = open(room);
      client.send("{\"type\":\"hello\",\"userId\":\"" + user + "\",\"name\":\"" + user + "\"}");
      assertThat(client.next().path("type").asText()).isEqualTo("welcome");
      return client;
    }

    void send(String text) throws Exception {
      socket.sendText(text, true).get(10, TimeUnit.SECONDS);
    }

    JsonNode next() throws InterruptedException {
      JsonNode frame = received.poll(10, TimeUnit.SECONDS);
      assertThat(frame).as("a frame within 10 s").isNotNull();
      return frame;
    }

    /** Whether the answer to a ping is the next frame this client gets. */
    boolean pingPong(String id) throws Exception {
      send("{\"type\":\"ping\",\"id\":\"" + id + "\"}");
      JsonNode next = next();
      return next.path("type").asText().equals("pong") && next.path("id").asText().equals(id);
    }

    void close() throws Exception {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
      closed.get(10, TimeUnit.SECONDS);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        try {
          received.add(JSON.readTree(partial.toString()));
        } catch (Exception e) {
          closed.completeExceptionally(e);
        }
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.completeExceptionally(error);
    }
  }
}
