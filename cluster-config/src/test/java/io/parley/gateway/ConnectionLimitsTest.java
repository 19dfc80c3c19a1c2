package io.parley.gateway;

import static io.parley.testing.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.node.ParleyServer;
import io.parley.testing.TestClient;
import io.parley.testing.ParleyNode;
import io.parley.testing.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Connection limits per address and per user, and the close of abusive connections. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectionLimitsTest {

  @RegisterExtension
  final ParleyNode server =
      new ParleyNode(
          Map.of(
              "parley.limits.connections.new-per-address", 1000,
              "parley.limits.connections.per-user", 2,
              "parley.limits.invalid-frames.max", 3));

  @Test
  void anAddressBeyondItsConnectionsIsRefusedBeforeTheUpgrade(@TempDir Path dataDir) {
    ParleyServer server =
        TestServers.start(dataDir, Map.of("parley.limits.connections.per-address", 4));

    List<TestClient> open = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        open.add(TestClient.join(server.port(), "limits-a", "user" + i, "U"));
      }
      CompletionException refused =
          org.junit.jupiter.api.Assertions.assertThrows(
              CompletionException.class,
              () ->
                  HttpClient.newHttpClient()
                      .newWebSocketBuilder()
                      .buildAsync(
                          URI.create("ws://127.0.0.1:" + server.port() + "/v1/rooms/limits-a/ws"),
                          new WebSocket.Listener() {})
                      .join());
      assertThat(refused.getCause()).isInstanceOf(WebSocketHandshakeException.class);
      assertThat(((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode())
          .isEqualTo(429);

      open.remove(0).close();
      TestClient again =
          org.awaitility.Awaitility.await()
              .ignoreExceptions()
              .until(() -> TestClient.join(server.port(), "limits-a", "late", "Late"), c -> true);
      open.add(again);
    } finally {
      open.forEach(TestClient::close);
      server.stop().toCompletableFuture().join();
    }
  }

  @Test
  void aUserBeyondItsConnectionsIsRefusedAtHello() {
    try (TestClient one = TestClient.join(server.port(), "limits-b", "ann", "Ann");
        TestClient two = TestClient.join(server.port(), "limits-b", "ann", "Ann");
        TestClient three = TestClient.connect(server.port(), "limits-b")) {
      three.send(json("type", "hello", "userId", "ann", "name", "Ann"));
      JsonNode error = three.expect("error");
      assertThat(error.path("code").asText()).isEqualTo("join_refused");
      assertThat(error.path("message").asText()).contains("too_many_connections");
      assertThat(three.awaitClosed()).as("join_refused").isEqualTo(4007);
    }
  }

  @Test
  void aClientThatKeepsSendingInvalidFramesIsClosed() {
    try (TestClient noisy = TestClient.join(server.port(), "limits-c", "noisy", "Noisy")) {
      for (int i = 0; i < 4; i++) {
        noisy.sendText("not json " + i);
      }
      JsonNode closing =
          noisy.expect(f -> "policy_violation".equals(f.path("code").asText()), "policy_violation");
      assertThat(closing.path("type").asText()).isEqualTo("error");
      assertThat(noisy.awaitClosed()).as("policy_violation").isEqualTo(4001);
    }
  }
}
