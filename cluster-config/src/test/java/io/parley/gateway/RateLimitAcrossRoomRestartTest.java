package io.parley.gateway;

import static io.parley.testing.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.ParleyNode;
import io.parley.testing.TestClient;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A room that stops and starts again on its node takes its users' rate-limit buckets back: a
 * user who drained them cannot refill them by making the room restart (here: by leaving, so that
 * the empty room passivates, and joining again).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitAcrossRoomRestartTest {

  private static final int BURST = 3;

  @RegisterExtension
  final ParleyNode server =
      new ParleyNode(
          Map.of(
              "parley.limits.rates.commands.burst", BURST,
              // one token every 1000 s: nothing refills while the test runs
              "parley.limits.rates.commands.per-second", 0.001,
              "parley.room.passivate-after", "200ms"));

  private static JsonNode set(TestClient client, String id) {
    client.send(json("type", "set", "id", id, "key", "k", "value", id));
    return client.expectAnswer(id);
  }

  @Test
  void aUserWhoDrainedTheBucketFindsItDrainedAfterTheRoomRestarted() {
    String room = "restarting-rates";
    try (TestClient ann = TestClient.join(server.port(), room, "ann", "Ann")) {
      for (int i = 0; i < BURST; i++) {
        assertThat(set(ann, "c" + i).path("type").asText()).isEqualTo("ack");
      }
      assertThat(set(ann, "over").path("code").asText()).isEqualTo("rate_limited");
      ann.send(json("type", "leave"));
      ann.awaitClosed();
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                !server
                    .rooms()
                    .liveRoomIds(server.system(), Duration.ofSeconds(5))
                    .toCompletableFuture()
                    .get()
                    .contains(room));

    try (TestClient again = TestClient.join(server.port(), room, "ann", "Ann")) {
      JsonNode answer = set(again, "after-restart");
      assertThat(answer.path("type").asText()).as(answer.toString()).isEqualTo("reject");
      assertThat(answer.path("code").asText()).isEqualTo("rate_limited");
    }
  }
}
