package io.parley.gateway;

import static io.parley.testing.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.ParleyNode;
import io.parley.testing.RoomReads;
import io.parley.testing.TestClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PROTOCOL.md's retries, through real WebSockets: a command sent again with its id and its
 * content gets the original ack; the same id with another content gets {@code reject id_reused}
 * and changes nothing, also when it comes from another tab of the same user.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommandIdReuseTest {

  @RegisterExtension final ParleyNode server = new ParleyNode();

  @Test
  void aRetryGetsTheOriginalAckAndAnotherContentUnderTheIdIsRejectedAsReused() {
    String room = "id-reuse";
    try (TestClient tab1 = TestClient.join(server.port(), room, "ann", "Ann");
        TestClient tab2 = TestClient.join(server.port(), room, "ann", "Ann")) {
      // the same id and the same content, the value's members written in another order
      tab1.sendText("{\"type\":\"set\",\"id\":\"c1\",\"key\":\"title\",\"value\":{\"text\":\"Plan\",\"n\":1}}");
      JsonNode ack = tab1.expectAnswer("c1");
      assertThat(ack.path("type").asText()).as(ack.toString()).isEqualTo("ack");
      long version = ack.path("version").asLong();
      tab2.sendText("{\"type\":\"set\",\"id\":\"c1\",\"key\":\"title\",\"value\":{\"n\":1.0,\"text\":\"Plan\"}}");
      JsonNode retried = tab2.expectAnswer("c1");
      assertThat(retried.path("type").asText()).as(retried.toString()).isEqualTo("ack");
      assertThat(retried.path("version").asLong()).as("the original version").isEqualTo(version);

      // the same id, another content
      tab1.send(json("type", "set", "id", "c1", "key", "title", "value", Map.of("text", "Other")));
      JsonNode reused = tab1.expectAnswer("c1");
      assertThat(reused.path("type").asText()).as(reused.toString()).isEqualTo("reject");
      assertThat(reused.path("code").asText()).isEqualTo("id_reused");
      assertThat(reused.path("message").asText())
          .isEqualTo(
              "command id c1 was already used for a different command (version "
                  + version
                  + "); use a fresh id for a new command");
      JsonNode state = RoomReads.room(server.port(), room);
      assertThat(state.path("version").asLong()).as("nothing applied since c1").isEqualTo(version);
      assertThat(state.at("/state/title/value/text").asText()).isEqualTo("Plan");

      // two tabs of one user send one id with different texts at once: one is posted and acked,
      // the other is told its id was taken, whichever reaches the room first
      tab1.send(json("type", "chat", "id", "m1", "text", "from tab 1"));
      tab2.send(json("type", "chat", "id", "m1", "text", "from tab 2"));
      JsonNode answer1 = tab1.expectAnswer("m1");
      JsonNode answer2 = tab2.expectAnswer("m1");
      List<JsonNode> answers = List.of(answer1, answer2);
      assertThat(answers).as(answers.toString()).filteredOn(a -> a.path("type").asText().equals("ack")).hasSize(1);
      JsonNode posted = answer1.path("type").asText().equals("ack") ? answer1 : answer2;
      JsonNode refused = posted == answer1 ? answer2 : answer1;
      assertThat(refused.path("type").asText()).isEqualTo("reject");
      assertThat(refused.path("code").asText()).isEqualTo("id_reused");
      assertThat(refused.path("message").asText()).contains("(version " + posted.path("version").asLong() + ")");
      String postedText = posted == answer1 ? "from tab 1" : "from tab 2";

      JsonNode after = RoomReads.room(server.port(), room);
      assertThat(after.path("version").asLong()).isEqualTo(posted.path("version").asLong());
      assertThat(after.path("chat")).hasSize(1);
      assertThat(after.at("/chat/0/text").asText()).isEqualTo(postedText);
      for (TestClient tab : List.of(tab1, tab2)) {
        JsonNode event = tab.expectEvent("chat.posted");
        assertThat(event.at("/message/text").asText()).isEqualTo(postedText);
      }
      // no event for the retry, the reused id or the refused chat: the next change is the next version
      tab1.send(json("type", "ready", "id", "r1", "ready", true));
      JsonNode ready = tab1.expectAnswer("r1");
      assertThat(ready.path("version").asLong()).isEqualTo(posted.path("version").asLong() + 1);
      List<Long> versions =
          tab1.received().stream()
              .filter(f -> "event".equals(f.path("type").asText()))
              .map(f -> f.path("version").asLong())
              .filter(v -> v >= version)
              .toList();
      assertThat(versions).containsExactly(version, version + 1, version + 2);
    }
  }
}
