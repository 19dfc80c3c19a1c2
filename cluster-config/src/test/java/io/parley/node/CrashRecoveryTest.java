package io.parley.node;

import static io.parley.testing.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.RoomReads;
import io.parley.testing.ServerProcess;
import io.parley.testing.SseClient;
import io.parley.testing.TestClient;
import io.parley.testing.TestDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The consistency contract under a crash: clients write acked changes in a loop, the node is
 * killed with {@code kill -9} mid-load and started again. Every acked change is in the room,
 * versions are contiguous, nothing is applied twice, a retried command is recognised, and every
 * client that resumes from the last version it saw ends with exactly the server's state.
 */
class CrashRecoveryTest {

  private static final String ROOM = "crash-load";
  private static final int CLIENTS = 3;
  private static final int ACKS_BEFORE_KILL = 25;

  @TempDir Path work;

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void ackedChangesSurviveAKillAndEveryClientResumesToTheSameState(TestDatabase database)
      throws Exception {
    try (TestDatabase.Instance db = database.create()) {
      Path data = work.resolve("data");
      Map<String, String> env = db.environment(Map.of());
      // The writers write as fast as the node acks, far above the default rate limit.
      Map<String, String> unlimited =
          Map.of(
              "parley.limits.rates.commands.burst", "1000000",
              "parley.limits.rates.commands.per-second", "1000000");
      List<Writer> writers = new ArrayList<>();
      try (ServerProcess first = ServerProcess.start(data, env, unlimited)) {
        CountDownLatch enoughAcks = new CountDownLatch(CLIENTS);
        for (int i = 0; i < CLIENTS; i++) {
          writers.add(new Writer("user" + i, TestClient.join(first.port(), ROOM, "user" + i, "U" + i)));
        }
        List<CompletableFuture<Void>> loops = new ArrayList<>();
        for (Writer writer : writers) {
          loops.add(CompletableFuture.runAsync(() -> writer.writeUntilTheServerDies(enoughAcks)));
        }
        assertThat(enoughAcks.await(60, TimeUnit.SECONDS)).isTrue();
        first.kill();
        CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      }

      try (ServerProcess second = ServerProcess.start(data, env, unlimited)) {
        long before = RoomReads.room(second.port(), ROOM).path("version").asLong();
        List<JsonNode> history = history(second.port(), before);

        assertThat(history).extracting(e -> e.path("version").asLong())
            .as("versions are contiguous from 1")
            .containsExactlyElementsOf(range(1, before));
        Map<String, Long> appliedAt = new HashMap<>();
        for (JsonNode event : history) {
          if (event.path("kind").asText().equals("state.changed")) {
            String command = event.path("userId").asText() + "/" + event.path("id").asText();
            assertThat(appliedAt.put(command, event.path("version").asLong()))
                .as("command %s applied once", command)
                .isNull();
          }
        }
        for (Writer writer : writers) {
          assertThat(writer.acked).isNotEmpty();
          writer.acked.forEach(
              (commandId, version) ->
                  assertThat(appliedAt.get(writer.userId + "/" + commandId))
                      .as("acked %s of %s", commandId, writer.userId)
                      .isEqualTo(version));
        }

        for (Writer writer : writers) {
          writer.resumeAndRetry(second.port(), appliedAt);
        }
        JsonNode server = RoomReads.room(second.port(), ROOM);
        for (Writer writer : writers) {
          writer.awaitVersion(server.path("version").asLong());
          assertThat(writer.mirror).as("state seen by " + writer.userId).isEqualTo(stateOf(server));
          writer.client.close();
        }
      }
      db.assertHoldsTheJournalOf(data);
    }
  }

  /** Every event of the room, read back from the SSE endpoint starting at version 0. */
  private static List<JsonNode> history(int port, long upTo) throws Exception {
    List<JsonNode> events = new ArrayList<>();
    try (SseClient reader = SseClient.open(port, ROOM, Optional.of("0"))) {
      while (events.size() < upTo) {
        SseClient.Event event = reader.nextEvent();
        assertThat(event.type()).isEqualTo("event");
        events.add(TestClient.JSON.readTree(event.data()));
      }
    }
    return events;
  }

