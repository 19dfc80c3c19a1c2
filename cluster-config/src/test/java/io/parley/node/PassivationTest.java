package io.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.room.RoomCommand;
import io.parley.room.SessionInbox;
import io.parley.room.SessionReply;
import io.parley.testing.TestServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rooms without members stop; nothing of them stays in memory. */
class PassivationTest {

  private static final int ROOMS = 10_000;

  /** Rooms opened (or emptied) at once, as clients arriving in a burst would. */
  private static final int WAVE = 1_000;

  @Test
  void tenThousandEmptiedRoomsAllPassivate(@TempDir Path dataDir) {
    try (Node node = Node.start(dataDir, "1s")) {
      ParleyServer server = node.server();
      inWaves(
          i ->
              server
                  .rooms()
                  .room("empty-" + i)
                  .tell(new RoomCommand.OpenSession("s-" + i, "u", "User", "#123456", node.connection().getRef())),
          () -> node.connection().expectMessageClass(SessionReply.Welcome.class, Duration.ofSeconds(30)));
      assertThat(liveRooms(server)).hasSize(ROOMS);

      inWaves(
          i ->
              server
                  .rooms()
                  .room("empty-" + i)
                  .tell(new RoomCommand.CloseSession("s-" + i, RoomCommand.SessionEnd.LEAVE)),
          () -> node.connection().expectMessageClass(SessionReply.Left.class, Duration.ofSeconds(30)));
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> liveRooms(server).isEmpty());
    }
  }

  @Test
  void aQuietRoomWithAMemberKeepsRunning(@TempDir Path dataDir) {
    try (Node node = Node.start(dataDir, "200ms")) {
      node.server()
          .rooms()
          .room("quiet")
          .tell(new RoomCommand.OpenSession("s", "u", "User", "#123456", node.connection().getRef()));
      node.connection().expectMessageClass(SessionReply.Welcome.class);
      node.connection().expectNoMessage(Duration.ofSeconds(1));
      assertThat(liveRooms(node.server())).containsExactly("quiet");
    }
  }

  /** A node that passivates rooms after {@code passivateAfter}, and a probe standing in for a connection. */
  private record Node(ParleyServer server, TestProbe<SessionInbox> connection) implements AutoCloseable {

    static Node start(Path dataDir, String passivateAfter) {
      ParleyServer server = TestServers.start(dataDir, Map.of("parley.room.passivate-after", passivateAfter));
      try {
        return new Node(server, ActorTestKit.create(server.system()).createTestProbe(SessionInbox.class));
      } catch (RuntimeException e) {
        server.stop().toCompletableFuture().join();
        throw e;
      }
    }

    @Override
    public void close() {
      server.stop().toCompletableFuture().join();
    }
  }

  /**
   * Sends to rooms 0 to {@link #ROOMS} a {@link #WAVE} at a time, awaiting a wave's replies
   * before the next wave.
   */
  private static void inWaves(IntConsumer send, Runnable expectReply) {
    for (int first = 0; first < ROOMS; first += WAVE) {
      int last = Math.min(first + WAVE, ROOMS);
      for (int i = first; i < last; i++) {
        send.accept(i);
      }
      for (int i = first; i < last; i++) {
        expectReply.run();
      }
    }
  }

  private static Set<String> liveRooms(ParleyServer server) {
    return server
        .rooms()
        .liveRoomIds(server.system(), Duration.ofSeconds(5))
        .toCompletableFuture()
        .join();
  }
}
