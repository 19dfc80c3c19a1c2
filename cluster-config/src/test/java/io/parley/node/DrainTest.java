package io.parley.node;

import static io.parley.testing.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.KeepAliveHttp;
import io.parley.testing.Management;
import io.parley.testing.RawWebSocket;
import io.parley.testing.ServerProcess;
import io.parley.testing.SlowConsumers;
import io.parley.testing.SseClient;
import io.parley.testing.TestClient;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a draining node (SIGTERM) promises while its drain lasts (docs/PROTOCOL.md, "reconnect";
 * docs/CONFIGURATION.md, "Shutdown"): new WebSocket and SSE requests are refused with 503 {@code
 * node_shutting_down} while the clients already connected get the {@code reconnect} frame; and a
 * client that never answers the reconnect frame does not hold the node past the drain timeout.
 *
 * <p>The drain is held open by a client that stopped reading: its receive window and the node's
 * send buffer are small and the room wrote far more to it than both hold, so the frames queued
 * for it, the {@code reconnect} frame last, cannot reach it and its socket never closes.
 */
class DrainTest {

  private static final String ROOM = "drain";

  /** Big changes, far more than the stuck client's receive window and the node's send buffer. */
  private static final int FILLING_CHANGES = 250;

  private static final String BIG = "x".repeat(4000);

  /** What the node may take beyond the drain timeout: the 1 s after it, hand-off, leaving. */
  private static final Duration MARGIN = Duration.ofSeconds(10);

  /**
   * The phase that holds the drain, raised far above drain timeout + margin: a node held by its
   * stuck client until this phase's timeout would fail the exit-time assertion.
   */
  private static final String REQUESTS_DONE_TIMEOUT = "60s";

  @TempDir Path work;

  @Test
  void aDrainingNodeRefusesNewStreamsWith503WhileItsClientsGetTheReconnectFrame()
      throws IOException {
    Duration drainTimeout = Duration.ofSeconds(15);
    try (ServerProcess node = start(drainTimeout);
        TestClient ann = TestClient.join(node.port(), ROOM, "ann", "Ann");
        SseClient sse = SseClient.open(node.port(), ROOM, Optional.empty());
        RawWebSocket stuck = RawWebSocket.open(node.port(), ROOM, SlowConsumers.SOCKET_BUFFER);
        KeepAliveHttp forWebSocket = KeepAliveHttp.open(node.port());
        KeepAliveHttp forEvents = KeepAliveHttp.open(node.port())) {
      assertThat(sse.nextEvent().type()).isEqualTo("snapshot");
      SlowConsumers.join(stuck, "stuck");
      fill(ann);
      // connections opened (and used) while the node accepted them
      for (KeepAliveHttp connection : List.of(forWebSocket, forEvents)) {
        assertThat(connection.get("/v1/rooms/" + ROOM + "/presence", Map.of()).status())
            .isEqualTo(200);
      }

      node.terminate();
      Awaitility.await()
          .atMost(TestClient.WAIT)
          .until(() -> Management.status(node.managementPort(), "/ready") == 503);
      // the drain has started: the connected clients are told to go
      JsonNode reconnect = ann.expect("reconnect");
      assertThat(reconnect.path("reason").asText()).isEqualTo("node_shutting_down");
      assertThat(ann.awaitClosed()).as("node_shutting_down").isEqualTo(4003);
      List<JsonNode> received = ann.received();
      assertThat(received.get(received.size() - 1)).as("the last frame").isEqualTo(reconnect);
      sse.awaitNormalEnd();

      // while the stuck client holds the drain open: the listener is closed ...
      assertThatThrownBy(() -> connect(node.port())).isInstanceOf(ConnectException.class);
      // ... and a new stream on a connection opened before is refused, 503 node_shutting_down
      assertRefused(
          forWebSocket.get("/v1/rooms/" + ROOM + "/ws", KeepAliveHttp.WEBSOCKET_UPGRADE));
      assertRefused(forEvents.get("/v1/rooms/" + ROOM + "/events", KeepAliveHttp.EVENT_STREAM));
      assertThat(ProcessHandle.of(node.pid()).map(ProcessHandle::isAlive))
          .as("the node still drains")
          .contains(true);

      assertThat(node.awaitExit(drainTimeout.plus(MARGIN))).as(node.log()).isZero();
      assertThat(node.log())
          .as("the stuck client held the drain until its timeout")
          .contains(
              "1 WebSocket clients did not close within " + drainTimeout.toMillis() + " ms");
    }
  }

