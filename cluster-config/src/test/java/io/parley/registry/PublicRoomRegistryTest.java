package io.parley.registry;

import static io.parley.testing.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.Metrics;
import io.parley.testing.RoomReads;
import io.parley.testing.ServerProcess;
import io.parley.testing.TestClient;
import io.parley.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The public room registry, black box: real node processes on H2 and on PostgreSQL, real
 * WebSocket clients making rooms public and private, and {@code GET /v1/rooms?public=true}.
 *
 * <p>The registry is eventually consistent, so each check waits (bounded) for a state of the
 * list; "a private room never appears" is checked once the registry has shown a change of a
 * public room made after the private room's events, which it reads in journal order.
 */
class PublicRoomRegistryTest {

  /** How long the registry may lag in these tests: the projection polls the journal every second. */
  private static final Duration LAG = Duration.ofSeconds(15);

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path work;

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void listsPublicRoomsWithTheirMemberCountAndNeverAPrivateOne(TestDatabase database) {
    try (TestDatabase.Instance db = database.create()) {
      Path data = work.resolve("data");
      try (ServerProcess node = ServerProcess.start(data, db.environment())) {
        try (TestClient ann = TestClient.join(node.port(), "plan", "ann", "Ann");
            TestClient bob = TestClient.join(node.port(), "plan", "bob", "Bob");
            TestClient secret = TestClient.join(node.port(), "secret", "ann", "Ann")) {
          secret.send(json("type", "chat", "id", "s1", "text", "not for the lobby"));
          secret.expectAnswer("s1");

          ann.send(json("type", "visibility", "id", "v1", "public", true, "title", "Planning"));
          assertThat(ann.expectAnswer("v1").path("type").asText()).isEqualTo("ack");
          JsonNode seen = bob.expectEvent("room.visibility");
          assertThat(seen.path("public").asBoolean()).isTrue();
          assertThat(seen.path("title").asText()).isEqualTo("Planning");

          List<JsonNode> listed = awaitRooms(node, rooms -> rooms.size() == 1);
          assertThat(listed.get(0).path("roomId").asText()).isEqualTo("plan");
          assertThat(listed.get(0).path("title").asText()).isEqualTo("Planning");
          assertThat(listed.get(0).path("members").asInt()).isEqualTo(2);
          assertThat(listed.get(0).path("lastActivity").asText()).isNotBlank();

          try (TestClient carol = TestClient.join(node.port(), "plan", "carol", "Carol")) {
            awaitMembers(node, "plan", 3);
            secret.send(json("type", "set", "id", "s2", "key", "k", "value", 1));
            secret.expectAnswer("s2");
            carol.send(json("type", "leave"));
            carol.awaitClosed();
          }
          assertThat(awaitMembers(node, "plan", 2)).extracting(this::roomId).containsExactly("plan");

          ann.send(json("type", "visibility", "id", "v2", "public", false));
          ann.expectAnswer("v2");
          awaitRooms(node, List::isEmpty);
          ann.send(json("type", "visibility", "id", "v3", "public", true, "title", "Planning 2"));
          ann.expectAnswer("v3");
          assertThat(awaitMembers(node, "plan", 2).get(0).path("title").asText())
              .isEqualTo("Planning 2");
          ann.send(json("type", "leave"));
          bob.send(json("type", "leave"));
          ann.awaitClosed();
          bob.awaitClosed();
        }
        awaitMembers(node, "plan", 0);
        assertThat(Metrics.scrape(node.managementPort()).value("parley_registry_lag_seconds_count"))
            .as("the projection's lag is measured")
            .isPositive();
        assertThat(node.stop()).as(node.log()).isNotEqualTo(-1);
      }

      try (ServerProcess restarted = ServerProcess.start(data, db.environment())) {
        assertThat(rooms(restarted, "")).as("the registry is durable").hasSize(1);
        try (TestClient dave = TestClient.join(restarted.port(), "plan", "dave", "Dave")) {
          awaitMembers(restarted, "plan", 1);
          assertThat(dave.received().get(0).at("/snapshot/visibility/title").asText())
              .isEqualTo("Planning 2");
        }
      }
    }
  }

