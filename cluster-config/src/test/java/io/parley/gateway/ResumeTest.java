package io.parley.gateway;

import static io.parley.testing.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.room.RoomCommand;
import io.parley.testing.TestClient;
import io.parley.testing.ParleyNode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A client that reconnects with the last version it saw gets exactly what it missed. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResumeTest {

  @RegisterExtension
  final ParleyNode server =
      new ParleyNode(
          Map.of(
              "parley.gateway.resume-max-events", 20,
              // one user writes more changes in a row than the default burst allows
              "parley.limits.rates.commands.burst", 1000));

  private final AtomicInteger rooms = new AtomicInteger();

  private String newRoom() {
    return "resume-" + rooms.incrementAndGet();
  }

  @Test
  void aResumingClientGetsExactlyTheMissedEventsFromMemory() {
    String room = newRoom();
    try (TestClient ann = TestClient.join(server.port(), room, "ann", "Ann")) {
      long bobAt = joinAndDrop(ann, room, "bob", "Bob");
      changes(ann, "k", 3);

      try (TestClient bobAgain = resume(room, "bob", bobAt)) {
        assertContiguousEventsAfter(bobAgain, bobAt, 5);
        ann.send(json("type", "set", "id", "live", "key", "live", "value", true));
        JsonNode live = bobAgain.expectEvent("state.changed");
        assertThat(live.path("id").asText()).isEqualTo("live");
        assertThat(live.path("version").asLong()).isEqualTo(bobAt + 6);
      }
    }
  }

  @Test
  void aResumeAfterTheRoomRestartedReadsTheJournal() {
    String room = newRoom();
    try (TestClient ann = TestClient.join(server.port(), room, "ann", "Ann")) {
      long bobAt = joinAndDrop(ann, room, "bob", "Bob");
      changes(ann, "k", 4);
      server.rooms().room(room).tell(new RoomCommand.Stop());

      try (TestClient bobAgain = resume(room, "bob", bobAt)) {
        assertContiguousEventsAfter(bobAgain, bobAt, 6);
      }
    }
  }

  @Test
  void aClientTooFarBehindGetsAFreshSnapshot() {
    String room = newRoom();
    try (TestClient ann = TestClient.join(server.port(), room, "ann", "Ann")) {
      changes(ann, "k", 25);
      try (TestClient late = resume(room, "late", 1)) {
        JsonNode welcome = late.received().get(0);
        assertThat(welcome.path("resumed").asBoolean()).isFalse();
        assertThat(welcome.path("version").asLong()).isEqualTo(27);
        assertThat(welcome.at("/snapshot/state/k24/value").asInt()).isEqualTo(24);
      }
    }
  }

  /**
   * {@code userId} joins {@code room} and its connection drops; returns the version it joined at,
   * once {@code member} has seen it go away.
   */
  private long joinAndDrop(TestClient member, String room, String userId, String name) {
    TestClient client = TestClient.join(server.port(), room, userId, name);
    long joinedAt = client.received().get(0).path("version").asLong();
    client.abort();
    member.expectEvent("member.away");
    return joinedAt;
  }

  private TestClient resume(String room, String userId, long version) {
    TestClient client = TestClient.connect(server.port(), room);
    client.send(
        json("type", "hello", "userId", userId, "name", userId, "resume", Map.of("version", version)));
    client.expect("welcome");
    return client;
  }

  private static void changes(TestClient client, String prefix, int count) {
    for (int i = 0; i < count; i++) {
      String id = prefix + "-" + i;
      client.send(json("type", "set", "id", id, "key", prefix + i, "value", i));
      assertThat(client.expectAnswer(id).path("type").asText()).isEqualTo("ack");
    }
  }

  /** The welcome resumes at {@code from}; then {@code count} events follow, each version once. */
  private static void assertContiguousEventsAfter(TestClient client, long from, int count) {
    JsonNode welcome = client.received().get(0);
    assertThat(welcome.path("resumed").asBoolean()).isTrue();
    assertThat(welcome.path("version").asLong()).isEqualTo(from);
    assertThat(welcome.has("snapshot")).isFalse();
    for (int i = 1; i <= count; i++) {
      long expected = from + i;
      JsonNode event =
          client.expect(
              f -> "event".equals(f.path("type").asText()), "event " + expected);
      assertThat(event.path("version").asLong()).isEqualTo(expected);
    }
    List<Long> versions =
        client.received().stream()
            .filter(f -> "event".equals(f.path("type").asText()))
            .map(f -> f.path("version").asLong())
            .toList();
    assertThat(versions).doesNotHaveDuplicates().isSorted();
  }
}
