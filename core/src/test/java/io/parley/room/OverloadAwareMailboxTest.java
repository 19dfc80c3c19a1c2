package io.parley.room;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import com.typesafe.config.ConfigFactory;
import io.parley.testing.TestConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.DeadLetter;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.MailboxSelector;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.dispatch.Envelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.Option;

/** A full room mailbox answers the commands it cannot take, and never refuses presence. */
class OverloadAwareMailboxTest {

  private static final Duration RETRY_AFTER = Duration.ofMillis(1500);
  private static final Duration PROMPTLY = Duration.ofSeconds(1);

  private static ActorTestKit kit;

  @BeforeAll
  static void start() {
    kit =
        ActorTestKit.create(
            "OverloadAwareMailboxTest",
            ConfigFactory.parseString(
                    "parley.room.mailbox-capacity = 3\nparley.room.overload-retry-after = 1500ms")
                .withFallback(TestConfig.actorSystem()));
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void aDurableCommandBeyondCapacityIsRejectedOverloadedAtOnce() {
    TestProbe<CommandReply> replies = kit.createTestProbe(CommandReply.class);
    OverloadAwareMailbox.RoomMessageQueue queue = queue(2);

    queue.enqueue(owner(), envelope(change("c1", replies.getRef())));
    queue.enqueue(owner(), envelope(new RoomCommand.PostChat("c2", "s", "hi", replies.getRef())));
    queue.enqueue(owner(), envelope(change("c3", replies.getRef())));
    queue.enqueue(owner(), envelope(new RoomCommand.SetReady("c4", "s", true, replies.getRef())));

    replies.expectMessage(
        PROMPTLY,
        new CommandReply.Rejected(
            "c3", RejectCode.OVERLOADED, "room overloaded, retry in 1500 ms", Optional.of(RETRY_AFTER)));
    CommandReply.Rejected c4 = replies.expectMessageClass(CommandReply.Rejected.class, PROMPTLY);
    assertThat(c4.commandId()).isEqualTo("c4");
    assertThat(c4.code()).isEqualTo(RejectCode.OVERLOADED);
    assertThat(c4.retryAfter()).contains(RETRY_AFTER);
    assertThat(commandIds(drain(queue))).containsExactly("c1", "c2");
  }

  @Test
  void aFreedPlaceTakesTheNextCommand() {
    TestProbe<CommandReply> replies = kit.createTestProbe(CommandReply.class);
    OverloadAwareMailbox.RoomMessageQueue queue = queue(1);

    queue.enqueue(owner(), envelope(change("c1", replies.getRef())));
    queue.enqueue(owner(), envelope(change("c2", replies.getRef())));
    assertThat(replies.expectMessageClass(CommandReply.Rejected.class, PROMPTLY).commandId())
        .isEqualTo("c2");
    assertThat(queue.dequeue().message()).isEqualTo(change("c1", replies.getRef()));
    queue.enqueue(owner(), envelope(change("c3", replies.getRef())));

    assertThat(queue.boundedMessages()).isEqualTo(1);
    assertThat(commandIds(drain(queue))).containsExactly("c3");
  }

  @Test
  void aHelloIsRefusedAndAReplayIsSentToTheJournal() {
    TestProbe<SessionInbox> connection = kit.createTestProbe(SessionInbox.class);
    OverloadAwareMailbox.RoomMessageQueue queue = queue(1);
    queue.enqueue(owner(), envelope(cursor()));

    queue.enqueue(
        owner(),
        envelope(new RoomCommand.OpenSession("s-2", "bob", "Bob", "#123456", connection.getRef())));
    queue.enqueue(owner(), envelope(new RoomCommand.Replay(7, connection.getRef())));

    connection.expectMessage(
        PROMPTLY,
        new SessionReply.Refused(
            "s-2", RejectCode.OVERLOADED, "room overloaded, retry in 1500 ms", Optional.of(Duration.ofMillis(1500))));
    connection.expectMessage(PROMPTLY, new SessionReply.Missed(7, Optional.empty()));
    assertThat(queue.numberOfMessages()).isEqualTo(1);
  }

  @Test
  void cursorsActivityAndReadsBeyondCapacityGoToDeadLetters() {
    TestProbe<DeadLetter> deadLetters = kit.createTestProbe(DeadLetter.class);
    TestProbe<RoomState> reader = kit.createTestProbe(RoomState.class);
    OverloadAwareMailbox.RoomMessageQueue queue =
        new OverloadAwareMailbox.RoomMessageQueue(
            1, RETRY_AFTER, "room", Adapter.toClassic(deadLetters.getRef()));
    queue.enqueue(owner(), envelope(cursor()));

    RoomCommand.SessionActive active = new RoomCommand.SessionActive("s", Instant.EPOCH);
    RoomCommand.GetSnapshot read = new RoomCommand.GetSnapshot(reader.getRef());
    queue.enqueue(owner(), envelope(cursor()));
    queue.enqueue(owner(), envelope(active));
    queue.enqueue(owner(), envelope(read));

    assertThat(deadLetters.expectMessageClass(DeadLetter.class, PROMPTLY).message())
        .isEqualTo(cursor());
    assertThat(deadLetters.expectMessageClass(DeadLetter.class, PROMPTLY).message())
        .isEqualTo(active);
    assertThat(deadLetters.expectMessageClass(DeadLetter.class, PROMPTLY).message())
        .isEqualTo(read);
    assertThat(queue.numberOfMessages()).isEqualTo(1);
  }

  @Test
  void presenceAndPekkoMessagesAreTakenBeyondCapacityInOrder() {
    TestProbe<CommandReply> replies = kit.createTestProbe(CommandReply.class);
    OverloadAwareMailbox.RoomMessageQueue queue = queue(1);
    List<Object> messages =
        List.of(
            change("c1", replies.getRef()),
            new RoomCommand.CloseSession("s-1", RoomCommand.SessionEnd.LOST),
            new RoomCommand.CloseSession("s-2", RoomCommand.SessionEnd.LEAVE),
            new RoomCommand.GraceExpired("bob"),
            new RoomCommand.PassivateIfEmpty(),
            new RoomCommand.RecoveryWatchesChecked(1),
            new RoomCommand.Stop(),
            "a journal reply, a timer tick or any other message of Pekko's");

    for (Object message : messages) {
      queue.enqueue(owner(), envelope(message));
    }

    assertThat(queue.boundedMessages()).isEqualTo(1);
    assertThat(queue.numberOfMessages()).isEqualTo(messages.size());
    assertThat(drain(queue)).containsExactlyElementsOf(messages);
    assertThat(queue.hasMessages()).isFalse();
  }

  /**
   * A typed actor on the mailbox that {@code parley.room-mailbox} configures (capacity 3 here):
   * while it is busy, the fourth waiting command is answered by the mailbox, and a closed session
   * still gets in behind the others.
   */
  @Test
  void aTypedActorOnTheConfiguredMailboxHasItsCommandsAnsweredWhileBusy() throws Exception {
    TestProbe<CommandReply> replies = kit.createTestProbe(CommandReply.class);
    TestProbe<RoomCommand> seen = kit.createTestProbe(RoomCommand.class);
    CountDownLatch busy = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ActorRef<RoomCommand> room =
        kit.spawn(
            Behaviors.receive(RoomCommand.class)
                .onAnyMessage(
                    message -> {
                      seen.getRef().tell(message);
                      if (busy.getCount() > 0) {
                        busy.countDown();
                        release.await(10, TimeUnit.SECONDS);
                      }
                      return Behaviors.same();
                    })
                .build(),
            "busy-room",
            MailboxSelector.fromConfig(OverloadAwareMailbox.CONFIG_PATH));
    try {
      room.tell(change("c0", replies.getRef()));
      assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();
      for (int i = 1; i <= 4; i++) {
        room.tell(change("c" + i, replies.getRef()));
      }
      RoomCommand.CloseSession close =
          new RoomCommand.CloseSession("s", RoomCommand.SessionEnd.LOST);
      room.tell(close);

      CommandReply.Rejected rejected =
          replies.expectMessageClass(CommandReply.Rejected.class, PROMPTLY);
      assertThat(rejected.commandId()).isEqualTo("c4");
      assertThat(rejected.code()).isEqualTo(RejectCode.OVERLOADED);
    } finally {
      release.countDown();
    }
    assertThat(seen.receiveSeveralMessages(5, PROMPTLY))
        .containsExactly(
            change("c0", replies.getRef()),
            change("c1", replies.getRef()),
            change("c2", replies.getRef()),
            change("c3", replies.getRef()),
            new RoomCommand.CloseSession("s", RoomCommand.SessionEnd.LOST));
    kit.stop(room);
  }

  @Test
  void whatAFullStashDropsIsAnsweredOrSentAgain() {
    TestProbe<CommandReply> replies = kit.createTestProbe(CommandReply.class);
    TestProbe<SessionInbox> connection = kit.createTestProbe(SessionInbox.class);
    RoomCommand.CloseSession close = new RoomCommand.CloseSession("s", RoomCommand.SessionEnd.LOST);

    assertThat(RoomOverload.onStashDropped(stashed(change("c1", replies.getRef())), RETRY_AFTER))
        .isEmpty();
    assertThat(replies.expectMessageClass(CommandReply.Rejected.class, PROMPTLY).code())
        .isEqualTo(RejectCode.OVERLOADED);
    assertThat(
            RoomOverload.onStashDropped(
                stashed(
                    new RoomCommand.OpenSession("s-2", "bob", "Bob", "#123456", connection.getRef())),
                RETRY_AFTER))
        .isEmpty();
    assertThat(connection.expectMessageClass(SessionReply.Refused.class, PROMPTLY).code())
        .isEqualTo(RejectCode.OVERLOADED);

    assertThat(RoomOverload.onStashDropped(stashed(close), RETRY_AFTER)).contains(close);
    assertThat(
            RoomOverload.onStashDropped(
                stashed(new RoomCommand.GraceExpired("bob")), RETRY_AFTER))
        .contains(new RoomCommand.GraceExpired("bob"));
    assertThat(RoomOverload.onStashDropped(stashed(cursor()), RETRY_AFTER)).isEmpty();
    // Not from a room's stash: nothing to send it back to.
    assertThat(RoomOverload.onStashDropped(close, RETRY_AFTER)).isEmpty();
    assertThat(RoomOverload.onStashDropped("something else", RETRY_AFTER)).isEmpty();
  }

  /** Shaped as what a room's stash drops: a Scala case class of one field (pinned by PekkoSeamsTest). */
  private static Object stashed(RoomCommand command) {
    return new scala.Tuple1<>(command);
  }

  private static OverloadAwareMailbox.RoomMessageQueue queue(int capacity) {
    return (OverloadAwareMailbox.RoomMessageQueue)
        new OverloadAwareMailbox(capacity, RETRY_AFTER)
            .create(Option.apply(owner()), Option.apply(Adapter.toClassic(kit.system())));
  }

  private static org.apache.pekko.actor.ActorRef owner() {
    return Adapter.toClassic(kit.system().deadLetters());
  }

  private static Envelope envelope(Object message) {
    return Envelope.apply(
        message, org.apache.pekko.actor.ActorRef.noSender(), Adapter.toClassic(kit.system()));
  }

  private static RoomCommand.ChangeKeys change(String commandId, ActorRef<CommandReply> replyTo) {
    return new RoomCommand.ChangeKeys(
        commandId, "s", List.of(new KeyOp.Set("k", IntNode.valueOf(1), Optional.empty())), replyTo);
  }

  private static RoomCommand.MoveCursor cursor() {
    return new RoomCommand.MoveCursor("s", 1, 2, Optional.empty());
  }

  private static List<Object> drain(OverloadAwareMailbox.RoomMessageQueue queue) {
    List<Object> messages = new ArrayList<>();
    for (Envelope envelope = queue.dequeue(); envelope != null; envelope = queue.dequeue()) {
      messages.add(envelope.message());
    }
    return messages;
  }

  private static List<String> commandIds(List<Object> messages) {
    return messages.stream().map(m -> ((RoomCommand.Durable) m).commandId()).toList();
  }
}
