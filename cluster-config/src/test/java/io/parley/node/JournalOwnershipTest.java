package io.parley.node;

import static io.parley.testing.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parley.testing.ServerProcess;
import io.parley.testing.TestClient;
import io.parley.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One Parley cluster per journal database (issue 12, item 2): two {@code local} nodes are two
 * one-node clusters; on one PostgreSQL database the second refuses to start while the first
 * serves. A gracefully stopped node releases the database at once; a killed one holds it until
 * its lease expires.
 */
class JournalOwnershipTest {

  /** Renewed every 2 s: a second cluster sees the first one renew within about 3 s. */
  private static final String TTL = "6s";

  @TempDir Path tmp;

  @Test
  void aSecondClusterOnTheSameDatabaseRefusesToStartAndTheFirstGoesOn() throws IOException {
    try (TestDatabase.Instance db = TestDatabase.POSTGRESQL.create()) {
      try (ServerProcess first = start(db, "first", Map.of());
          TestClient ann = TestClient.join(first.port(), "shared", "ann", "Ann")) {
        assertThatThrownBy(() -> start(db, "second", Map.of()))
            .hasMessageContaining("node exited with 1")
            .hasMessageContaining("is in use by another Parley cluster (owner pekko://parley@")
            .hasMessageContaining("this node will not serve rooms from it");

        ann.send(json("type", "set", "id", "c1", "key", "title", "value", "still mine"));
        assertThat(ann.expectAnswer("c1").path("type").asText()).isEqualTo("ack");
      }
      db.assertHoldsTheJournalOf(tmp.resolve("first"));
    }
  }

  @Test
  void aStoppedNodeReleasesTheDatabaseAtOnceAKilledOneOnlyWhenItsLeaseExpires()
      throws IOException {
    try (TestDatabase.Instance db = TestDatabase.POSTGRESQL.create()) {
      try (ServerProcess first = start(db, "first", Map.of())) {
        first.stop();
        assertThat(first.log()).contains("released the journal database");
      }
      // a start timeout well below the ttl: only a released lease lets it start
      String killed;
      try (ServerProcess again =
          start(db, "again", Map.of("parley.cluster.journal-owner.start-timeout", "3s"))) {
        assertThat(again.log()).doesNotContain("waiting up to");
        Matcher holder =
            Pattern.compile("is held by this node's cluster \\((\\S+)\\)").matcher(again.log());
        assertThat(holder.find()).as(again.log()).isTrue();
        killed = holder.group(1);
        again.kill();
        assertThat(again.log()).doesNotContain("released the journal database");
      }
      // the killed node's lease was neither released nor renewed: the next node takes it only
      // once the database's clock says it has expired (it waits for that if it starts sooner)
      try (ServerProcess next = start(db, "next", Map.of())) {
        assertThat(next.log()).contains("(previous holder " + killed + ", expired ");
        try (TestClient bob = TestClient.join(next.port(), "shared", "bob", "Bob")) {
          bob.send(json("type", "set", "id", "c1", "key", "title", "value", "mine now"));
          assertThat(bob.expectAnswer("c1").path("type").asText()).isEqualTo("ack");
        }
      }
    }
  }

  private ServerProcess start(TestDatabase.Instance db, String name, Map<String, String> extra)
      throws IOException {
    Map<String, String> settings = new HashMap<>(extra);
    settings.put("parley.cluster.journal-owner.ttl", TTL);
    return ServerProcess.start(
        Files.createDirectories(tmp.resolve(name)), db.environment(), settings);
  }
}
