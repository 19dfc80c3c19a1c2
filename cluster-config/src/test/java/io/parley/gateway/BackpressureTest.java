package io.parley.gateway;

import static io.parley.testing.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.ParleyNode;
import io.parley.testing.RoomReads;
import io.parley.testing.SilentWebSocket;
import io.parley.testing.SlowConsumers;
import io.parley.testing.TestClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One slow or busy client never hurts the others; ephemeral traffic is coalesced. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackpressureTest {

  /**
   * How long the paused client reads nothing: longer than the server's own timers on a closing
   * connection (its actor gives up after 5 s), shorter than the drain timeout below.
   */
  private static final Duration PAUSE = Duration.ofSeconds(6);

  @RegisterExtension
  final ParleyNode server = new ParleyNode(SlowConsumers.settings(Duration.ofSeconds(20), Map.of()));

  @Test
  void aClientThatPausesReadingGetsItsEventsThenSlowConsumerThenTheCloseAndResumesLosslessly() {
    SlowConsumers.pauseReadingThenResume(server.port(), "paused", "paused", PAUSE);
  }

  @Test
  void aClientThatNeverReadsIsClosedWhileOthersGoOnAndItThenResumesLosslessly() {
    String room = "slow";
    String big = "x".repeat(4000);

    try (TestClient writer = TestClient.join(server.port(), room, "writer", "Writer");
        SilentWebSocket silent =
            SilentWebSocket.openAndSend(
                server.port(), room, json("type", "hello", "userId", "slow", "name", "Slow").toString())) {
      JsonNode joined = writer.expectEvent("member.joined");
      long slowJoinedAt = joined.path("version").asLong();

      int written = 0;
      boolean slowClosed = false;
      while (!slowClosed && written < 5000) {
        String id = "w" + written++;
        writer.send(json("type", "set", "id", id, "key", "k" + (written % 50), "value", big));
        assertThat(writer.expectAnswer(id).path("type").asText()).isEqualTo("ack");
        slowClosed = writer.received().stream().anyMatch(TestClient.event("member.away"));
      }
      assertThat(slowClosed).as("the slow connection was closed after " + written + " changes").isTrue();
      JsonNode away = writer.expectEvent("member.away");
      assertThat(away.path("userId").asText()).isEqualTo("slow");

      writer.send(json("type", "set", "id", "after", "key", "after", "value", 1));
      long current = writer.expectAnswer("after").path("version").asLong();

      try (TestClient resumed = TestClient.connect(server.port(), room)) {
        resumed.send(
            json("type", "hello", "userId", "slow", "name", "Slow", "resume",
                Map.of("version", slowJoinedAt)));
        JsonNode welcome = resumed.expect("welcome");
        assertThat(welcome.path("resumed").asBoolean()).isTrue();
        JsonNode last =
            resumed.expect(
                f -> "event".equals(f.path("type").asText()) && f.path("version").asLong() >= current,
                "version " + current);
        assertThat(last.path("version").asLong()).isEqualTo(current);
        List<Long> versions =
            resumed.received().stream()
                .filter(f -> "event".equals(f.path("type").asText()))
                .map(f -> f.path("version").asLong())
                .toList();
        assertThat(versions.get(0)).isEqualTo(slowJoinedAt + 1);
        for (int i = 1; i < versions.size(); i++) {
          assertThat(versions.get(i)).isEqualTo(versions.get(i - 1) + 1);
        }
      }
    }
  }

  @Test
  void cursorsAreCoalescedAndTheLatestPositionWins() {
    String room = "cursors";
    try (TestClient watcher = TestClient.join(server.port(), room, "watcher", "Watcher");
        TestClient mover = TestClient.join(server.port(), room, "mover", "Mover")) {
      int moves = 200;
      for (int i = 1; i <= moves; i++) {
        mover.send(json("type", "cursor", "x", i, "y", -i));
      }
      JsonNode last =
          watcher.expect(
              f -> "cursors".equals(f.path("type").asText())
                  && f.path("cursors").get(0).path("x").asInt() == moves,
              "the last cursor position");
      assertThat(last.path("cursors")).hasSize(1);
      assertThat(last.at("/cursors/0/y").asInt()).isEqualTo(-moves);
      long frames =
          watcher.received().stream().filter(f -> "cursors".equals(f.path("type").asText())).count();
      assertThat(frames).as("cursor frames for " + moves + " moves").isLessThan(moves / 2);
      assertThat(RoomReads.presence(server.port(), room).path("members")).hasSize(2);
    }
  }
}
