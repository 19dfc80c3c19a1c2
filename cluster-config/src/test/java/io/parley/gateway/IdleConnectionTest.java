package io.parley.gateway;

import static io.parley.testing.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.RoomReads;
import io.parley.testing.SilentWebSocket;
import io.parley.testing.TestClient;
import io.parley.testing.ParleyNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Connections whose clients stop talking are closed after the idle timeout. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdleConnectionTest {

  @RegisterExtension
  final ParleyNode server =
      new ParleyNode(
          Map.of(
              "parley.gateway.idle-timeout", "1s",
              "parley.presence.grace-period", "300ms"));

  @Test
  void aClientThatNeitherReadsNorWritesLosesItsSession() {
    try (SilentWebSocket hung =
        SilentWebSocket.openAndSend(
            server.port(),
            "idle-1",
            json("type", "hello", "userId", "hung", "name", "Hung").toString())) {
      RoomReads.awaitPresence(server.port(), "idle-1", p -> p.path("members").size() == 1);

      JsonNode gone =
          RoomReads.awaitPresence(server.port(), "idle-1", p -> p.path("members").isEmpty());
      assertThat(gone.path("version").asLong()).isEqualTo(3);
    }
  }

  @Test
  void aSilentClientIsToldWhyAndClosed() {
    try (TestClient quiet = TestClient.join(server.port(), "idle-2", "quiet", "Quiet")) {
      JsonNode heartbeat = quiet.received().get(0).path("heartbeat");
      assertThat(heartbeat.path("idleTimeoutMs").asLong()).isEqualTo(1000);
      assertThat(quiet.expect("error").path("code").asText()).isEqualTo("idle_timeout");
      assertThat(quiet.awaitClosed()).as("idle_timeout").isEqualTo(4002);
    }
  }

  @Test
  void pingsKeepAConnectionOpen() {
    try (TestClient talker = TestClient.join(server.port(), "idle-3", "talker", "Talker")) {
      for (int i = 0; i < 6; i++) {
        talker.send(json("type", "ping", "id", "p" + i));
        String id = "p" + i;
        talker.expect(f -> id.equals(f.path("id").asText()), "pong " + id);
        talker.expectNone(f -> "error".equals(f.path("type").asText()), Duration.ofMillis(400));
      }
      assertThat(RoomReads.presence(server.port(), "idle-3").path("members")).hasSize(1);
    }
  }
}