  @Test
  void pagesThroughThePublicRoomsAndRefusesBadQueries() {
    try (ServerProcess node = ServerProcess.start(work.resolve("data"))) {
      for (String room : List.of("room-c", "room-a", "room-b")) {
        try (TestClient owner = TestClient.join(node.port(), room, "ann", "Ann")) {
          owner.send(json("type", "visibility", "id", "v", "public", true, "title", room));
          owner.expectAnswer("v");
        }
      }
      awaitRooms(node, rooms -> rooms.size() == 3);

      JsonNode first = RoomReads.get(node.port(), "/v1/rooms?public=true&limit=2");
      assertThat(first.path("rooms")).extracting(this::roomId).containsExactly("room-a", "room-b");
      assertThat(first.path("next").asText()).isEqualTo("room-b");
      JsonNode last = RoomReads.get(node.port(), "/v1/rooms?public=true&limit=2&after=room-b");
      assertThat(last.path("rooms")).extracting(this::roomId).containsExactly("room-c");
      assertThat(last.path("next").isNull()).isTrue();

      assertBadRequest(node, "/v1/rooms", "public");
      assertBadRequest(node, "/v1/rooms?public=false", "public");
      assertBadRequest(node, "/v1/rooms?public=true&limit=0", "limit");
      assertBadRequest(node, "/v1/rooms?public=true&limit=101", "limit");
      assertBadRequest(node, "/v1/rooms?public=true&limit=ten", "limit");
      assertBadRequest(node, "/v1/rooms?public=true&after=-bad", "after");
    }
  }

  @Test
  void aTitleTheRoomRefusesIsAnErrorAndChangesNothing() {
    try (ServerProcess node = ServerProcess.start(work.resolve("data"));
        TestClient ann = TestClient.join(node.port(), "plan", "ann", "Ann")) {
      ann.send(json("type", "visibility", "id", "v1", "public", true, "title", "a\u0007bell"));
      JsonNode error = ann.expect("error");
      assertThat(error.path("code").asText()).isEqualTo("invalid_field");
      assertThat(error.path("field").asText()).isEqualTo("title");
      assertThat(error.path("id").asText()).isEqualTo("v1");
      ann.send(json("type", "visibility", "id", "v2", "public", false, "title", "Plan"));
      assertThat(ann.expect("error").path("message").asText())
          .isEqualTo("only a public room has a title");

      JsonNode visibility = RoomReads.room(node.port(), "plan").path("visibility");
      assertThat(visibility.path("public").asBoolean(true)).isFalse();
      assertThat(visibility.path("title").isNull()).as(visibility.toString()).isTrue();
    }
  }

  private String roomId(JsonNode room) {
    return room.path("roomId").asText();
  }

  private static List<JsonNode> rooms(ServerProcess node, String query) {
    List<JsonNode> rooms = new ArrayList<>();
    RoomReads.get(node.port(), "/v1/rooms?public=true&limit=100" + query)
        .path("rooms")
        .forEach(rooms::add);
    return rooms;
  }

  private static List<JsonNode> awaitRooms(ServerProcess node, Predicate<List<JsonNode>> state) {
    return Awaitility.await()
        .atMost(LAG)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> rooms(node, ""), state::test);
  }

  /** The list once {@code roomId} is the only room and has {@code members}. */
  private static List<JsonNode> awaitMembers(ServerProcess node, String roomId, int members) {
    return awaitRooms(
        node,
        rooms ->
            rooms.size() == 1
                && rooms.get(0).path("roomId").asText().equals(roomId)
                && rooms.get(0).path("members").asInt() == members);
  }

  private static void assertBadRequest(ServerProcess node, String path, String field) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(400);
      JsonNode body = TestClient.JSON.readTree(response.body());
      assertThat(body.path("code").asText()).isEqualTo("invalid_field");
      assertThat(body.path("field").asText()).as(path).isEqualTo(field);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
