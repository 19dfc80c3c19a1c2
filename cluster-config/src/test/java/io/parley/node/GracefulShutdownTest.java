package io.parley.node;

import static io.parley.testing.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.RoomReads;
import io.parley.testing.Management;
import io.parley.testing.ServerProcess;
import io.parley.testing.SseClient;
import io.parley.testing.TestClient;
import io.parley.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SIGTERM on a node with WebSocket clients, an SSE reader and acknowledged writes going on: the
 * clients are told to reconnect and closed, the SSE stream ends, the rooms record who went away
 * before the journal closes, and the node exits 0. Started again on the same database, it has
 * every acknowledged change and the clients resume with no gap and no duplicate, still members.
 */
class GracefulShutdownTest {

  private static final String ROOM = "drain";
  private static final Duration EXIT_WITHIN = Duration.ofSeconds(20);
  private static final List<String> SHUTDOWN_FAILURES =
      List.of(
          " ERROR ",
          "Database is already closed",
          "Failed to persist",
          "CircuitBreakerOpenException",
          "not stopped after");

  /** The grace period outlasts the restart: members that reconnect are away, never left. */
  private static final Map<String, String> ENVIRONMENT = Map.of("PARLEY_PRESENCE_GRACE", "60s");

  private static final Map<String, String> SETTINGS =
      Map.of(
          "parley.limits.rates.commands.burst", "1000000",
          "parley.gateway.drain.reconnect-spread", "500ms",
          // long enough for the test to see the node unready before it unbinds
          "parley.node.drain.unready-delay", "1s");

  @TempDir Path work;

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void aNodeStoppedUnderLoadDrainsItsClientsAndLosesNothing(TestDatabase database) {
    try (TestDatabase.Instance db = database.create()) {
      Path data = work.resolve("data");
      Map<String, String> environment = new HashMap<>(ENVIRONMENT);
      environment.putAll(db.environment());
      Stopped stopped = stopUnderLoad(data, environment);
      restartAndResume(data, environment, stopped);
      db.assertHoldsTheJournalOf(data);
    }
  }

  /** PROTOCOL.md: with the default settings, `retryAfterMs` is at most 1 s. */
  @Test
  void withTheDefaultSettingsAClientIsToldToWaitAtMostOneSecond() {
    try (ServerProcess node = ServerProcess.start(work.resolve("defaults"))) {
      List<TestClient> clients = new java.util.ArrayList<>();
      try {
        for (int i = 0; i < 8; i++) {
          clients.add(TestClient.join(node.port(), ROOM, "user" + i, "User " + i));
        }
        node.terminate();
        for (TestClient client : clients) {
          JsonNode reconnect = client.expect("reconnect");
          assertThat(reconnect.path("retryAfterMs").asLong()).isBetween(0L, 1000L);
        }
        assertThat(node.awaitExit(EXIT_WITHIN)).as(node.log()).isZero();
      } finally {
        clients.forEach(TestClient::close);
      }
    }
  }

  /** What the clients had when the node stopped. */
  private record Stopped(
      Map<String, Long> acked, Optional<String> unanswered, long annAt, long bobAt, long sseAt) {}

  private Stopped stopUnderLoad(Path data, Map<String, String> environment) {
    try (ServerProcess node = ServerProcess.start(data, environment, SETTINGS);
        TestClient ann = TestClient.join(node.port(), ROOM, "ann", "Ann");
        TestClient bob = TestClient.join(node.port(), ROOM, "bob", "Bob");
        SseClient sse = SseClient.open(node.port(), ROOM, Optional.empty())) {
      SseClient.Event snapshot = sse.nextEvent();
      assertThat(snapshot.type()).isEqualTo("snapshot");
      Map<String, Long> acked = new ConcurrentHashMap<>();
      AtomicReference<String> unanswered = new AtomicReference<>();
      CompletableFuture<Void> writes =
          CompletableFuture.runAsync(() -> writeUntilClosed(ann, acked, unanswered));
      Awaitility.await().atMost(TestClient.WAIT).until(() -> acked.size() >= 10);

      assertThat(Management.status(node.managementPort(), "/ready")).isEqualTo(200);
      node.terminate();
      Awaitility.await()
          .atMost(TestClient.WAIT)
          .until(() -> Management.status(node.managementPort(), "/ready") == 503);

      for (TestClient client : List.of(ann, bob)) {
        JsonNode reconnect = client.expect("reconnect");
        assertThat(reconnect.path("reason").asText()).isEqualTo("node_shutting_down");
        assertThat(reconnect.path("retryAfterMs").asLong()).isBetween(0L, 500L);
        assertThat(client.awaitClosed()).as("node_shutting_down").isEqualTo(4003);
        List<JsonNode> received = client.received();
        assertThat(received.get(received.size() - 1)).as("the last frame").isEqualTo(reconnect);
      }
      sse.awaitNormalEnd();
      writes.join();
      assertThat(node.awaitExit(EXIT_WITHIN)).as(node.log()).isZero();
      String log = node.log();
      SHUTDOWN_FAILURES.forEach(failure -> assertThat(log).as(log).doesNotContain(failure));

      long sseAt =
          sse.takeEvents().stream()
              .mapToLong(e -> Long.parseLong(e.id()))
              .max()
              .orElse(Long.parseLong(snapshot.id()));
      return new Stopped(
          Map.copyOf(acked),
          Optional.ofNullable(unanswered.get()),
          lastVersion(ann),
          lastVersion(bob),
          sseAt);
    }
  }

