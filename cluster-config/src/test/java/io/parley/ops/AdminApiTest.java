package io.parley.ops;

import static io.parley.testing.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.LocalCluster;
import io.parley.testing.Management;
import io.parley.testing.ParleyNode;
import io.parley.testing.RawHttp;
import io.parley.testing.TestClient;
import io.parley.testing.Tokens;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API on the management port (docs/OPERATIONS.md, "Admin API"), black-box on a node
 * in production mode with tokens: every endpoint refuses a request without the operator
 * credential or with a wrong one; with it, the listing shows the rooms real clients joined,
 * inspect shows them, and kick, close and drain are observed by the clients.
 */
class AdminApiTest {

  private static final String OPERATOR_TOKEN = "admin-api-operator-token-0123456789";
  private static final Map<String, String> OPERATOR = bearer(OPERATOR_TOKEN);

  private static final Map<String, Object> SETTINGS =
      Map.of(
          "parley.mode", "production",
          "parley.auth.mode", "jwt",
          "parley.auth.hs256-secret", Tokens.SECRET,
          "parley.auth.issuer", Tokens.ISSUER,
          "parley.auth.audience", Tokens.AUDIENCE,
          "parley.management.operator-token", OPERATOR_TOKEN);

  private static Map<String, String> bearer(String token) {
    return Map.of("Authorization", "Bearer " + token);
  }

  private static String token(String userId, String level) {
    return Tokens.hs256(Tokens.claims(userId, userId.toUpperCase(), Map.of("adm-*", level)));
  }

  private static TestClient join(int port, String room, String userId) {
    TestClient client =
        TestClient.open(
            URI.create(
                "ws://127.0.0.1:" + port + "/v1/rooms/" + room + "/ws?access_token=" + token(userId, "write")),
            Map.of(),
            List.of());
    client.send(json("type", "hello"));
    client.expect("welcome");
    return client;
  }

  private static JsonNode body(RawHttp.Response response) {
    assertThat(response.contentType()).as(response.body()).startsWith("application/json");
    try {
      return TestClient.JSON.readTree(response.body());
    } catch (JsonProcessingException e) {
      throw new AssertionError("not JSON: " + response.body(), e);
    }
  }

