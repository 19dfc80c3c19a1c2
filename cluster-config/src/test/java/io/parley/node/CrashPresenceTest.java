package io.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.RoomReads;
import io.parley.testing.ServerProcess;
import io.parley.testing.TestClient;
import io.parley.testing.TestDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Members connected to a node killed with kill -9 are not left online after it restarts, on H2 and
 * on PostgreSQL.
 */
class CrashPresenceTest {

  @TempDir Path work;

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void membersOfAKilledNodeAreGoneAfterTheGracePeriod(TestDatabase database) {
    try (TestDatabase.Instance db = database.create()) {
      crashOn(db);
    }
  }

  /**
   * The first {@code hello} after a crash wakes the room: its welcome must already show the
   * killed node's members away with no session, and a member that reconnects must see its dead
   * session closed before its new one opens, never the other way round.
   */
  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void theFirstWelcomeAfterAKillShowsNoSessionOfTheKilledNode(TestDatabase database) {
    try (TestDatabase.Instance db = database.create()) {
      Path data = work.resolve("data");
      Map<String, String> env = db.environment(Map.of("PARLEY_PRESENCE_GRACE", "60s"));
      List<String> users = IntStream.rangeClosed(1, 10).mapToObj(i -> "user" + i).toList();
      try (ServerProcess first = ServerProcess.start(data, env)) {
        List<TestClient> clients = new ArrayList<>();
        for (String user : users) {
          clients.add(TestClient.join(first.port(), "crash-hello", user, user));
        }
        clients.add(TestClient.join(first.port(), "crash-reconnect", "ann", "Ann"));
        clients.get(0).expect(f -> f.path("version").asLong() == users.size(), "every join");
        first.kill();
        clients.forEach(TestClient::abort);
      }

      try (ServerProcess second = ServerProcess.start(data, env);
          TestClient carol = TestClient.join(second.port(), "crash-hello", "carol", "Carol");
          TestClient annAgain = TestClient.join(second.port(), "crash-reconnect", "ann", "Ann")) {
        JsonNode snapshot = carol.received().get(0).path("snapshot");
        assertThat(snapshot.path("members")).hasSize(users.size() + 1);
        assertThat(snapshot.path("members"))
            .filteredOn(m -> !m.path("userId").asText().equals("carol"))
            .as("the killed node's members in the first welcome")
            .allSatisfy(
                m -> {
                  assertThat(m.path("status").asText()).isEqualTo("away");
                  assertThat(m.path("sessions").asInt()).isZero();
                });

        JsonNode annWelcome = annAgain.received().get(0);
        assertThat(annWelcome.at("/snapshot/members/0/sessions").asInt()).isEqualTo(1);
        assertThat(annWelcome.at("/snapshot/members/0/status").asText()).isEqualTo("online");
        // whatever the room sent ann before this ack came before it: nothing closed her session
        annAgain.send(TestClient.json("type", "ready", "id", "r1", "ready", true));
        assertThat(annAgain.expectAnswer("r1").path("type").asText()).isEqualTo("ack");
        assertThat(annAgain.received())
            .filteredOn(f -> f.path("type").asText().equals("event"))
            .extracting(f -> f.path("kind").asText())
            .containsExactly("member.ready");
      }
      db.assertHoldsTheJournalOf(data);
    }
  }

  private void crashOn(TestDatabase.Instance db) {
    Path data = work.resolve("data");
    Map<String, String> env = db.environment(Map.of("PARLEY_PRESENCE_GRACE", "1s"));
    try (ServerProcess first = ServerProcess.start(data, env)) {
      TestClient ann = TestClient.join(first.port(), "crash", "ann", "Ann");
      TestClient bob = TestClient.join(first.port(), "crash", "bob", "Bob");
      ann.expectEvent("member.joined");
      first.kill();
      ann.abort();
      bob.abort();
    }

    try (ServerProcess second = ServerProcess.start(data, env)) {
      JsonNode afterRestart = RoomReads.presence(second.port(), "crash");
      assertThat(afterRestart.path("members"))
          .as("no member of the killed node is shown online")
          .allSatisfy(m -> assertThat(m.path("status").asText()).isEqualTo("away"));

      JsonNode gone =
          RoomReads.awaitPresence(second.port(), "crash", p -> p.path("members").isEmpty());
      assertThat(gone.path("version").asLong()).isGreaterThanOrEqualTo(6);

      try (TestClient annAgain = TestClient.join(second.port(), "crash", "ann", "Ann");
          TestClient carol = TestClient.join(second.port(), "crash", "carol", "Carol")) {
        JsonNode snapshot = carol.received().get(0).path("snapshot");
        assertThat(snapshot.path("members")).hasSize(2);
        assertThat(snapshot.path("members"))
            .extracting(m -> m.path("userId").asText())
            .containsExactlyInAnyOrder("ann", "carol");
        assertThat(annAgain.received().get(0).at("/snapshot/members/0/sessions").asInt())
            .isEqualTo(1);
      }
    }
    db.assertHoldsTheJournalOf(data);
  }
}