  /** Sets one key after another, each once its predecessor is answered, until the close. */
  private static void writeUntilClosed(
      TestClient ann, Map<String, Long> acked, AtomicReference<String> unanswered) {
    for (int i = 0; ; i++) {
      String id = "c" + i;
      Optional<JsonNode> answer;
      try {
        ann.send(json("type", "set", "id", id, "key", "k" + i, "value", i));
        answer = ann.answerOrClose(id);
      } catch (RuntimeException closing) {
        answer = Optional.empty();
      }
      if (answer.isEmpty()) {
        unanswered.set(id);
        return;
      }
      assertThat(answer.get().path("type").asText()).as(answer.get().toString()).isEqualTo("ack");
      acked.put("k" + i, answer.get().path("version").asLong());
    }
  }

  private void restartAndResume(Path data, Map<String, String> environment, Stopped stopped) {
    try (ServerProcess node = ServerProcess.start(data, environment, SETTINGS)) {
      JsonNode state = RoomReads.room(node.port(), ROOM).path("state");
      stopped.acked().forEach(
          (key, version) ->
              assertThat(state.path(key).path("version").asLong()).as(key).isEqualTo(version));
      JsonNode members = RoomReads.presence(node.port(), ROOM).path("members");
      assertThat(members).hasSize(2);
      members.forEach(member -> assertThat(member.path("status").asText()).isEqualTo("away"));

      try (TestClient ann = resume(node.port(), "ann", "Ann", stopped.annAt());
          TestClient bob = resume(node.port(), "bob", "Bob", stopped.bobAt());
          SseClient sse =
              SseClient.open(node.port(), ROOM, Optional.of(Long.toString(stopped.sseAt())))) {
        // a command left unanswered by the close is sent again, the same command with the same
        // id: applied once
        stopped.unanswered().ifPresent(id -> {
          int i = Integer.parseInt(id.substring(1));
          ann.send(json("type", "set", "id", id, "key", "k" + i, "value", i));
          assertThat(ann.expectAnswer(id).path("type").asText()).isEqualTo("ack");
        });
        ann.send(json("type", "set", "id", "after", "key", "after", "value", true));
        long last = ann.expectAnswer("after").path("version").asLong();
        bob.expect(frame -> frame.path("version").asLong() == last, "version " + last);

        assertNoGapNoDuplicate(ann, stopped.annAt(), last);
        assertNoGapNoDuplicate(bob, stopped.bobAt(), last);
        assertThat(sse.nextEvent().id()).isEqualTo(Long.toString(stopped.sseAt() + 1));
        for (TestClient client : List.of(ann, bob)) {
          assertThat(client.received())
              .noneMatch(TestClient.event("member.left"))
              .noneMatch(TestClient.event("member.joined"));
        }
      }
    }
  }

  private static TestClient resume(int port, String userId, String name, long from) {
    TestClient client = TestClient.connect(port, ROOM);
    client.send(
        json("type", "hello", "userId", userId, "name", name, "resume", Map.of("version", from)));
    JsonNode welcome = client.expect("welcome");
    assertThat(welcome.path("resumed").asBoolean()).as(welcome.toString()).isTrue();
    assertThat(welcome.path("version").asLong()).isEqualTo(from);
    return client;
  }

  /** The events after the resumed welcome are exactly the versions after {@code from}. */
  private static void assertNoGapNoDuplicate(TestClient client, long from, long last) {
    List<Long> versions =
        client.received().stream()
            .filter(frame -> "event".equals(frame.path("type").asText()))
            .map(frame -> frame.path("version").asLong())
            .toList();
    assertThat(versions)
        .as(client.received().toString())
        .isEqualTo(LongStream.rangeClosed(from + 1, last).boxed().toList());
  }

  private static long lastVersion(TestClient client) {
    return client.received().stream()
        .filter(frame -> "event".equals(frame.path("type").asText()))
        .mapToLong(frame -> frame.path("version").asLong())
        .max()
        .orElseThrow();
  }
}
