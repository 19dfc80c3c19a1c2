package io.parley.node;

import static io.parley.testing.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.RoomReads;
import io.parley.testing.Management;
import io.parley.testing.ServerProcess;
import io.parley.testing.TestClient;
import io.parley.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.StreamSupport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes of the {@code local-cluster} layer in processes of their own on one PostgreSQL journal:
 * they form one cluster, are ready only once joined, and clients on different nodes share rooms.
 * And a node is not ready while its journal is unreachable.
 */
class ClusterTest {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Duration FORMATION = Duration.ofSeconds(40);

  @TempDir Path tmp;

  @Test
  void threeNodesFormOneClusterAndTheirClientsShareOneRoom() throws IOException {
    int[] remote = {ServerProcess.freePort(), ServerProcess.freePort(), ServerProcess.freePort()};
    String seeds = "127.0.0.1:" + remote[0] + ",127.0.0.1:" + remote[1];
    try (TestDatabase.Instance db = TestDatabase.POSTGRESQL.create()) {
      // node 2 first: it is not the first seed node, so it cannot join before node 1 runs; its
      // HTTP listener waits for that (and for the journal's lease), its management port does not
      int management2 = ServerProcess.freePort();
      CompletableFuture<ServerProcess> starting2 =
          CompletableFuture.supplyAsync(() -> start(db, 2, remote[1], seeds, management2));
      Awaitility.await()
          .atMost(FORMATION)
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(() -> status(management2, "/alive") == 200);
      assertThat(status(management2, "/ready")).isEqualTo(503);
      assertThat(starting2).isNotDone();
      // nodes 1 and 3 start at once (the schema is there: node 2 migrated it)
      CompletableFuture<ServerProcess> starting3 =
          CompletableFuture.supplyAsync(() -> start(db, 3, remote[2], seeds));
      try (ServerProcess node1 = start(db, 1, remote[0], seeds);
          ServerProcess node2 = starting2.join()) {
        try (ServerProcess node3 = starting3.join()) {
          List<ServerProcess> nodes = List.of(node1, node2, node3);
          Awaitility.await()
              .atMost(FORMATION)
              .pollInterval(Duration.ofMillis(200))
              .until(() -> upMembers(node1) == 3 && nodes.stream().allMatch(ClusterTest::ready));
          for (ServerProcess node : nodes) {
            assertThat(upMembers(node)).as("members seen by node %s", node.port()).isEqualTo(3);
          }
          assertThat(get(node1, "/cluster/shards/Room").statusCode()).isEqualTo(200);

          shareOneRoom(node1, node2, node3);
        }
      }
      db.assertHoldsTheJournalOf(tmp.resolve("node1"));
    }
  }

  /** A user with a tab on node 1 and one on node 2, another user on node 3. */
  private static void shareOneRoom(ServerProcess node1, ServerProcess node2, ServerProcess node3) {
    String room = "across-nodes";
    try (TestClient annTab1 = TestClient.join(node1.port(), room, "ann", "Ann");
        TestClient annTab2 = TestClient.join(node2.port(), room, "ann", "Ann");
        TestClient bob = TestClient.join(node3.port(), room, "bob", "Bob")) {
      JsonNode bobWelcome = bob.received().get(0);
      JsonNode members = bobWelcome.path("snapshot").path("members");
      assertThat(members).hasSize(2);
      assertThat(member(members, "ann").path("sessions").asInt()).isEqualTo(2);
      long start = bobWelcome.path("version").asLong();

      List<TestClient> clients = List.of(annTab1, annTab2, bob);
      for (int round = 0; round < 3; round++) {
        for (int c = 0; c < clients.size(); c++) {
          clients
              .get(c)
              .send(json("type", "set", "id", "c" + c + "-" + round, "key", "k" + c, "value", round));
        }
      }
      long last = 0;
      for (int round = 0; round < 3; round++) {
        for (int c = 0; c < clients.size(); c++) {
          JsonNode ack = clients.get(c).expectAnswer("c" + c + "-" + round);
          assertThat(ack.path("type").asText()).as(ack.toString()).isEqualTo("ack");
          last = Math.max(last, ack.path("version").asLong());
        }
      }
      final long lastVersion = last;
      assertThat(lastVersion).isEqualTo(start + 9);
      List<List<String>> seen = new ArrayList<>();
      for (TestClient client : clients) {
        client.expect(
            frame -> frame.path("version").asLong() == lastVersion && isEvent(frame),
            "the event of version " + lastVersion);
        seen.add(
            client.received().stream()
                .filter(ClusterTest::isEvent)
                .filter(frame -> frame.path("version").asLong() > start)
                .map(frame -> frame.path("version").asLong() + " " + frame.path("id").asText())
                .toList());
      }
      assertThat(seen.get(0)).hasSize(9);
      assertThat(seen.get(1)).isEqualTo(seen.get(0));
      assertThat(seen.get(2)).isEqualTo(seen.get(0));

      JsonNode presence = RoomReads.presence(node3.port(), room).path("members");
      assertThat(presence).hasSize(2);
      assertThat(member(presence, "ann").path("sessions").asInt()).isEqualTo(2);
      assertThat(member(presence, "bob").path("sessions").asInt()).isEqualTo(1);
    }
  }

