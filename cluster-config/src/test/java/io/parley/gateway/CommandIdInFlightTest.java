package io.parley.gateway;

import static io.parley.testing.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.ParleyNode;
import io.parley.testing.TestClient;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A command sent again with the id of one still in flight on the same connection: PROTOCOL.md's
 * error table lists "a command id already in flight" under {@code protocol_order}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommandIdInFlightTest {

  @RegisterExtension final ParleyNode server = new ParleyNode();

  @Test
  void aCommandIdAlreadyInFlightIsAProtocolOrderError() {
    try (TestClient ann = TestClient.join(server.port(), "in-flight", "ann", "Ann")) {
      // frames are read in microseconds, a journal write takes milliseconds: the later copies
      // arrive while the first is in flight
      String frame = json("type", "set", "id", "c1", "key", "k", "value", 1).toString();
      for (int i = 0; i < 5; i++) {
        ann.sendText(frame);
      }
      assertThat(ann.expectAnswer("c1").path("type").asText()).isEqualTo("ack");
      ann.send(json("type", "ping", "id", "p1"));
      ann.expect("pong");
      List<JsonNode> errors =
          ann.received().stream().filter(f -> "error".equals(f.path("type").asText())).toList();
      assertThat(errors).as("the copies sent while c1 was in flight").isNotEmpty();
      assertThat(errors)
          .allSatisfy(
              error -> {
                assertThat(error.path("code").asText()).as(error.toString()).isEqualTo("protocol_order");
                assertThat(error.path("id").asText()).isEqualTo("c1");
              });
    }
  }
}
