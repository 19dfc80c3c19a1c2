package io.parley.node;

import static io.parley.testing.LoadChecks.appliedCommands;
import static io.parley.testing.LoadChecks.range;
import static io.parley.testing.LoadChecks.sessionsByUser;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.LoadChecks;
import io.parley.testing.LoadClient;
import io.parley.testing.LocalCluster;
import io.parley.testing.RoomReads;
import io.parley.testing.TestClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of the node that runs a busy room, in a cluster of three node processes on one
 * PostgreSQL journal: the oldest node (the shard coordinator and the journal's lease holder die with
 * the room), or another one. Once the Split Brain Resolver has downed it, the room serves again on a
 * survivor with every acknowledged change; clients on the survivors keep their WebSocket and session
 * and receive every version once, in order; commands retried with the same id are applied at most
 * once; the killed node's members are away, then gone after the grace period, and the others are
 * there exactly once with the right number of sessions. The killed node, started again with its
 * address, rejoins and serves the room as it is.
 */
class NodeKillTest {

  private static final Duration PACE = Duration.ofMillis(300);
  private static final Duration GRACE = Duration.ofSeconds(3);

  private static final Map<String, String> ENVIRONMENT =
      Map.of(
          "PARLEY_SBR_STABLE_AFTER", "2s",
          "PARLEY_PRESENCE_GRACE", GRACE.toSeconds() + "s");

  /** The clients of one user may write a few a second each; the rate limit is not under test. */
  private static final Map<String, String> SETTINGS =
      Map.of(
          "parley.limits.rates.commands.burst", "1000000",
          "parley.limits.rates.commands.per-second", "1000000");

  @TempDir Path work;