  @Test
  void aClientThatNeverAnswersTheReconnectFrameDoesNotHoldTheNode() throws IOException {
    Duration drainTimeout = Duration.ofSeconds(2);
    try (ServerProcess node = start(drainTimeout);
        TestClient ann = TestClient.join(node.port(), ROOM, "ann", "Ann");
        TestClient bob = TestClient.join(node.port(), ROOM, "bob", "Bob");
        RawWebSocket stuck = RawWebSocket.open(node.port(), ROOM, SlowConsumers.SOCKET_BUFFER)) {
      SlowConsumers.join(stuck, "stuck");
      long last = fill(ann);
      bob.expect(frame -> frame.path("version").asLong() == last, "version " + last);

      long sigterm = System.nanoTime();
      node.terminate();
      for (TestClient client : List.of(ann, bob)) {
        JsonNode reconnect = client.expect("reconnect");
        assertThat(reconnect.path("reason").asText()).isEqualTo("node_shutting_down");
        assertThat(client.awaitClosed()).as("a clean close: node_shutting_down").isEqualTo(4003);
        List<JsonNode> received = client.received();
        assertThat(received.get(received.size() - 1)).as("the last frame").isEqualTo(reconnect);
      }
      int exit = node.awaitExit(Duration.ofSeconds(90));
      Duration took = Duration.ofNanos(System.nanoTime() - sigterm);

      String log = node.log();
      assertThat(exit).as(log).isZero();
      assertThat(took)
          .as("SIGTERM to exit, with a client that never answers (%s)", log)
          .isLessThan(drainTimeout.plus(MARGIN));
      assertThat(log)
          .contains(
              "1 WebSocket clients did not close within "
                  + drainTimeout.toMillis()
                  + " ms; cutting them off")
          .doesNotContain(" ERROR ");
    }
  }

  /**
   * A node whose drain waits at most {@code drainTimeout} for its clients; its phase would let
   * it wait far longer, and a stuck client's queued frames are never dropped meanwhile.
   */
  private ServerProcess start(Duration drainTimeout) throws IOException {
    Map<String, String> settings = new HashMap<>();
    settings.put("parley.gateway.drain.timeout", drainTimeout.toMillis() + "ms");
    settings.put("pekko.coordinated-shutdown.phases.service-requests-done.timeout", REQUESTS_DONE_TIMEOUT);
    settings.put("parley.gateway.close-drain-timeout", REQUESTS_DONE_TIMEOUT);
    settings.put("parley.gateway.drain.reconnect-spread", "200ms");
    settings.put(
        "pekko.http.server.socket-options.so-send-buffer-size",
        Integer.toString(SlowConsumers.SOCKET_BUFFER));
    settings.put("parley.limits.rates.commands.burst", "1000000");
    return ServerProcess.start(Files.createDirectories(work.resolve("data")), Map.of(), settings);
  }

  /** Writes big changes the stuck client cannot take in; returns the last version. */
  private static long fill(TestClient writer) {
    long version = 0;
    for (int i = 0; i < FILLING_CHANGES; i++) {
      String id = "big" + i;
      writer.send(json("type", "set", "id", id, "key", "k" + (i % 50), "value", BIG));
      JsonNode answer = writer.expectAnswer(id);
      assertThat(answer.path("type").asText()).as(answer.toString()).isEqualTo("ack");
      version = answer.path("version").asLong();
    }
    return version;
  }

  private static void connect(int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    }
  }

  private static void assertRefused(KeepAliveHttp.Response response) {
    assertThat(response.status()).as(response.statusLine() + " " + response.body()).isEqualTo(503);
    try {
      JsonNode body = TestClient.JSON.readTree(response.body());
      assertThat(body.path("code").asText()).as(response.body()).isEqualTo("node_shutting_down");
    } catch (JsonProcessingException e) {
      throw new AssertionError("not JSON: " + response.body(), e);
    }
  }
}
