package io.parley.gateway;

import static io.parley.testing.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.ParleyNode;
import io.parley.testing.RawWebSocket;
import io.parley.testing.RoomReads;
import io.parley.testing.TestClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Strings that are not valid Unicode, over real WebSockets: a lone UTF-16 surrogate sent as a
 * JSON escape is refused with {@code invalid_field} naming the field, and text frames whose
 * bytes are not UTF-8 end only their own connection. The room, the sender's connection and the
 * other members go on untouched.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InvalidUnicodeTest {

  private static final int BOB_COMMANDS = 20;

  @RegisterExtension final ParleyNode server = new ParleyNode();

  private static Predicate<JsonNode> invalidField(String field) {
    return frame ->
        "error".equals(frame.path("type").asText())
            && "invalid_field".equals(frame.path("code").asText())
            && field.equals(frame.path("field").asText());
  }

  @Test
  void loneSurrogatesAreRefusedWhileTheRoomGoesOnForEveryone() {
    String room = "surrogates";
    try (TestClient ann = TestClient.join(server.port(), room, "ann", "Ann");
        TestClient bob = TestClient.join(server.port(), room, "bob", "Bob");
        TestClient eve = TestClient.connect(server.port(), room)) {
      CompletableFuture<Void> bobSends =
          CompletableFuture.runAsync(
              () ->
                  IntStream.range(0, BOB_COMMANDS)
                      .forEach(i -> bob.send(json("type", "set", "id", "b" + i, "key", "k" + i, "value", i))));

      // Raw text as a client writes it: Jackson turns each escape into a lone surrogate char.
      ann.sendText("{\"type\":\"set\",\"id\":\"s1\",\"key\":\"sur\",\"value\":\"\\ud800\"}");
      ann.sendText("{\"type\":\"chat\",\"id\":\"m1\",\"text\":\"a\\udc00b\"}");
      eve.sendText("{\"type\":\"hello\",\"userId\":\"ann\",\"name\":\"Eve\\ud800\"}");

      JsonNode setError = ann.expect(invalidField("value"), "invalid_field value");
      assertThat(setError.path("id").asText()).isEqualTo("s1");
      JsonNode chatError = ann.expect(invalidField("text"), "invalid_field text");
      assertThat(chatError.path("id").asText()).isEqualTo("m1");
      eve.expect(invalidField("name"), "invalid_field name");

      bobSends.join();
      List<Long> bobVersions = new ArrayList<>();
      for (int i = 0; i < BOB_COMMANDS; i++) {
        JsonNode answer = bob.expectAnswer("b" + i);
        assertThat(answer.path("type").asText()).as(answer.toString()).isEqualTo("ack");
        bobVersions.add(answer.path("version").asLong());
      }
      assertThat(bobVersions).isSorted().doesNotHaveDuplicates();

      ann.send(json("type", "set", "id", "s2", "key", "sur", "value", "\ud83d\ude00"));
      JsonNode ack = ann.expectAnswer("s2");
      assertThat(ack.path("type").asText()).as(ack.toString()).isEqualTo("ack");
      assertThat(ack.path("version").asLong()).isEqualTo(bobVersions.get(BOB_COMMANDS - 1) + 1);
      JsonNode changed = bob.expect(frame -> "s2".equals(frame.path("id").asText()), "the event of s2");
      assertThat(changed.at("/ops/0/value").asText()).isEqualTo("😀");

      // A's connection, the room and its members went on: no restart, no presence change.
      assertThat(ann.isClosed()).isFalse();
      assertThat(eve.isClosed()).isFalse();
      for (TestClient client : List.of(ann, bob)) {
        assertThat(client.received())
            .noneMatch(TestClient.event("member.left"))
            .noneMatch(TestClient.event("member.away"))
            .noneMatch(TestClient.event("session.opened"))
            .noneMatch(TestClient.event("session.closed"));
      }
      // Bob sees nothing of the refused frames: no event, no error.
      assertThat(bob.received())
          .noneMatch(f -> "error".equals(f.path("type").asText()))
          .noneMatch(f -> List.of("s1", "m1").contains(f.path("id").asText()))
          .noneMatch(TestClient.event("chat.posted"));
      JsonNode state = RoomReads.room(server.port(), room);
      assertThat(state.path("version").asLong()).isEqualTo(ack.path("version").asLong());
      assertThat(state.at("/state/sur/value").asText()).isEqualTo("😀");
      assertThat(state.path("chat")).isEmpty();
      assertThat(state.path("members")).hasSize(2);
      assertThat(state.path("members"))
          .allSatisfy(member -> assertThat(member.path("sessions").asInt()).isEqualTo(1));
    }
  }

  @Test
  void aTextFrameThatIsNotUtf8EndsOnlyItsOwnConnection() {
    String room = "not-utf8";
    try (TestClient bob = TestClient.join(server.port(), room, "bob", "Bob")) {
      for (byte[] bytes :
          List.of(
              new byte[] {(byte) 0xff},
              // A surrogate encoded as if it were a code point (CESU-8): not UTF-8 either.
              new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80})) {
        try (RawWebSocket ann = RawWebSocket.open(server.port(), room, 0)) {
          ann.sendText("{\"type\":\"hello\",\"userId\":\"ann\",\"name\":\"Ann\"}");
          assertThat(ann.next())
              .isInstanceOfSatisfying(
                  RawWebSocket.Text.class,
                  text -> assertThat(text.json().path("type").asText()).isEqualTo("welcome"));
          byte[] prefix = "{\"type\":\"chat\",\"id\":\"m1\",\"text\":\"a".getBytes();
          byte[] suffix = "b\"}".getBytes();
          byte[] frame = new byte[prefix.length + bytes.length + suffix.length];
          System.arraycopy(prefix, 0, frame, 0, prefix.length);
          System.arraycopy(bytes, 0, frame, prefix.length, bytes.length);
          System.arraycopy(suffix, 0, frame, prefix.length + bytes.length, suffix.length);
          ann.sendText(frame);

          List<RawWebSocket.ServerFrame> closing = ann.readUntilClosed();
          assertThat(closing)
              .noneMatch(f -> f instanceof RawWebSocket.Text text && text.json().toString().contains("chat.posted"));
          // RFC 6455, 8.1: a text frame that is not UTF-8 fails the connection, status 1007.
          assertThat(closing.get(closing.size() - 1)).as(closing.toString()).isEqualTo(new RawWebSocket.Close(1007));
        }
      }

      // Each failed connection ended as lost, like any dropped one: away, not left.
      for (int i = 0; i < 2; i++) {
        assertThat(bob.expectEvent("member.away").path("userId").asText()).isEqualTo("ann");
      }
      bob.send(json("type", "set", "id", "after", "key", "k", "value", "still here"));
      JsonNode ack = bob.expectAnswer("after");
      assertThat(ack.path("type").asText()).as(ack.toString()).isEqualTo("ack");
      assertThat(bob.received())
          .noneMatch(TestClient.event("chat.posted"))
          .noneMatch(TestClient.event("member.left"))
          .noneMatch(f -> "error".equals(f.path("type").asText()));
    }
  }
}