  @ParameterizedTest(name = "the killed node is {0}")
  @ValueSource(strings = {"the oldest", "not the oldest"})
  void theRoomOfAKilledNodeServesAgainOnASurvivorWithExactStateAndPresence(String which) {
    try (LocalCluster cluster = LocalCluster.start(work, 3, ENVIRONMENT, SETTINGS)) {
      int oldest = cluster.oldest();
      int x =
          which.equals("the oldest")
              ? oldest
              : cluster.runningNodes().stream().filter(n -> n != oldest).findFirst().orElseThrow();
      List<Integer> survivors = cluster.runningNodes().stream().filter(n -> n != x).toList();
      int s1 = survivors.get(0);
      int s2 = survivors.get(1);
      String room = cluster.roomOn(x, "kill");

      // cat joins first: her events cover every change the load makes
      List<LoadClient> onSurvivors = new ArrayList<>();
      List<LoadClient> onX = new ArrayList<>();
      List<LoadClient> all = new ArrayList<>();
      try {
        onSurvivors.add(join(cluster, s1, room, "cat", "cat1"));
        onX.add(join(cluster, x, room, "ann", "annX"));
        onX.add(join(cluster, x, room, "bob", "bobX"));
        onSurvivors.add(join(cluster, s1, room, "bob", "bob1"));
        onSurvivors.add(join(cluster, s2, room, "dan", "dan2"));
        onSurvivors.add(join(cluster, s1, room, "eve", "eve1"));
        onSurvivors.add(join(cluster, s2, room, "eve", "eve2"));
        onX.add(join(cluster, x, room, "fay", "fayX"));
        all.addAll(onSurvivors);
        all.addAll(onX);
        assertThat(cluster.hostOf(room)).as("the room's node").isEqualTo(x);

        all.forEach(LoadClient::startWriting);
        Awaitility.await("every client acked a few changes")
            .atMost(Duration.ofSeconds(20))
            .until(() -> all.stream().allMatch(c -> c.acked().size() >= 5));

        long versionAtKill = all.stream().mapToLong(LoadClient::lastVersion).max().orElseThrow();
        long killedAt = System.nanoTime();
        cluster.kill(x);
        for (LoadClient client : onX) {
          Awaitility.await(client + " sees its connection end")
              .atMost(Duration.ofSeconds(10))
              .until(() -> client.connection().closeStatus().isPresent());
        }
        cluster.awaitRemoved(x, Duration.ofSeconds(40));
        long removedAt = System.nanoTime();

        Map<LoadClient, Integer> ackedAtRecovery = new HashMap<>();
        Awaitility.await("every client on a survivor acked again")
            .atMost(Duration.ofSeconds(40))
            .until(
                () ->
                    onSurvivors.stream()
                        .allMatch(c -> c.firstAckOfACommandSentAfter(removedAt).isPresent()));
        onSurvivors.forEach(c -> ackedAtRecovery.put(c, c.acked().size()));
        long firstAck =
            onSurvivors.stream()
                .map(c -> c.firstAckOfACommandSentAfter(killedAt))
                .flatMap(java.util.Optional::stream)
                .min(Long::compare)
                .orElseThrow();
        // the room's first new event (a survivor's change, or the killed node's sessions ending)
        long firstEvent =
            onSurvivors.stream()
                .flatMap(c -> c.received().stream())
                .filter(r -> r.frame().path("type").asText().equals("event"))
                .filter(r -> r.frame().path("version").asLong() > versionAtKill)
                .mapToLong(LoadClient.Received::atNanos)
                .min()
                .orElseThrow();
        System.out.printf(
            "NodeKillTest: killed node %d (%s, hosting room %s); removed from the cluster after"
                + " %d ms; the room's first new event reached a client at %d ms, the first ack of"
                + " a command sent after the kill at %d ms (a lost command times out 1 s after"
                + " its node learns the dead node was removed, and its client sends it again)%n",
            x, which, room, millis(removedAt - killedAt), millis(firstEvent - killedAt),
            millis(firstAck - killedAt));

        // members whose only connections were on x leave after the grace period; the others stay,
        // once each, with their sessions on the survivors
        Map<String, Integer> expectedSessions = Map.of("bob", 1, "cat", 1, "dan", 1, "eve", 2);
        JsonNode presence =
            Awaitility.await("presence shows exactly the survivors' users")
                .atMost(GRACE.plus(Duration.ofSeconds(20)))
                .pollInterval(Duration.ofMillis(200))
                .until(
                    () -> RoomReads.presence(cluster.port(s2), room),
                    p -> sessionsByUser(p).equals(expectedSessions));
        assertThat(presence.path("members"))
            .allSatisfy(m -> assertThat(m.path("status").asText()).isEqualTo("online"));
        assertThat(cluster.hostOf(room)).as("the room's node after the failover").isIn(s1, s2);
        Awaitility.await("the load goes on after the failover")
            .atMost(Duration.ofSeconds(20))
            .until(() -> onSurvivors.stream().allMatch(c -> c.acked().size() >= ackedAtRecovery.get(c) + 3));

        onSurvivors.forEach(LoadClient::stopWriting);
        long last = RoomReads.room(cluster.port(s1), room).path("version").asLong();
        for (LoadClient client : onSurvivors) {
          client.awaitVersion(last, Duration.ofSeconds(10));
        }

        for (LoadClient client : all) {
          assertThat(client.failures()).as(client + " " + client.notes()).isEmpty();
        }
        for (LoadClient client : onSurvivors) {
          assertThat(client.connections())
              .as("%s keeps its one connection", client)
              .hasSize(1)
              .allSatisfy(c -> assertThat(c.closeStatus()).isEmpty());
          assertThat(client.eventVersions())
              .as("%s receives every version once, in order", client)
              .isEqualTo(range(client.firstVersion() + 1, last));
        }
        for (LoadClient client : onX) {
          assertThat(client.eventVersions())
              .as("%s received every version once, in order, until the kill", client)
              .isEqualTo(range(client.firstVersion() + 1, client.lastVersion()));
        }

        // every change of the room, from the first client to join: each command applied at most
        // once, every acked one with its acked version, in the state of the room
        LoadClient cat = onSurvivors.get(0);
        Map<String, Long> appliedAt = appliedCommands(cat.events());
        JsonNode state = RoomReads.room(cluster.port(s2), room).path("state");
        int retried = 0;
        for (LoadClient client : all) {
          client.acked().forEach((id, version) -> {
            assertThat(appliedAt.get(client.userId() + "/" + id)).as(id).isEqualTo(version);
            assertThat(state.path(LoadClient.keyOf(id)).path("version").asLong()).as(id).isEqualTo(version);
          });
          retried += client.retried().size();
        }
        try (TestClient fresh = TestClient.join(cluster.port(s2), room, "zed", "Zed")) {
          JsonNode snapshot = fresh.received().get(0).path("snapshot");
          for (LoadClient client : all) {
            client.acked().forEach((id, version) ->
                assertThat(snapshot.path("state").path(LoadClient.keyOf(id)).path("version").asLong())
                    .as("%s in the fresh welcome", id)
                    .isEqualTo(version));
          }
          Map<String, Integer> withZed = new TreeMap<>(expectedSessions);
          withZed.put("zed", 1);
          assertThat(sessionsByUser(snapshot)).isEqualTo(withZed);
        }

        // the survivors saw the killed node's members go away and then leave, each once
        for (LoadClient client : onSurvivors) {
          List<String> presenceEvents =
              client.events().stream()
                  .filter(e -> e.path("version").asLong() > client.firstVersion())
                  .filter(e -> e.path("version").asLong() <= last)
                  .filter(e -> !e.path("kind").asText().equals("state.changed"))
                  .map(e -> e.path("kind").asText() + " " + e.path("userId").asText()
                      + (e.has("reason") ? " " + e.path("reason").asText() : ""))
                  .filter(s -> !s.startsWith("member.joined") && !s.startsWith("session.opened"))
                  .toList();
          assertThat(presenceEvents)
              .as("%s: presence changes after its join", client)
              .containsExactlyInAnyOrder(
                  "session.closed bob",
                  "member.away ann",
                  "member.away fay",
                  "member.left ann timed_out",
                  "member.left fay timed_out");
          assertThat(presenceEvents.indexOf("member.away ann"))
              .isLessThan(presenceEvents.indexOf("member.left ann timed_out"));
          assertThat(presenceEvents.indexOf("member.away fay"))
              .isLessThan(presenceEvents.indexOf("member.left fay timed_out"));
        }
        for (String gone : List.of("ann", "fay")) {
          Instant away = at(cat.events(), "member.away", gone);
          Instant left = at(cat.events(), "member.left", gone);
          assertThat(Duration.between(away, left))
              .as("%s away at %s, left at %s: after the grace period", gone, away, left)
              .isGreaterThanOrEqualTo(GRACE);
        }
        // the killed node comes back with its address and data folder: it rejoins the cluster
        // and serves the room as it is
        long restarting = System.nanoTime();
        cluster.restart(x);
        System.out.printf("NodeKillTest: node %d restarted and rejoined in %d ms%n", x, millis(System.nanoTime() - restarting));
        try (TestClient yan = TestClient.join(cluster.port(x), room, "yan", "Yan")) {
          JsonNode snapshot = yan.received().get(0).path("snapshot");
          assertThat(snapshot.path("version").asLong()).isGreaterThan(last);
          for (LoadClient client : all) {
            client.acked().forEach((id, version) ->
                assertThat(snapshot.path("state").path(LoadClient.keyOf(id)).path("version").asLong())
                    .as("%s in the welcome on the restarted node", id)
                    .isEqualTo(version));
          }
          assertThat(sessionsByUser(snapshot)).containsAllEntriesOf(expectedSessions).containsEntry("yan", 1);
        }
        System.out.printf(
            "NodeKillTest: %d acked changes, %d commands sent again after a timeout or a lost"
                + " connection; room at version %d%n",
            all.stream().mapToInt(c -> c.acked().size()).sum(), retried, last);
        for (LoadClient client : onX) {
          client.unanswered().ifPresent(id -> System.out.printf(
              "NodeKillTest: %s's command %s, sent and unanswered at the kill, was %s%n",
              client, id, appliedAt.containsKey(client.userId() + "/" + id)
                  ? "applied (once, at " + appliedAt.get(client.userId() + "/" + id) + ")"
                  : "not applied"));
        }
        System.out.printf(
            "NodeKillTest: longest wait of a survivor from a command's first sending to its ack: %d ms%n",
            onSurvivors.stream().mapToLong(c -> c.longestAckWait().toMillis()).max().orElse(0));
        all.forEach(c -> c.notes().forEach(n -> System.out.println("  " + c + ": " + n)));
      } catch (AssertionError | RuntimeException e) {
        LoadChecks.printDiagnostics(all, cluster);
        throw e;
      } finally {
        all.forEach(LoadClient::close);
      }
      cluster.assertHoldsTheJournal();
    }
  }

  private int joined;

  /** Each client a slightly different pace, so that the kill finds them at different points. */
  private LoadClient join(LocalCluster cluster, int node, String room, String user, String label) {
    Duration pace = PACE.plusMillis(23L * joined++);
    return LoadClient.join(cluster.port(node), room, user, label, LoadClient.Options.stayOnOneNode(pace));
  }

  private static Instant at(List<JsonNode> events, String kind, String userId) {
    return events.stream()
        .filter(e -> e.path("kind").asText().equals(kind) && e.path("userId").asText().equals(userId))
        .map(e -> Instant.parse(e.path("at").asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " of " + userId));
  }

  private static long millis(long nanos) {
    return Duration.ofNanos(nanos).toMillis();
  }
}
