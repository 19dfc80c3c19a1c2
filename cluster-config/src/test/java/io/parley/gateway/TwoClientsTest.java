package io.parley.gateway;

import static io.parley.testing.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.TestClient;
import io.parley.testing.ParleyNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two real WebSocket clients against a running node on a free port. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoClientsTest {

  @RegisterExtension
  final ParleyNode server = new ParleyNode(Map.of("parley.presence.grace-period", "300ms"));

  private final AtomicInteger rooms = new AtomicInteger();

  private String newRoom() {
    return "room-" + rooms.incrementAndGet();
  }

  @Test
  void joiningClientsSeeEachOther() {
    String room = newRoom();
    try (TestClient ann = TestClient.connect(server.port(), room)) {
      ann.send(json("type", "hello", "userId", "ann", "name", "Ann", "color", "#112233"));
      JsonNode welcome = ann.expect("welcome");
      assertThat(welcome.path("version").asLong()).isEqualTo(1);
      assertThat(welcome.at("/snapshot/members/0/userId").asText()).isEqualTo("ann");
      assertThat(welcome.at("/snapshot/members/0/color").asText()).isEqualTo("#112233");

      try (TestClient bob = TestClient.join(server.port(), room, "bob", "Bob")) {
        JsonNode bobWelcome = bob.received().get(0);
        assertThat(bobWelcome.path("version").asLong()).isEqualTo(2);
        assertThat(bobWelcome.at("/snapshot/members")).hasSize(2);

        JsonNode joined = ann.expectEvent("member.joined");
        assertThat(joined.path("version").asLong()).isEqualTo(2);
        assertThat(joined.path("userId").asText()).isEqualTo("bob");
        assertThat(joined.path("name").asText()).isEqualTo("Bob");
      }
      JsonNode away = ann.expectEvent("member.away");
      assertThat(away.path("userId").asText()).isEqualTo("bob");
      assertThat(away.path("version").asLong()).isEqualTo(3);
      JsonNode left = ann.expectEvent("member.left");
      assertThat(left.path("userId").asText()).isEqualTo("bob");
      assertThat(left.path("reason").asText()).isEqualTo("timed_out");
      assertThat(left.path("version").asLong()).isEqualTo(4);
    }
  }

  @Test
  void changesAreAckedWithIncreasingVersionsAndReachEveryone() {
    String room = newRoom();
    try (TestClient ann = TestClient.join(server.port(), room, "ann", "Ann");
        TestClient bob = TestClient.join(server.port(), room, "bob", "Bob")) {
      ann.send(json("type", "set", "id", "c1", "key", "title", "value", Map.of("text", "Plan")));
      JsonNode first = ann.expectAnswer("c1");
      ann.send(json("type", "batch", "id", "c2", "ops",
          List.of(Map.of("op", "set", "key", "a", "value", 1), Map.of("op", "delete", "key", "title"))));
      JsonNode second = ann.expectAnswer("c2");
      bob.send(json("type", "ready", "id", "r1", "ready", true));
      JsonNode third = bob.expectAnswer("r1");
      bob.send(json("type", "focus", "id", "f1", "document", Map.of("id", "doc-1", "type", "canvas")));
      JsonNode fourth = bob.expectAnswer("f1");
      ann.send(json("type", "chat", "id", "m1", "text", "<b>hi</b>"));
      JsonNode fifth = ann.expectAnswer("m1");

      List<JsonNode> answers = List.of(first, second, third, fourth, fifth);
      assertThat(answers).allSatisfy(a -> assertThat(a.path("type").asText()).isEqualTo("ack"));
      assertThat(answers.stream().map(a -> a.path("version").asLong()))
          .containsExactly(3L, 4L, 5L, 6L, 7L);

      assertThat(bob.expectEvent("state.changed").path("version").asLong()).isEqualTo(3);
      JsonNode batch = bob.expectEvent("state.changed");
      assertThat(batch.path("version").asLong()).isEqualTo(4);
      assertThat(batch.path("ops")).hasSize(2);
      assertThat(ann.expectEvent("member.ready").path("ready").asBoolean()).isTrue();
      assertThat(ann.expectEvent("member.focused").at("/document/type").asText()).isEqualTo("canvas");
      JsonNode chat = bob.expectEvent("chat.posted");
      assertThat(chat.at("/message/text").asText()).isEqualTo("<b>hi</b>");
      assertThat(chat.at("/message/version").asLong()).isEqualTo(7);

      try (TestClient carol = TestClient.join(server.port(), room, "carol", "Carol")) {
        JsonNode snapshot = carol.received().get(0).path("snapshot");
        assertThat(snapshot.path("version").asLong()).isEqualTo(8);
        assertThat(snapshot.path("state").has("title")).isFalse();
        assertThat(snapshot.at("/state/a/value").asInt()).isEqualTo(1);
        assertThat(snapshot.at("/state/a/version").asLong()).isEqualTo(4);
        assertThat(snapshot.at("/chat/0/text").asText()).isEqualTo("<b>hi</b>");
      }
    }
  }

  @Test
  void concurrentExpectedWritesYieldOneAckAndOneConflict() {
    String room = newRoom();
    try (TestClient ann = TestClient.join(server.port(), room, "ann", "Ann");
        TestClient bob = TestClient.join(server.port(), room, "bob", "Bob")) {
      ann.send(json("type", "set", "id", "a1", "key", "choice", "value", "red", "expect", 0));
      bob.send(json("type", "set", "id", "b1", "key", "choice", "value", "blue", "expect", 0));
      JsonNode annAnswer = ann.expectAnswer("a1");
      JsonNode bobAnswer = bob.expectAnswer("b1");

      List<String> types = List.of(annAnswer.path("type").asText(), bobAnswer.path("type").asText());
      assertThat(types).containsExactlyInAnyOrder("ack", "reject");
      JsonNode reject = "reject".equals(annAnswer.path("type").asText()) ? annAnswer : bobAnswer;
      assertThat(reject.path("code").asText()).isEqualTo("conflict");

      ann.send(json("type", "ping", "id", "p"));
      ann.expect("pong");
      long changes =
          ann.received().stream().filter(f -> "state.changed".equals(f.path("kind").asText())).count();
      assertThat(changes).isEqualTo(1);
    }
  }

  @Test
  void cursorsReachOnlyTheOtherClients() {
    String room = newRoom();
    try (TestClient ann = TestClient.join(server.port(), room, "ann", "Ann");
        TestClient bob = TestClient.join(server.port(), room, "bob", "Bob")) {
      bob.send(json("type", "cursor", "x", 10.5, "y", -3));
      bob.send(json("type", "set", "id", "after-cursor", "key", "k", "value", true));
      bob.expectAnswer("after-cursor");

      JsonNode cursor = ann.expect("cursors").path("cursors").get(0);
      assertThat(cursor.path("userId").asText()).isEqualTo("bob");
      assertThat(cursor.path("x").asDouble()).isEqualTo(10.5);
      bob.expectNone(f -> "cursors".equals(f.path("type").asText()), Duration.ofMillis(300));
    }
  }

  @Test
  void badFramesGetErrorsAndTheRoomGoesOn() {
    String room = newRoom();
    try (TestClient ann = TestClient.join(server.port(), room, "ann", "Ann");
        TestClient bob = TestClient.join(server.port(), room, "bob", "Bob")) {
      ann.sendText("{not json");
      assertThat(ann.expect("error").path("code").asText()).isEqualTo("bad_frame");
      ann.send(json("type", "set", "id", "bad", "key", "k", "value", 1, "expect", -1));
      JsonNode invalid = ann.expect("error");
      assertThat(invalid.path("code").asText()).isEqualTo("invalid_field");
      assertThat(invalid.path("field").asText()).isEqualTo("expect");
      assertThat(invalid.path("id").asText()).isEqualTo("bad");
      ann.send(json("type", "teleport"));
      assertThat(ann.expect("error").path("code").asText()).isEqualTo("unknown_type");

      ann.send(json("type", "set", "id", "good", "key", "k", "value", 1));
      assertThat(ann.expectAnswer("good").path("type").asText()).isEqualTo("ack");
      assertThat(bob.expectEvent("state.changed").path("id").asText()).isEqualTo("good");
    }
  }

  @Test
  void commandsBeforeHelloAreRefused() {
    try (TestClient stranger = TestClient.connect(server.port(), newRoom())) {
      stranger.send(json("type", "set", "id", "c1", "key", "k", "value", 1));
      JsonNode error = stranger.expect("error");
      assertThat(error.path("code").asText()).isEqualTo("protocol_order");
      assertThat(error.path("id").asText()).isEqualTo("c1");
    }
  }

  @Test
  void invalidRoomIdsAreRefusedBeforeTheUpgrade() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/v1/rooms/bad%20room/ws"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("roomId");
  }

  @Test
  void theRoomCanBeReadOverHttp() throws Exception {
    String room = newRoom();
    try (TestClient ann = TestClient.join(server.port(), room, "ann", "Ann")) {
      ann.send(json("type", "set", "id", "c1", "key", "k", "value", "v"));
      ann.expectAnswer("c1");
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + server.port() + "/v1/rooms/" + room))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
      assertThat(body.path("version").asLong()).isEqualTo(2);
      assertThat(body.at("/state/k/value").asText()).isEqualTo("v");
      assertThat(body.at("/members/0/userId").asText()).isEqualTo("ann");
    }
  }
}
