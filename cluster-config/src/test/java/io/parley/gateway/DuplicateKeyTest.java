package io.parley.gateway;

import static io.parley.testing.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.ParleyNode;
import io.parley.testing.TestClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A batch that changes one key twice is a field error like any other, answered before the room
 * sees it: {@code error invalid_field} naming the later op, not a {@code reject}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DuplicateKeyTest {

  @RegisterExtension final ParleyNode server = new ParleyNode();

  @Test
  void aBatchWithADuplicateKeyIsAnInvalidFieldNamingTheLaterOp() {
    try (TestClient ann = TestClient.join(server.port(), "duplicates", "ann", "Ann")) {
      ann.send(
          json(
              "type", "batch", "id", "b1", "ops",
              List.of(
                  Map.of("op", "set", "key", "a", "value", 1),
                  Map.of("op", "set", "key", "b", "value", 2),
                  Map.of("op", "delete", "key", "c"),
                  Map.of("op", "delete", "key", "b"))));
      JsonNode error = ann.expect("error");
      assertThat(error.path("code").asText()).as(error.toString()).isEqualTo("invalid_field");
      assertThat(error.path("field").asText()).isEqualTo("ops[3].key");
      assertThat(error.path("message").asText()).startsWith("duplicates ops[1].key");
      assertThat(error.path("id").asText()).isEqualTo("b1");

      // Nothing was applied or remembered: the corrected batch under the same id is a new command.
      ann.send(
          json(
              "type", "batch", "id", "b1", "ops",
              List.of(Map.of("op", "set", "key", "a", "value", 1), Map.of("op", "delete", "key", "b"))));
      JsonNode answer = ann.expectAnswer("b1");
      assertThat(answer.path("type").asText()).as(answer.toString()).isEqualTo("ack");
      assertThat(ann.received()).noneMatch(f -> "reject".equals(f.path("type").asText()));
    }
  }
}
