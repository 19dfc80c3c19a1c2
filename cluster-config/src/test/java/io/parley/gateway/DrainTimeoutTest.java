package io.parley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.testing.ParleyNode;
import io.parley.testing.RawWebSocket;
import io.parley.testing.SlowConsumers;
import io.parley.testing.TestClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A closing connection's client has the drain timeout to read what is queued for it, and the
 * HTTP idle timeout before its connection is torn down: what it sees when it reads too late.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DrainTimeoutTest {

  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(10);

  @RegisterExtension
  final ParleyNode server =
      new ParleyNode(
          SlowConsumers.settings(
              DRAIN_TIMEOUT, Map.of("pekko.http.server.idle-timeout", IDLE_TIMEOUT.toMillis() + "ms")));

  @Test
  void aClientThatReadsAgainAfterTheDrainTimeoutGetsWhatWasInFlightThenTheErrorThenTheClose() {
    // Past the drain timeout, well within the idle timeout (counted from before the overflow).
    SlowConsumers.pauseReadingThenResume(server.port(), "drained", "late", DRAIN_TIMEOUT.multipliedBy(2));
  }

  @Test
  void aClientThatDoesNotReadAgainIsCutOffAfterTheIdleTimeoutWithoutAClose() {
    String room = "cut-off";
    try (TestClient writer = TestClient.join(server.port(), room, "writer", "Writer");
        RawWebSocket gone = RawWebSocket.open(server.port(), room, SlowConsumers.SOCKET_BUFFER)) {
      SlowConsumers.join(gone, "gone");
      SlowConsumers.overflow(writer, "gone");

      Awaitility.await()
          .atMost(IDLE_TIMEOUT.multipliedBy(3))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> !gone.ping());

      List<RawWebSocket.ServerFrame> frames = gone.readUntilClosed();
      assertThat(frames.get(frames.size() - 1)).isInstanceOf(RawWebSocket.Ended.class);
      assertThat(frames).noneMatch(RawWebSocket.Close.class::isInstance);
    }
  }
}