  private static List<Long> range(long from, long to) {
    List<Long> versions = new ArrayList<>();
    for (long v = from; v <= to; v++) {
      versions.add(v);
    }
    return versions;
  }

  private static Map<String, String> stateOf(JsonNode room) {
    Map<String, String> state = new HashMap<>();
    room.path("state").fields().forEachRemaining(
        entry -> state.put(entry.getKey(), entry.getValue().path("value") + "@" + entry.getValue().path("version").asLong()));
    return state;
  }

  /** One client: writes its own key in a loop and mirrors the room's state from what it sees. */
  private static final class Writer {
    final String userId;
    final Map<String, Long> acked = new ConcurrentHashMap<>();
    final Map<String, String> mirror = new HashMap<>();
    TestClient client;
    long lastVersion;
    String unanswered;
    int written;

    Writer(String userId, TestClient client) {
      this.userId = userId;
      this.client = client;
      JsonNode welcome = client.received().get(0);
      lastVersion = welcome.path("version").asLong();
      welcome.at("/snapshot/state").fields().forEachRemaining(
          entry -> mirror.put(entry.getKey(), entry.getValue().path("value") + "@" + entry.getValue().path("version").asLong()));
    }

    void writeUntilTheServerDies(CountDownLatch enoughAcks) {
      while (true) {
        String id = userId + "-c" + (++written);
        client.send(json("type", "set", "id", id, "key", userId, "value", written));
        Optional<JsonNode> answer = client.answerOrClose(id);
        if (answer.isEmpty()) {
          unanswered = id;
          fold(client, lastVersion);
          return;
        }
        assertThat(answer.get().path("type").asText()).isEqualTo("ack");
        acked.put(id, answer.get().path("version").asLong());
        if (acked.size() == ACKS_BEFORE_KILL) {
          enoughAcks.countDown();
        }
      }
    }

    /** Reconnects from the last version seen, then retries the command the crash left unanswered. */
    void resumeAndRetry(int port, Map<String, Long> appliedAt) {
      client = TestClient.connect(port, ROOM);
      client.send(json("type", "hello", "userId", userId, "name", userId, "resume", Map.of("version", lastVersion)));
      JsonNode welcome = client.expect("welcome");
      assertThat(welcome.path("resumed").asBoolean()).as("resumed without a snapshot").isTrue();
      assertThat(welcome.path("version").asLong()).isEqualTo(lastVersion);

      String lastAcked = userId + "-c" + (written - 1);
      client.send(json("type", "set", "id", lastAcked, "key", userId, "value", written - 1));
      assertThat(client.expectAnswer(lastAcked).path("version").asLong())
          .as("a retried command gets its original version")
          .isEqualTo(acked.get(lastAcked));

      client.send(json("type", "set", "id", unanswered, "key", userId, "value", written));
      JsonNode retried = client.expectAnswer(unanswered);
      assertThat(retried.path("type").asText()).isEqualTo("ack");
      Long appliedBeforeTheCrash = appliedAt.get(userId + "/" + unanswered);
      if (appliedBeforeTheCrash != null) {
        assertThat(retried.path("version").asLong()).isEqualTo(appliedBeforeTheCrash);
      }
    }

    void awaitVersion(long version) {
      client.expect(
          f -> f.path("type").asText().equals("event") && f.path("version").asLong() >= version,
          "version " + version);
      fold(client, client.received().get(0).path("version").asLong());
      assertThat(lastVersion).isEqualTo(version);
    }

    /**
     * Applies the events one connection received, which must be every version after {@code
     * startVersion} once and in order.
     */
    private void fold(TestClient from, long startVersion) {
      long expected = startVersion;
      for (JsonNode frame : from.received()) {
        if (!frame.path("type").asText().equals("event")) {
          continue;
        }
        long version = frame.path("version").asLong();
        assertThat(version).as(userId + " receives each version once, in order").isEqualTo(++expected);
        lastVersion = version;
        if (frame.path("kind").asText().equals("state.changed")) {
          for (JsonNode op : frame.path("ops")) {
            if (op.path("op").asText().equals("set")) {
              mirror.put(op.path("key").asText(), op.path("value") + "@" + version);
            } else {
              mirror.remove(op.path("key").asText());
            }
          }
        }
      }
    }
  }
}
