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
import io.parley.testing.ServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling restart of a three-node cluster under load: each node in turn gets SIGTERM, drains
 * (its clients get the {@code reconnect} frame and a 1000 close), exits 0 and is started again with
 * its remote port and data folder, and rejoins before the next one stops. Clients on every node, in
 * two rooms, keep writing; those of a stopping node reconnect to another node with {@code resume}
 * and send their unanswered command again. No acked change is lost, no command applied twice, and
 * every client receives every version once, in order, across its reconnects; no member ever
 * leaves, and presence ends exact.
 */
class RollingRestartTest {

  private static final Duration PACE = Duration.ofMillis(300);
  private static final List<String> ROOMS = List.of("roll-a", "roll-b");
  private static final List<String> SHUTDOWN_FAILURES =
      List.of(" ERROR ", "Failed to persist", "CircuitBreakerOpenException", "not stopped after");

  /** The grace period outlasts every reconnect: members are away for a moment, never gone. */
  private static final Map<String, String> ENVIRONMENT =
      Map.of("PARLEY_SBR_STABLE_AFTER", "2s", "PARLEY_PRESENCE_GRACE", "30s");

  private static final Map<String, String> SETTINGS =
      Map.of(
          "parley.limits.rates.commands.burst", "1000000",
          "parley.limits.rates.commands.per-second", "1000000",
          "parley.gateway.drain.reconnect-spread", "500ms");

  @TempDir Path work;

