package io.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import io.parley.room.CommandReply;
import io.parley.room.KeyOp;
import io.parley.room.RejectCode;
import io.parley.room.RoomCommand;
import io.parley.room.RoomState;
import io.parley.room.SessionInbox;
import io.parley.room.SessionReply;
import io.parley.testing.TestServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A room flooded with more commands than its mailbox and stash hold answers every one of them
 * at once (accepted, or rejected {@code overloaded}), never drops a closed session, and carries on
 * afterwards with exactly the accepted changes.
 */
class OverloadTest {

  private static final int FLOOD = 500;

  /** Well under the gateway's 5 s command timeout. */
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(2);

  @Test
  void aFloodedRoomAnswersEveryCommandAtOnceAndRecovers(@TempDir Path dataDir) {
    ParleyServer server =
        TestServers.start(
            dataDir,
            Map.of(
                "parley.room.mailbox-capacity", 5,
                "pekko.persistence.typed.stash-capacity", 10,
                // One user floods: its rate limit must not be what refuses the commands.
                "parley.limits.rates.commands.burst", 1_000_000,
                "parley.limits.rates.commands.per-second", 1_000_000));
    ActorTestKit testKit = ActorTestKit.create(server.system());
    try {
      EntityRef<RoomCommand> room = server.rooms().room("busy");
      TestProbe<SessionInbox> ann = testKit.createTestProbe(SessionInbox.class);
      TestProbe<SessionInbox> bob = testKit.createTestProbe(SessionInbox.class);
      room.tell(new RoomCommand.OpenSession("s-ann", "ann", "Ann", "#123456", ann.getRef()));
      ann.expectMessageClass(SessionReply.Welcome.class, Duration.ofSeconds(10));
      room.tell(new RoomCommand.OpenSession("s-bob", "bob", "Bob", "#654321", bob.getRef()));
      assertThat(
              bob.expectMessageClass(SessionReply.Welcome.class, Duration.ofSeconds(10))
                  .snapshot()
                  .version())
          .isEqualTo(2);

      TestProbe<CommandReply> replies = testKit.createTestProbe(CommandReply.class);
      long floodStarted = System.nanoTime();
      for (int i = 0; i < FLOOD; i++) {
        room.tell(change("c" + i, "k" + i, replies.getRef()));
        if (i == FLOOD / 2) {
          room.tell(new RoomCommand.CloseSession("s-bob", RoomCommand.SessionEnd.LEAVE));
        }
      }

      Map<String, CommandReply> answers = new HashMap<>();
      for (int i = 0; i < FLOOD; i++) {
        CommandReply reply = replies.expectMessageClass(CommandReply.class, ANSWER_WITHIN);
        assertThat(answers.put(reply.commandId(), reply)).as("answered twice").isNull();
      }
      Duration allAnswered = Duration.ofNanos(System.nanoTime() - floodStarted);
      assertThat(allAnswered).isLessThan(Duration.ofSeconds(5));

      long accepted =
          answers.values().stream().filter(r -> r instanceof CommandReply.Accepted).count();
      List<CommandReply.Rejected> rejected =
          answers.values().stream()
              .filter(r -> r instanceof CommandReply.Rejected)
              .map(r -> (CommandReply.Rejected) r)
              .toList();
      assertThat(answers).hasSize(FLOOD);
      assertThat(accepted + rejected.size()).isEqualTo(FLOOD);
      assertThat(rejected).isNotEmpty();
      assertThat(rejected)
          .allSatisfy(
              r -> {
                assertThat(r.code()).isEqualTo(RejectCode.OVERLOADED);
                assertThat(r.retryAfter()).isPresent();
                assertThat(r.message()).startsWith("room overloaded, retry in ");
              });
      assertThat(accepted).isPositive();

      // The leave sent in the middle of the flood was applied, not lost.
      bob.fishForMessage(
          ANSWER_WITHIN,
          m -> m instanceof SessionReply.Left ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());

      // The room carries on: a new command is accepted, and the versions count exactly the
      // two joins, the accepted changes and bob's leave.
      room.tell(change("after", "after", replies.getRef()));
      CommandReply.Accepted after =
          replies.expectMessageClass(CommandReply.Accepted.class, ANSWER_WITHIN);
      assertThat(after.version()).isEqualTo(2 + accepted + 1 + 1);

      TestProbe<RoomState> reader = testKit.createTestProbe(RoomState.class);
      room.tell(new RoomCommand.GetSnapshot(reader.getRef()));
      RoomState state = reader.expectMessageClass(RoomState.class, ANSWER_WITHIN);
      assertThat(state.version()).isEqualTo(after.version());
      assertThat(state.members()).containsOnlyKeys("ann");
      assertThat(state.keys()).hasSize((int) accepted + 1).containsKey("after");
      answers.forEach(
          (commandId, reply) ->
              assertThat(state.keys().containsKey("k" + commandId.substring(1)))
                  .as("key of %s", commandId)
                  .isEqualTo(reply instanceof CommandReply.Accepted));
    } finally {
      server.stop().toCompletableFuture().join();
    }
  }

  private static RoomCommand.ChangeKeys change(
      String commandId, String key, org.apache.pekko.actor.typed.ActorRef<CommandReply> replyTo) {
    return new RoomCommand.ChangeKeys(
        commandId,
        "s-ann",
        List.of(new KeyOp.Set(key, IntNode.valueOf(1), Optional.empty())),
        replyTo);
  }
}
