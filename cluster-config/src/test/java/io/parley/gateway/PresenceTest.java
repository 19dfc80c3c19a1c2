package io.parley.gateway;

import static io.parley.testing.TestClient.event;
import static io.parley.testing.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.room.RoomCommand;
import io.parley.testing.RoomReads;
import io.parley.testing.TestClient;
import io.parley.testing.ParleyNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Presence over real WebSockets: tabs, grace period, lost connections, room restarts. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PresenceTest {

  private static final Duration GRACE = Duration.ofSeconds(1);

  @RegisterExtension
  final ParleyNode server =
      new ParleyNode(Map.of("parley.presence.grace-period", GRACE.toMillis() + "ms"));

  private final AtomicInteger rooms = new AtomicInteger();

  private String newRoom() {
    return "presence-" + rooms.incrementAndGet();
  }

  @Test
  void twoTabsOfOneUserAreOneMemberUntilBothAreGone() {
    String room = newRoom();
    try (TestClient bob = TestClient.join(server.port(), room, "bob", "Bob")) {
      TestClient tab1 = TestClient.join(server.port(), room, "ann", "Ann");
      TestClient tab2 = TestClient.join(server.port(), room, "ann", "Ann");
      JsonNode secondWelcome = tab2.received().get(0).path("snapshot");
      assertThat(secondWelcome.path("members")).hasSize(2);
      assertThat(member(secondWelcome, "ann").path("sessions").asInt()).isEqualTo(2);
      bob.expectEvent("member.joined");
      bob.expectEvent("session.opened");

      tab1.close();
      assertThat(bob.expectEvent("session.closed").path("userId").asText()).isEqualTo("ann");
      JsonNode stillOnline = RoomReads.presence(server.port(), room);
      assertThat(member(stillOnline, "ann").path("status").asText()).isEqualTo("online");
      assertThat(member(stillOnline, "ann").path("sessions").asInt()).isEqualTo(1);

      tab2.close();
      bob.expectEvent("member.away");
      JsonNode away = RoomReads.presence(server.port(), room);
      assertThat(member(away, "ann").path("status").asText()).isEqualTo("away");
      JsonNode left = bob.expectEvent("member.left");
      assertThat(left.path("reason").asText()).isEqualTo("timed_out");
      assertThat(Duration.between(Instant.parse(member(away, "ann").path("awaySince").asText()),
              Instant.parse(left.path("at").asText())))
          .isGreaterThanOrEqualTo(GRACE);
      assertThat(RoomReads.presence(server.port(), room).path("members")).hasSize(1);
      assertThat(bob.received()).filteredOn(event("member.joined")).hasSize(1);
    }
  }

  @Test
  void aReconnectWithinTheGracePeriodIsNeitherALeaveNorAJoin() {
    String room = newRoom();
    try (TestClient bob = TestClient.join(server.port(), room, "bob", "Bob")) {
      TestClient ann = TestClient.join(server.port(), room, "ann", "Ann");
      String joinedAt =
          member(ann.received().get(0).path("snapshot"), "ann").path("joinedAt").asText();
      bob.expectEvent("member.joined");

      ann.close();
      bob.expectEvent("member.away");
      try (TestClient annAgain = TestClient.join(server.port(), room, "ann", "Ann")) {
        JsonNode snapshot = annAgain.received().get(0).path("snapshot");
        assertThat(member(snapshot, "ann").path("joinedAt").asText()).isEqualTo(joinedAt);
        assertThat(member(snapshot, "ann").path("status").asText()).isEqualTo("online");
        bob.expectEvent("session.opened");

        bob.expectNone(event("member.left").or(event("member.joined")), GRACE.multipliedBy(2));
        JsonNode presence = RoomReads.presence(server.port(), room);
        assertThat(member(presence, "ann").path("status").asText()).isEqualTo("online");
        assertThat(member(presence, "ann").path("joinedAt").asText()).isEqualTo(joinedAt);
      }
    }
  }

  @Test
  void anExplicitLeaveEndsTheMemberAtOnce() {
    String room = newRoom();
    try (TestClient bob = TestClient.join(server.port(), room, "bob", "Bob");
        TestClient ann = TestClient.join(server.port(), room, "ann", "Ann")) {
      ann.send(json("type", "leave"));
      JsonNode left = bob.expectEvent("member.left");
      assertThat(left.path("reason").asText()).isEqualTo("left");
      assertThat(bob.received()).noneMatch(event("member.away"));
      assertThat(ann.awaitClosed()).isEqualTo(1000);
    }
  }

  @Test
  void aConnectionCutWithoutACloseFrameEndsTheSession() {
    String room = newRoom();
    try (TestClient bob = TestClient.join(server.port(), room, "bob", "Bob")) {
      TestClient ann = TestClient.join(server.port(), room, "ann", "Ann");
      ann.abort();
      assertThat(bob.expectEvent("member.away").path("userId").asText()).isEqualTo("ann");
      assertThat(bob.expectEvent("member.left").path("userId").asText()).isEqualTo("ann");
    }
  }

  @Test
  void membersStayOnlineWithoutFlickerWhenTheRoomEntityRestarts() {
    String room = newRoom();
    try (TestClient ann = TestClient.join(server.port(), room, "ann", "Ann");
        TestClient bob = TestClient.join(server.port(), room, "bob", "Bob")) {
      ann.expectEvent("member.joined");
      server.rooms().room(room).tell(new RoomCommand.Stop());

      ann.send(json("type", "set", "id", "after-restart", "key", "k", "value", 1));
      assertThat(ann.expectAnswer("after-restart").path("version").asLong()).isEqualTo(3);
      assertThat(bob.expectEvent("state.changed").path("version").asLong()).isEqualTo(3);

      JsonNode presence = RoomReads.presence(server.port(), room);
      assertThat(presence.path("members")).hasSize(2);
      assertThat(presence.path("members"))
          .allSatisfy(m -> assertThat(m.path("status").asText()).isEqualTo("online"));
      bob.send(json("type", "ping", "id", "p"));
      bob.expect("pong");
      assertThat(bob.received())
          .noneMatch(event("member.away").or(event("member.left")).or(event("member.joined")));
      assertThat(ann.received())
          .filteredOn(event("member.joined"))
          .hasSize(1);
    }
  }

  @Test
  void presenceIsReadableOverHttpWithActivityTimes() {
    String room = newRoom();
    try (TestClient ann = TestClient.join(server.port(), room, "ann", "Ann")) {
      JsonNode joined = member(ann.received().get(0).path("snapshot"), "ann");
      Instant beforePing = Instant.now();
      ann.send(json("type", "ping", "id", "p1"));
      ann.expect("pong");
      JsonNode presence =
          RoomReads.awaitPresence(
              server.port(),
              room,
              p -> !Instant.parse(member(p, "ann").path("lastSeen").asText()).isBefore(beforePing));
      JsonNode ann1 = member(presence, "ann");
      assertThat(presence.path("roomId").asText()).isEqualTo(room);
      assertThat(ann1.path("joinedAt").asText()).isEqualTo(joined.path("joinedAt").asText());
      assertThat(ann1.path("status").asText()).isEqualTo("online");
      assertThat(ann1.path("sessions").asInt()).isEqualTo(1);
      assertThat(ann1.path("ready").asBoolean()).isFalse();
      assertThat(ann1.has("document")).isTrue();
    }
  }

  private static JsonNode member(JsonNode snapshotOrPresence, String userId) {
    for (JsonNode member : snapshotOrPresence.path("members")) {
      if (userId.equals(member.path("userId").asText())) {
        return member;
      }
    }
    throw new AssertionError("no member " + userId + " in " + snapshotOrPresence);
  }
}