  @Test
  void aNodeIsNotReadyWhileItsJournalIsUnreachable() throws IOException {
    try (TestDatabase.Instance db = TestDatabase.POSTGRESQL.create()) {
      String url = db.environment().get("PARLEY_DB_URL");
      String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
      Path data = Files.createDirectories(tmp.resolve("node"));
      try (ServerProcess node = ServerProcess.start(data, db.environment())) {
        awaitReady(node, true);
        // the journal's tables disappear from the node's view: every query on them fails
        TestDatabase.executeOnPostgres("ALTER SCHEMA " + schema + " RENAME TO " + schema + "_away");
        try {
          awaitReady(node, false);
          assertThat(status(node, "/alive")).isEqualTo(200);
        } finally {
          TestDatabase.executeOnPostgres(
              "ALTER SCHEMA " + schema + "_away RENAME TO " + schema);
        }
        awaitReady(node, true);
      }
    }
  }

  private ServerProcess start(TestDatabase.Instance db, int index, int remotePort, String seeds) {
    return start(db, index, remotePort, seeds, 0);
  }

  private ServerProcess start(
      TestDatabase.Instance db, int index, int remotePort, String seeds, int managementPort) {
    Path data;
    try {
      data = Files.createDirectories(tmp.resolve("node" + index));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ServerProcess.start(
        data,
        db.environment(
            managementPort == 0
                ? Map.of(
                    "PARLEY_CLUSTER_MODE", "local-cluster",
                    "PARLEY_REMOTE_PORT", Integer.toString(remotePort),
                    "PARLEY_SEED_NODES", seeds)
                : Map.of(
                    "PARLEY_CLUSTER_MODE", "local-cluster",
                    "PARLEY_REMOTE_PORT", Integer.toString(remotePort),
                    "PARLEY_SEED_NODES", seeds,
                    "PARLEY_MANAGEMENT_PORT", Integer.toString(managementPort))));
  }

  private static void awaitReady(ServerProcess node, boolean ready) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> ready(node) == ready);
  }

  private static boolean ready(ServerProcess node) {
    return status(node, "/ready") == 200;
  }

  private static long upMembers(ServerProcess node) throws IOException {
    JsonNode members = TestClient.JSON.readTree(get(node, "/cluster/members").body()).path("members");
    return StreamSupport.stream(members.spliterator(), false)
        .filter(m -> "Up".equals(m.path("status").asText()))
        .count();
  }

  private static boolean isEvent(JsonNode frame) {
    return "event".equals(frame.path("type").asText());
  }

  private static JsonNode member(JsonNode members, String userId) {
    for (JsonNode member : members) {
      if (userId.equals(member.path("userId").asText())) {
        return member;
      }
    }
    throw new AssertionError("no member " + userId + " in " + members);
  }

  private static int status(ServerProcess node, String path) {
    return Management.status(node.managementPort(), path);
  }

  private static int status(int managementPort, String path) {
    return Management.status(managementPort, path);
  }

  private static HttpResponse<String> get(ServerProcess node, String path) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.managementPort() + path))
              .timeout(Duration.ofSeconds(5))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError("management of node " + node.port() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
