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
    ParleyServer server =
        TestServers.start(dataDir, Map.of("parley.room.passivate-after", "1s"));
    ActorTestKit testKit = ActorTestKit.create(server.system());
    try {
      TestProbe<SessionInbox> connection = testKit.createTestProbe(SessionInbox.class);
      for (int first = 0; first < ROOMS; first += WAVE) {
        int last = Math.min(first + WAVE, ROOMS);
        for (int i = first; i < last; i++) {
          server
              .rooms()
              .room("empty-" + i)
              .tell(
                  new RoomCommand.OpenSession(
                      "s-" + i, "u", "User", "#123456", connection.getRef()));
        }
        for (int i = first; i < last; i++) {
          connection.expectMessageClass(SessionReply.Welcome.class, Duration.ofSeconds(30));
        }
      }
      assertThat(liveRooms(server)).hasSize(ROOMS);

      for (int first = 0; first < ROOMS; first += WAVE) {
        int last = Math.min(first + WAVE, ROOMS);
        for (int i = first; i < last; i++) {
          server
              .rooms()
              .room("empty-" + i)
              .tell(new RoomCommand.CloseSession("s-" + i, RoomCommand.SessionEnd.LEAVE));
        }
        for (int i = first; i < last; i++) {
          connection.expectMessageClass(SessionReply.Left.class, Duration.ofSeconds(30));
        }
      }
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> liveRooms(server).isEmpty());
    } finally {
      server.stop().toCompletableFuture().join();
    }
  }

  @Test
  void aQuietRoomWithAMemberKeepsRunning(@TempDir Path dataDir) {
    ParleyServer server =
        TestServers.start(dataDir, Map.of("parley.room.passivate-after", "200ms"));
    ActorTestKit testKit = ActorTestKit.create(server.system());
    try {
      TestProbe<SessionInbox> connection = testKit.createTestProbe(SessionInbox.class);
      server
          .rooms()
          .room("quiet")
          .tell(new RoomCommand.OpenSession("s", "u", "User", "#123456", connection.getRef()));
      connection.expectMessageClass(SessionReply.Welcome.class);
      connection.expectNoMessage(Duration.ofSeconds(1));
      assertThat(liveRooms(server)).containsExactly("quiet");
    } finally {
      server.stop().toCompletableFuture().join();
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