  /** The JSON answer of a request that must answer {@code status}. */
  private static JsonNode call(int port, String method, String target, Map<String, String> headers, int status) {
    RawHttp.Response response = RawHttp.request(port, method, target, headers);
    assertThat(response.status()).as(method + " " + target + ": " + response.body()).isEqualTo(status);
    return body(response);
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class OnOneNode {

    @RegisterExtension final ParleyNode server = new ParleyNode(SETTINGS);

    private final AtomicInteger rooms = new AtomicInteger();

    private String newRoom() {
      return "adm-" + rooms.incrementAndGet();
    }

    @Test
    void everyEndpointNeedsTheOperatorCredential() {
      int port = server.managementPort();
      List<String[]> endpoints =
          List.of(
              new String[] {"GET", "/admin/rooms"},
              new String[] {"GET", "/admin/rooms?scope=cluster"},
              new String[] {"GET", "/admin/rooms/adm-none"},
              new String[] {"POST", "/admin/rooms/adm-none/close"},
              new String[] {"POST", "/admin/rooms/adm-none/members/bob/kick"},
              new String[] {"POST", "/admin/drain"});
      for (String[] endpoint : endpoints) {
        for (Map<String, String> headers : List.of(Map.<String, String>of(), bearer("wrong"))) {
          JsonNode refused = call(port, endpoint[0], endpoint[1], headers, 401);
          assertThat(refused.path("code").asText()).isEqualTo("unauthenticated");
          assertThat(refused.path("message").asText()).contains("operator token");
        }
      }
      // with it (drain has a test of its own): a room that does not run is not started
      assertThat(call(port, "GET", "/admin/rooms", OPERATOR, 200).has("rooms")).isTrue();
      for (String[] endpoint : endpoints.subList(2, 5)) {
        JsonNode notActive = call(port, endpoint[0], endpoint[1], OPERATOR, 404);
        assertThat(notActive.path("code").asText()).isEqualTo("room_not_active");
      }
      assertThat(call(port, "GET", "/admin/rooms/-bad", OPERATOR, 400).path("field").asText())
          .isEqualTo("roomId");
      assertThat(call(port, "GET", "/admin/rooms?limit=0", OPERATOR, 400).path("field").asText())
          .isEqualTo("limit");
      assertThat(call(port, "GET", "/admin/rooms?scope=galaxy", OPERATOR, 400).path("field").asText())
          .isEqualTo("scope");
    }

    @Test
    void aUserWhoseTokenGivesAdminInTheRoomMayUseItsRoutesNotTheNodes() {
      int port = server.managementPort();
      String room = newRoom();
      try (TestClient bob = join(server.port(), room, "bob")) {
        Map<String, String> admin = bearer(token("ada", "admin"));
        assertThat(call(port, "GET", "/admin/rooms/" + room, admin, 200).path("roomId").asText())
            .isEqualTo(room);
        JsonNode forbidden = call(port, "GET", "/admin/rooms/" + room, bearer(token("cid", "write")), 403);
        assertThat(forbidden.path("code").asText()).isEqualTo("forbidden");
        assertThat(call(port, "GET", "/admin/rooms", admin, 401).path("code").asText())
            .isEqualTo("unauthenticated");
        assertThat(call(port, "POST", "/admin/drain", admin, 401).path("code").asText())
            .isEqualTo("unauthenticated");

        call(port, "POST", "/admin/rooms/" + room + "/members/bob/kick", admin, 200);
        assertThat(bob.expect("error").path("code").asText()).isEqualTo("kicked");
      }
    }

    @Test
    void theListingShowsTheRoomsClientsJoinedSortedAndPaged() {
      int port = server.managementPort();
      try (TestClient a = join(server.port(), "adm-list-a", "ann");
          TestClient b = join(server.port(), "adm-list-b", "ann");
          TestClient c = join(server.port(), "adm-list-c", "ann")) {
        JsonNode first = call(port, "GET", "/admin/rooms?limit=2&after=adm-list-", OPERATOR, 200);
        assertThat(roomIds(first)).containsExactly("adm-list-a", "adm-list-b");
        assertThat(first.path("next").asText()).isEqualTo("adm-list-b");
        String node = first.at("/rooms/0/node").asText();
        assertThat(node).startsWith("pekko://parley@");

        JsonNode second = call(port, "GET", "/admin/rooms?limit=2&after=adm-list-b", OPERATOR, 200);
        assertThat(roomIds(second).get(0)).isEqualTo("adm-list-c");

        JsonNode cluster = call(port, "GET", "/admin/rooms?scope=cluster&after=adm-list-", OPERATOR, 200);
        assertThat(roomIds(cluster)).startsWith("adm-list-a", "adm-list-b", "adm-list-c");
        assertThat(cluster.at("/rooms/2/node").asText()).isEqualTo(node);
        assertThat(cluster.path("unanswered")).isEmpty();

        JsonNode all = call(port, "GET", "/admin/rooms", OPERATOR, 200);
        assertThat(roomIds(all)).contains("adm-list-a", "adm-list-b", "adm-list-c").isSorted();
        assertThat(all.path("next").isNull()).isTrue();
      }
    }

    @Test
    void inspectShowsTheMembersTheirSessionsAndNodeTheVersionAndTheKeys() {
      String room = newRoom();
      try (TestClient ann = join(server.port(), room, "ann");
          TestClient annTab = join(server.port(), room, "ann");
          TestClient bob = join(server.port(), room, "bob")) {
        ann.send(json("type", "set", "id", "c1", "key", "title", "value", "hello"));
        long version = ann.expectAnswer("c1").path("version").asLong();

        JsonNode inspected = call(server.managementPort(), "GET", "/admin/rooms/" + room, OPERATOR, 200);

        assertThat(inspected.path("roomId").asText()).isEqualTo(room);
        assertThat(inspected.path("version").asLong()).isEqualTo(version);
        assertThat(inspected.path("keyCount").asInt()).isEqualTo(1);
        // "title" and "hello" written as JSON, quotes included
        assertThat(inspected.path("keyBytes").asLong()).isEqualTo(5 + 7);
        assertThat(inspected.path("chatCount").asInt()).isZero();
        assertThat(inspected.path("mailboxDepth").asInt()).isGreaterThanOrEqualTo(0);
        String node = inspected.path("node").asText();
        assertThat(node).startsWith("pekko://parley@");
        JsonNode members = inspected.path("members");
        assertThat(members).hasSize(2);
        assertThat(members.at("/0/userId").asText()).isEqualTo("ann");
        assertThat(members.at("/0/status").asText()).isEqualTo("online");
        assertThat(members.at("/0/sessions")).hasSize(2);
        for (JsonNode session : members.at("/0/sessions")) {
          assertThat(session.path("sessionId").asText()).isNotEmpty();
          assertThat(session.path("node").asText()).isEqualTo(node);
        }
        assertThat(members.at("/1/userId").asText()).isEqualTo("bob");
      }
    }

    @Test
    void aKickEndsEverySessionOfTheMemberAndTheOthersSeeItLeave() {
      String room = newRoom();
      try (TestClient bob = join(server.port(), room, "bob");
          TestClient cid = join(server.port(), room, "cid")) {
        JsonNode kicked =
            call(server.managementPort(), "POST", "/admin/rooms/" + room + "/members/bob/kick", OPERATOR, 200);
        assertThat(kicked.path("roomId").asText()).isEqualTo(room);
        assertThat(kicked.path("userId").asText()).isEqualTo("bob");

        assertThat(bob.expect("error").path("code").asText()).isEqualTo("kicked");
        bob.awaitClosed();
        JsonNode left = cid.expectEvent("member.left");
        assertThat(left.path("userId").asText()).isEqualTo("bob");
        assertThat(left.path("reason").asText()).isEqualTo("kicked");
        assertThat(left.path("version").asLong()).isEqualTo(kicked.path("version").asLong());
      }
    }

    @Test
    void closingTheRoomEndsEverySessionAndKeepsTheState() {
      String room = newRoom();
      try (TestClient ann = join(server.port(), room, "ann");
          TestClient bob = join(server.port(), room, "bob")) {
        ann.send(json("type", "set", "id", "c1", "key", "title", "value", "kept"));
        ann.expectAnswer("c1");

        JsonNode closed = call(server.managementPort(), "POST", "/admin/rooms/" + room + "/close", OPERATOR, 200);
        assertThat(closed.path("roomId").asText()).isEqualTo(room);

        for (TestClient client : List.of(ann, bob)) {
          assertThat(client.expect("error").path("code").asText()).isEqualTo("room_closed");
          client.awaitClosed();
        }
      }
      try (TestClient again = join(server.port(), room, "bob")) {
        assertThat(again.received().get(0).at("/snapshot/state/title/value").asText()).isEqualTo("kept");
      }
    }

    private static List<String> roomIds(JsonNode page) {
      List<String> ids = new ArrayList<>();
      page.path("rooms").forEach(room -> ids.add(room.path("roomId").asText()));
      return ids;
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Drain {

    @RegisterExtension final ParleyNode server = new ParleyNode(SETTINGS);

    @Test
    void aDrainedNodeIsNotReadyRefusesNewStreamsAndTellsItsClientsToReconnect() {
      int port = server.managementPort();
      Awaitility.await().atMost(TestClient.WAIT).until(() -> Management.status(port, "/ready") == 200);
      try (TestClient ann = join(server.port(), "adm-drain", "ann")) {
        JsonNode drained = call(port, "POST", "/admin/drain", OPERATOR, 202);
        assertThat(drained.path("draining").asBoolean()).isTrue();
        assertThat(drained.path("alreadyDraining").asBoolean()).isFalse();
        assertThat(drained.path("openConnections").asInt()).isEqualTo(1);

        assertThat(Management.status(port, "/ready")).isEqualTo(503);
        assertThat(ann.expect("reconnect").path("reason").asText()).isEqualTo("node_shutting_down");
        ann.awaitClosed();

        Map<String, String> upgrade = new HashMap<>(Tokens.upgradeHeaders());
        upgrade.putAll(bearer(token("bob", "write")));
        RawHttp.Response refused = RawHttp.get(server.port(), "/v1/rooms/adm-drain/ws", upgrade);
        assertThat(refused.status()).as(refused.body()).isEqualTo(503);
        assertThat(body(refused).path("code").asText()).isEqualTo("node_shutting_down");
        // the node still serves reads until the operator stops it
        assertThat(RawHttp.get(server.port(), "/v1/rooms/adm-drain", bearer(token("bob", "read"))).status())
            .isEqualTo(200);

        JsonNode again = call(port, "POST", "/admin/drain", OPERATOR, 202);
        assertThat(again.path("alreadyDraining").asBoolean()).isTrue();
      }
    }
  }

  /**
   * Two nodes (processes of their own, development mode: the operator routes are open without a
   * token there): the cluster-wide listing names the node of each room, and a room on the other
   * node is inspected and moderated through this node's management port.
   */
  @Nested
  class AcrossTwoNodes {

    @TempDir Path work;

    @Test
    void theClusterListingNamesEachRoomsNodeAndAnyNodeActsOnAnyRoom() {
      try (LocalCluster cluster = LocalCluster.start(work, 2, Map.of(), Map.of())) {
        String here = cluster.roomOn(0, "adm-here");
        String there = cluster.roomOn(1, "adm-there");
        try (TestClient ann = TestClient.join(cluster.port(0), here, "ann", "Ann");
            TestClient bob = TestClient.join(cluster.port(0), there, "bob", "Bob");
            TestClient cid = TestClient.join(cluster.port(1), there, "cid", "Cid")) {
          int port = cluster.managementPort(0);
          String node0 = "pekko://parley@127.0.0.1:" + cluster.remotePort(0);
          String node1 = "pekko://parley@127.0.0.1:" + cluster.remotePort(1);

          JsonNode local = call(port, "GET", "/admin/rooms", Map.of(), 200);
          assertThat(local.path("rooms").findValuesAsText("roomId")).contains(here).doesNotContain(there);
          JsonNode all = call(port, "GET", "/admin/rooms?scope=cluster", Map.of(), 200);
          Map<String, String> nodes = new HashMap<>();
          all.path("rooms").forEach(room -> nodes.put(room.path("roomId").asText(), room.path("node").asText()));
          assertThat(nodes).containsEntry(here, node0).containsEntry(there, node1);

          JsonNode inspected = call(port, "GET", "/admin/rooms/" + there, Map.of(), 200);
          assertThat(inspected.path("node").asText()).isEqualTo(node1);
          Map<String, String> sessionNodes = new HashMap<>();
          inspected.path("members").forEach(member -> sessionNodes.put(member.path("userId").asText(), member.at("/sessions/0/node").asText()));
          assertThat(sessionNodes).containsEntry("bob", node0).containsEntry("cid", node1);

          call(port, "POST", "/admin/rooms/" + there + "/members/bob/kick", Map.of(), 200);
          assertThat(bob.expect("error").path("code").asText()).isEqualTo("kicked");
          assertThat(cid.expectEvent("member.left").path("reason").asText()).isEqualTo("kicked");
        }
      }
    }
  }
}