  @Test
  void everyNodeRestartedInTurnUnderLoadLosesNothingAndDoublesNothing() {
    try (LocalCluster cluster = LocalCluster.start(work, 3, ENVIRONMENT, SETTINGS)) {
      LoadClient.Options options = LoadClient.Options.reconnectTo(PACE, cluster::runningPorts);
      Map<String, List<LoadClient>> byRoom = new TreeMap<>();
      List<LoadClient> all = new ArrayList<>();
      try {
        for (String room : ROOMS) {
          List<LoadClient> clients = new ArrayList<>();
          for (int node = 0; node < cluster.size(); node++) {
            String user = room.substring(room.length() - 1) + node;
            clients.add(LoadClient.join(cluster.port(node), room, user, user + "n" + node, options));
          }
          byRoom.put(room, clients);
          all.addAll(clients);
        }
        // one user with a tab on node 0 and one on node 1
        LoadClient annTab0 = LoadClient.join(cluster.port(0), ROOMS.get(0), "ann", "ann0", options);
        LoadClient annTab1 = LoadClient.join(cluster.port(1), ROOMS.get(0), "ann", "ann1", options);
        byRoom.get(ROOMS.get(0)).addAll(List.of(annTab0, annTab1));
        all.addAll(List.of(annTab0, annTab1));
        all.forEach(LoadClient::startWriting);
        awaitProgress(all, 5);

        for (int i = 0; i < cluster.size(); i++) {
          int port = cluster.port(i);
          List<LoadClient> onNode = all.stream().filter(c -> c.connection().port() == port).toList();
          Map<String, Integer> hosts = new TreeMap<>();
          ROOMS.forEach(room -> hosts.put(room, cluster.hostOf(room)));
          long stoppedAt = System.nanoTime();
          ServerProcess stopping = cluster.terminate(i);
          assertThat(stopping.awaitExit(Duration.ofSeconds(30))).as(stopping.log()).isZero();
          long exitedAt = System.nanoTime();
          String log = stopping.log();
          SHUTDOWN_FAILURES.forEach(failure -> assertThat(log).as(log).doesNotContain(failure));
          for (LoadClient client : onNode) {
            Awaitility.await(client + " moved to another node")
                .atMost(Duration.ofSeconds(20))
                .until(() -> client.connection().port() != port && client.connection().welcome() != null);
          }
          cluster.restart(i);
          long restartedAt = System.nanoTime();
          awaitProgress(all, 3);
          System.out.printf(
              "RollingRestartTest: node %d (rooms' nodes before: %s) drained %d clients and exited 0"
                  + " in %d ms, was back in the cluster and ready %d ms later%n",
              i, hosts, onNode.size(), millis(exitedAt - stoppedAt), millis(restartedAt - exitedAt));
          for (LoadClient client : onNode) {
            LoadClient.Connection drained =
                client.connections().stream().filter(c -> c.port() == port).findFirst().orElseThrow();
            JsonNode reconnect =
                drained.reconnectFrame().orElseThrow(() -> new AssertionError(client + ": no reconnect frame on " + drained));
            assertThat(reconnect.path("reason").asText()).isEqualTo("node_shutting_down");
            assertThat(reconnect.path("retryAfterMs").asLong()).isBetween(0L, 500L);
            assertThat(drained.lastFrame()).as("%s: the last frame of %s", client, drained).isEqualTo(reconnect);
            assertThat(drained.closeStatus()).as("%s: %s", client, drained).contains(4003);
          }
        }

        all.forEach(LoadClient::stopWriting);
        for (LoadClient client : all) {
          assertThat(client.failures()).as(client + " " + client.notes()).isEmpty();
        }
        int port = cluster.port(0);
        int retried = 0;
        for (Map.Entry<String, List<LoadClient>> entry : byRoom.entrySet()) {
          String room = entry.getKey();
          List<LoadClient> clients = entry.getValue();
          long last = RoomReads.room(port, room).path("version").asLong();
          for (LoadClient client : clients) {
            client.awaitVersion(last, Duration.ofSeconds(10));
            assertThat(client.eventVersions())
                .as("%s receives every version once, in order, across its reconnects", client)
                .isEqualTo(range(client.firstVersion() + 1, last));
            assertThat(client.connections())
                .as("%s: only the last connection is open", client)
                .allSatisfy(c -> assertThat(c.closeStatus().isPresent()).isEqualTo(c != client.connection()));
          }
          // the first client's events hold every change of the load: each applied once, every acked
          // one at its acked version, and in the room's state
          Map<String, Long> appliedAt = appliedCommands(clients.get(0).events());
          JsonNode state = RoomReads.room(port, room).path("state");
          for (LoadClient client : clients) {
            client.acked().forEach((id, version) -> {
              assertThat(appliedAt.get(client.userId() + "/" + id)).as(id).isEqualTo(version);
              assertThat(state.path(LoadClient.keyOf(id)).path("version").asLong()).as(id).isEqualTo(version);
            });
            retried += client.retried().size();
          }
          // nobody left or joined again: a drained member is away, then back with its session
          assertThat(clients.get(0).events())
              .filteredOn(e -> e.path("kind").asText().equals("member.left"))
              .isEmpty();
          Map<String, Integer> sessions = new TreeMap<>();
          clients.forEach(c -> sessions.merge(c.userId(), 1, Integer::sum));
          JsonNode presence = RoomReads.presence(port, room);
          assertThat(sessionsByUser(presence)).as("presence of %s", room).isEqualTo(sessions);
          assertThat(presence.path("members"))
              .allSatisfy(m -> assertThat(m.path("status").asText()).isEqualTo("online"));
        }

        LoadClient slowest = all.stream().max(Comparator.comparing(LoadClient::longestPause)).orElseThrow();
        System.out.printf(
            "RollingRestartTest: %d acked changes, %d commands sent again; longest pause a client"
                + " saw between an ack or event and the next: %d ms (%s)%n",
            all.stream().mapToInt(c -> c.acked().size()).sum(),
            retried,
            slowest.longestPause().toMillis(),
            slowest);
        Map<String, String> pauses = new TreeMap<>();
        all.forEach(c -> pauses.put(c.label(), c.longestPause().toMillis() + "/" + c.longestAckWait().toMillis()));
        System.out.println(
            "RollingRestartTest: per client, longest pause between progress frames / longest wait"
                + " from a command's first sending to its ack (ms): " + pauses);
        all.forEach(c -> c.notes().forEach(n -> System.out.println("  " + c + ": " + n)));
        // a command answered `timeout` is one sharding dropped while it handed its room off (Pekko
        // delivers at most once): show the nodes' own account of it
        if (all.stream().anyMatch(c -> c.notes().stream().anyMatch(n -> n.startsWith("rejected")))) {
          cluster.logs().lines()
              .filter(line -> line.contains("during hand off") || line.contains("actor.Dropped"))
              .forEach(line -> System.out.println("RollingRestartTest: node log: " + line));
        }
      } catch (AssertionError | RuntimeException e) {
        LoadChecks.printDiagnostics(all, cluster);
        throw e;
      } finally {
        all.forEach(LoadClient::close);
      }
      cluster.assertHoldsTheJournal();
    }
  }

  /** Waits until every client is connected and has {@code more} acks more than now. */
  private static void awaitProgress(List<LoadClient> clients, int more) {
    Map<LoadClient, Integer> now = new HashMap<>();
    clients.forEach(c -> now.put(c, c.acked().size()));
    Awaitility.await("every client acked " + more + " more changes")
        .atMost(Duration.ofSeconds(30))
        .until(() -> clients.stream().allMatch(c -> c.acked().size() >= now.get(c) + more));
  }

  private static long millis(long nanos) {
    return Duration.ofNanos(nanos).toMillis();
  }
}
