package io.parley.auth;

import static io.parley.testing.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.ParleyNode;
import io.parley.testing.RawHttp;
import io.parley.testing.TestClient;
import io.parley.testing.Tokens;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admin level, black-box: a member whose token gives {@code admin} kicks another member or
 * closes the room; a writer cannot.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModerationTest {

  @RegisterExtension
  final ParleyNode server =
      new ParleyNode(
          Map.of(
              "parley.mode", "production",
              "parley.auth.mode", "jwt",
              "parley.auth.hs256-secret", Tokens.SECRET,
              "parley.auth.issuer", Tokens.ISSUER,
              "parley.auth.audience", Tokens.AUDIENCE));

  private final AtomicInteger rooms = new AtomicInteger();

  private String newRoom() {
    return "mod-" + rooms.incrementAndGet();
  }

  private static String token(String userId, String level) {
    return Tokens.hs256(Tokens.claims(userId, userId.toUpperCase(), Map.of("mod-*", level)));
  }

  private TestClient join(String room, String userId, String level) {
    TestClient client =
        TestClient.open(
            URI.create("ws://127.0.0.1:" + server.port() + "/v1/rooms/" + room + "/ws?access_token=" + token(userId, level)),
            Map.of(),
            List.of());
    client.send(json("type", "hello"));
    client.expect("welcome");
    return client;
  }

  @Test
  void anAdminKicksAMemberWhoseEverySessionEnds() {
    String room = newRoom();
    try (TestClient ada = join(room, "ada", "admin");
        TestClient bob = join(room, "bob", "write");
        TestClient bobTab = join(room, "bob", "write");
        TestClient cid = join(room, "cid", "write")) {
      cid.send(json("type", "kick", "id", "k0", "userId", "bob"));
      assertThat(cid.expectAnswer("k0").path("code").asText()).isEqualTo("forbidden");

      ada.send(json("type", "kick", "id", "k1", "userId", "bob"));
      long version = ada.expectAnswer("k1").path("version").asLong();
      for (TestClient tab : List.of(bob, bobTab)) {
        JsonNode error = tab.expect("error");
        assertThat(error.path("code").asText()).isEqualTo("kicked");
        assertThat(tab.awaitClosed()).as("kicked").isEqualTo(4004);
      }
      JsonNode left = cid.expectEvent("member.left");
      assertThat(left.path("userId").asText()).isEqualTo("bob");
      assertThat(left.path("reason").asText()).isEqualTo("kicked");
      assertThat(left.path("version").asLong()).isEqualTo(version);

      ada.send(json("type", "kick", "id", "k2", "userId", "bob"));
      assertThat(ada.expectAnswer("k2").path("version").asLong()).as("nobody to kick: the same version").isEqualTo(version);
    }
  }

  @Test
  void anAdminClosesTheRoomEverySessionEndsAndTheStateStays() throws IOException {
    String room = newRoom();
    try (TestClient ada = join(room, "ada", "admin");
        TestClient bob = join(room, "bob", "write")) {
      bob.send(json("type", "set", "id", "c1", "key", "title", "value", "kept"));
      bob.expectAnswer("c1");
      bob.send(json("type", "close_room", "id", "x0"));
      assertThat(bob.expectAnswer("x0").path("code").asText()).isEqualTo("forbidden");

      ada.send(json("type", "close_room", "id", "x1"));
      assertThat(ada.expectAnswer("x1").path("type").asText()).isEqualTo("ack");
      for (TestClient client : List.of(ada, bob)) {
        assertThat(client.expect("error").path("code").asText()).isEqualTo("room_closed");
        assertThat(client.awaitClosed()).as("room_closed").isEqualTo(4005);
      }
    }
    RawHttp.Response snapshot =
        RawHttp.get(server.port(), "/v1/rooms/" + room, Map.of("Authorization", "Bearer " + token("ada", "read")));
    JsonNode body = TestClient.JSON.readTree(snapshot.body());
    assertThat(body.path("members")).isEmpty();
    assertThat(body.at("/state/title/value").asText()).isEqualTo("kept");
    try (TestClient again = join(room, "bob", "write")) {
      assertThat(again.received().get(0).at("/snapshot/state/title/value").asText()).isEqualTo("kept");
    }
  }
}
