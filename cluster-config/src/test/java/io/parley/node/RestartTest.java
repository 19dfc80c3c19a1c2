package io.parley.node;

import static io.parley.testing.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.RoomReads;
import io.parley.testing.ServerProcess;
import io.parley.testing.TestClient;
import io.parley.testing.TestDatabase;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A node process stopped and started again on the same database (its H2 file, or a PostgreSQL
 * schema) serves the same room.
 */
class RestartTest {

  @TempDir Path work;

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void aRestartedNodeServesExactlyTheStateBeforeTheStop(TestDatabase database) {
    try (TestDatabase.Instance db = database.create()) {
      restartOn(db);
    }
  }

  private void restartOn(TestDatabase.Instance db) {
    Path data = work.resolve("data");
    JsonNode before;
    try (ServerProcess first = ServerProcess.start(data, db.environment())) {
      try (TestClient ann = TestClient.join(first.port(), "planning", "ann", "Ann");
          TestClient bob = TestClient.join(first.port(), "planning", "bob", "Bob")) {
        ann.send(json("type", "set", "id", "c1", "key", "title", "value", Map.of("text", "Q3")));
        ann.expectAnswer("c1");
        bob.send(json("type", "batch", "id", "c2", "ops",
            List.of(Map.of("op", "set", "key", "shape:1", "value", Map.of("x", 1.5, "y", 2)),
                Map.of("op", "set", "key", "shape:2", "value", List.of(1, 2, 3)))));
        bob.expectAnswer("c2");
        ann.send(json("type", "chat", "id", "m1", "text", "before the restart"));
        ann.expectAnswer("m1");
        ann.send(json("type", "leave"));
        assertThat(ann.awaitClosed()).isEqualTo(1000);
        bob.send(json("type", "leave"));
        assertThat(bob.awaitClosed()).isEqualTo(1000);
      }
      RoomReads.awaitPresence(first.port(), "planning", p -> p.path("members").isEmpty());
      before = RoomReads.room(first.port(), "planning");
      assertThat(first.stop()).as(first.log()).isNotEqualTo(-1);
    }
    assertThat(before.path("members")).isEmpty();
    assertThat(before.path("version").asLong()).isEqualTo(7);

    try (ServerProcess second = ServerProcess.start(data, db.environment())) {
      JsonNode after = RoomReads.room(second.port(), "planning");
      assertThat(after).isEqualTo(before);

      try (TestClient carol = TestClient.join(second.port(), "planning", "carol", "Carol")) {
        JsonNode snapshot = carol.received().get(0).path("snapshot");
        assertThat(snapshot.path("version").asLong()).isEqualTo(8);
        assertThat(snapshot.path("state")).isEqualTo(before.path("state"));
        assertThat(snapshot.path("chat")).isEqualTo(before.path("chat"));
        carol.send(json("type", "set", "id", "c3", "key", "title", "value", "after"));
        assertThat(carol.expectAnswer("c3").path("version").asLong()).isEqualTo(9);
      }
    }
    db.assertHoldsTheJournalOf(data);
  }
}
