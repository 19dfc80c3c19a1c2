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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
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

  /**
   * A cluster whose lease is taken by another cluster (here: the row updated as another cluster's
   * node would take it) stops serving and exits with status 3, logging why at ERROR; it leaves
   * the other cluster's row alone.
   */
  @Test
  void aNodeWhoseLeaseIsTakenByAnotherClusterStopsServingAndExitsWith3() throws IOException {
    String other = "pekko://parley@192.0.2.7:25520#4242";
    try (TestDatabase.Instance db = TestDatabase.POSTGRESQL.create()) {
      // renewed every second: the node sees the row taken within about a second
      Map<String, String> environment = db.environment(Map.of("PARLEY_JOURNAL_OWNER_TTL", "3s"));
      try (ServerProcess node =
              ServerProcess.start(
                  Files.createDirectories(tmp.resolve("taken")),
                  environment,
                  Map.of("parley.gateway.drain.reconnect-spread", "0ms"));
          TestClient ann = TestClient.join(node.port(), "shared", "ann", "Ann")) {
        ann.send(json("type", "set", "id", "c1", "key", "title", "value", "mine"));
        assertThat(ann.expectAnswer("c1").path("type").asText()).isEqualTo("ack");

        // as another cluster's node takes the row: a compare-and-set on version
        assertThat(
                update(
                    db,
                    "UPDATE parley_journal_owner SET holder = '" + other + "',"
                        + " expires_at = CURRENT_TIMESTAMP + INTERVAL '5 minutes',"
                        + " version = version + 1 WHERE id = 1"))
            .isEqualTo(1);

        // it stops serving: its clients are told to go elsewhere and closed, its port closes
        assertThat(ann.expect("reconnect").path("reason").asText()).isEqualTo("node_shutting_down");
        assertThat(ann.awaitClosed()).as("node_shutting_down").isEqualTo(4003);
        assertThat(node.awaitExit(Duration.ofSeconds(30))).as(node.log()).isEqualTo(3);
        assertThat(node.log())
            .containsPattern(
                " ERROR .*the journal database .* was taken by another Parley cluster \\(owner "
                    + Pattern.quote(other)
                    + " until .*\\); another cluster may now write to it: this node stops serving"
                    + " rooms and shuts down \\(exit status 3\\)")
            .doesNotContain("released the journal database");
        assertThatThrownBy(() -> TestClient.connect(node.port(), "shared"))
            .as("nothing listens any more")
            .isInstanceOf(RuntimeException.class);
      }
      assertThat(holder(db)).as("the other cluster's hold is left as it was").isEqualTo(other);
    }
  }

  /** Runs an update on the test's database, as the node sees it (its schema); returns the rows. */
  private static int update(TestDatabase.Instance db, String sql) {
    try (Connection connection = connect(db);
        Statement statement = connection.createStatement()) {
      return statement.executeUpdate(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  private static String holder(TestDatabase.Instance db) {
    try (Connection connection = connect(db);
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT holder FROM parley_journal_owner WHERE id = 1")) {
      assertThat(row.next()).as("the lease row").isTrue();
      return row.getString(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Connection connect(TestDatabase.Instance db) throws SQLException {
    Map<String, String> environment = db.environment();
    return DriverManager.getConnection(
        environment.get("PARLEY_DB_URL"),
        environment.get("PARLEY_DB_USER"),
        environment.get("PARLEY_DB_PASSWORD"));
  }

  private ServerProcess start(TestDatabase.Instance db, String name, Map<String, String> extra)
      throws IOException {
    Map<String, String> settings = new HashMap<>(extra);
    settings.put("parley.cluster.journal-owner.ttl", TTL);
    return ServerProcess.start(
        Files.createDirectories(tmp.resolve(name)), db.environment(), settings);
  }
}
