package io.parley.gateway;

import static io.parley.testing.TestClient.event;
import static io.parley.testing.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.TestClient;
import io.parley.testing.ParleyNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Rate limits over real WebSockets: one bucket per user per room, whatever its connections. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitTest {

  private static final int BURST = 3;
  /** One token every 1000 s: nothing refills while the test runs, so no timing is involved. */
  private static final double PER_SECOND = 0.001;

  @RegisterExtension
  final ParleyNode server =
      new ParleyNode(
          Map.of(
              "parley.limits.rates.commands.burst", BURST,
              "parley.limits.rates.commands.per-second", PER_SECOND));

  private static JsonNode set(TestClient client, String id) {
    client.send(json("type", "set", "id", id, "key", "k", "value", id));

    return client.expectAnswer(id);
  }

  private static void assertRateLimited(JsonNode answer) {
    assertThat(answer.path("type").asText()).as(answer.toString()).isEqualTo("reject");
    assertThat(answer.path("code").asText()).isEqualTo("rate_limited");
    // the next token is 1000 s after the first command, minus the time the test took so far
    assertThat(answer.path("retryAfterMs").asLong()).isBetween(900_000L, 1_000_000L);
    assertThat(answer.path("message").asText()).startsWith("too many changes; retry in ");
  }

  @Test
  void oneUserOnThreeConnectionsSharesOneBucketAndReconnectingDoesNotRefillIt() {
    String room = "rates";
    int port = server.port();
    try (TestClient bob = TestClient.join(port, room, "bob", "Bob")) {
      List<TestClient> tabs =
          List.of(
              TestClient.join(port, room, "ann", "Ann"),
              TestClient.join(port, room, "ann", "Ann"),
              TestClient.join(port, room, "ann", "Ann"));

      for (int i = 0; i < BURST; i++) {
        assertThat(set(tabs.get(i), "c" + i).path("type").asText()).isEqualTo("ack");
      }
      for (int i = 0; i < tabs.size(); i++) {
        assertRateLimited(set(tabs.get(i), "over" + i));
      }
      // chat has a bucket of its own
      tabs.get(0).send(json("type", "chat", "id", "m1", "text", "still talking"));
      assertThat(tabs.get(0).expectAnswer("m1").path("type").asText()).isEqualTo("ack");

      // all of ann's connections go and she comes back: the same, empty bucket
      tabs.forEach(TestClient::close);
      bob.expectEvent("member.away");
      try (TestClient again = TestClient.join(port, room, "ann", "Ann")) {
        bob.expectEvent("session.opened");
        assertRateLimited(set(again, "after-reconnect"));
      }

      // bob has a bucket of his own, and none of ann's refused commands reached him
      assertThat(set(bob, "b1").path("type").asText()).isEqualTo("ack");
      assertThat(bob.received()).filteredOn(event("state.changed")).hasSize(BURST + 1);
    }
  }
}
