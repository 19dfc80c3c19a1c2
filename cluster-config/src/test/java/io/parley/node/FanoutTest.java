package io.parley.node;

import static io.parley.testing.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.Management;
import io.parley.testing.ServerProcess;
import io.parley.testing.TestClient;
import io.parley.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-node fan-out, counted on three node processes: a room's event reaches every node with
 * connections in the room as one message, wherever the room runs, and each node hands it to its
 * own connections. Each node's {@code /fanout} (management port) counts the room messages it
 * received and the updates it delivered.
 */
class FanoutTest {

  private static final Duration FORMATION = Duration.ofSeconds(40);
  private static final int CHANGES = 5;

  @TempDir Path tmp;

  @Test
  void anEventCrossesToEachNodeOnceAndReachesEveryConnectionThere() throws IOException {
    int[] remote = {ServerProcess.freePort(), ServerProcess.freePort(), ServerProcess.freePort()};
    String seeds = "127.0.0.1:" + remote[0] + ",127.0.0.1:" + remote[1];
    try (TestDatabase.Instance db = TestDatabase.POSTGRESQL.create()) {
      List<CompletableFuture<ServerProcess>> starting =
          IntStream.range(0, 3)
              .mapToObj(i -> CompletableFuture.supplyAsync(() -> start(db, i, remote[i], seeds)))
              .toList();
      List<ServerProcess> nodes = new ArrayList<>();
      try {
        starting.forEach(node -> nodes.add(node.join()));
        Awaitility.await()
            .atMost(FORMATION)
            .pollInterval(Duration.ofMillis(200))
            .until(() -> nodes.stream().allMatch(node -> Management.status(node.managementPort(), "/ready") == 200));
        twoConnectionsPerNode(nodes);
      } finally {
        for (ServerProcess node : nodes) {
          node.close();
        }
      }
    }
  }

  private static void twoConnectionsPerNode(List<ServerProcess> nodes) {
    String room = "fanout";
    List<TestClient> clients = new ArrayList<>();
    try {
      for (int n = 0; n < nodes.size(); n++) {
        for (int c = 0; c < 2; c++) {
          clients.add(TestClient.join(nodes.get(n).port(), room, "u" + n + c, "User " + n + c));
        }
      }
      // the last to join has its welcome at that version; the others get the event
      long joined = clients.get(clients.size() - 1).received().get(0).path("version").asLong();
      clients.subList(0, clients.size() - 1).forEach(client -> awaitVersion(client, joined));
      List<JsonNode> before = fanout(nodes);

      TestClient author = clients.get(0);
      for (int i = 0; i < CHANGES; i++) {
        author.send(json("type", "set", "id", "c" + i, "key", "k", "value", i));
      }
      for (int i = 0; i < CHANGES; i++) {
        assertThat(author.expectAnswer("c" + i).path("type").asText()).isEqualTo("ack");
      }
      clients.forEach(client -> awaitVersion(client, joined + CHANGES));
      List<JsonNode> afterEvents = fanout(nodes);
      for (int n = 0; n < nodes.size(); n++) {
        assertThat(delta(afterEvents, before, n, "roomMessages"))
            .as("room messages received by node %d for %d events", n, CHANGES)
            .isEqualTo(CHANGES);
        assertThat(delta(afterEvents, before, n, "deliveries"))
            .as("events delivered by node %d to its 2 connections", n)
            .isEqualTo(2L * CHANGES);
      }

      // a lone cursor goes to every node too, once, and to every connection but its mover's
      author.send(json("type", "cursor", "x", 0.25, "y", 0.5));
      for (TestClient other : clients.subList(1, clients.size())) {
        other.expect("cursors");
      }
      List<JsonNode> afterCursor = fanout(nodes);
      for (int n = 0; n < nodes.size(); n++) {
        assertThat(delta(afterCursor, afterEvents, n, "roomMessages")).isEqualTo(1);
        assertThat(delta(afterCursor, afterEvents, n, "deliveries")).isEqualTo(n == 0 ? 1 : 2);
      }
    } finally {
      clients.forEach(TestClient::close);
    }
  }

  private static void awaitVersion(TestClient client, long version) {
    client.expect(
        frame -> frame.path("version").asLong() >= version && "event".equals(frame.path("type").asText()),
        "version " + version);
  }

  private static List<JsonNode> fanout(List<ServerProcess> nodes) {
    return nodes.stream().map(node -> Management.json(node.managementPort(), "/fanout")).toList();
  }

  private static long delta(List<JsonNode> after, List<JsonNode> before, int node, String field) {
    return after.get(node).path(field).asLong() - before.get(node).path(field).asLong();
  }

  private ServerProcess start(TestDatabase.Instance db, int index, int remotePort, String seeds) {
    try {
      Path data = Files.createDirectories(tmp.resolve("node" + index));
      return ServerProcess.start(
          data,
          db.environment(
              Map.of(
                  "PARLEY_CLUSTER_MODE", "local-cluster",
                  "PARLEY_REMOTE_PORT", Integer.toString(remotePort),
                  "PARLEY_SEED_NODES", seeds)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
