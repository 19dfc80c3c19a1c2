package io.parley.room;

import io.parley.ratelimit.RetryAfter;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.apache.pekko.actor.Dropped;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * What a room does with a message it has no room for, in its mailbox ({@link
 * OverloadAwareMailbox}) or in the stash that holds commands while it recovers or waits for a
 * journal write ({@code pekko.persistence.typed.stash-capacity}).
 *
 * <ul>
 *   <li>Commands someone waits for are answered at once: a durable command is rejected {@link
 *       RejectCode#OVERLOADED} with a retry hint, an {@code OpenSession} is refused the same way,
 *       a {@code Replay} is answered "not in memory" so that the connection reads the journal.
 *   <li>Cursors, activity reports and snapshot reads are dropped (dead letters); a snapshot
 *       reader times out.
 *   <li>Presence, timers and the room's own messages ({@code CloseSession}, {@code
 *       GraceExpired}, {@code PassivateIfEmpty}, {@code RecoveryWatchesChecked}, {@code Stop}:
 *       every room message that is not a client's) are never refused: they are few (at most one
 *       or two per session or member) and presence is only exact if every one of them is
 *       applied. The mailbox takes them beyond its bound; one the stash drops is sent to the
 *       room again a little later.
 *   <li>Anything that is not a {@link RoomCommand} (journal replies, timer ticks, recovery
 *       permits, sharding's stop message) is Pekko's own and is never refused.
 * </ul>
 */
final class RoomOverload {

  /** How long a presence message the stash dropped waits before it is sent to the room again. */
  static final Duration REDELIVERY_DELAY = Duration.ofMillis(100);

  private RoomOverload() {}

  /**
   * Whether {@code message} counts against the room's mailbox capacity and may be refused: the
   * messages that clients cause. Every other room message (presence, timers, the room's own) is
   * never refused, including any added later.
   */
  static boolean isBounded(Object message) {
    return message instanceof RoomCommand.Durable
        || message instanceof RoomCommand.OpenSession
        || message instanceof RoomCommand.Replay
        || message instanceof RoomCommand.GetSnapshot
        || message instanceof RoomCommand.MoveCursor
        || message instanceof RoomCommand.SessionActive;
  }

  /** Presence, timers and the room's own messages: never refused. */
  static boolean mustBeDelivered(Object message) {
    return message instanceof RoomCommand && !isBounded(message);
  }

  static String hint(Duration retryAfter) {
    return "room overloaded, retry in " + RetryAfter.millis(retryAfter) + " ms";
  }

  /**
   * Answers a refused message whose sender waits for an answer; {@code false} if it has none to
   * wait for (it is then dropped).
   */
  static boolean answer(Object message, Duration retryAfter) {
    if (message instanceof RoomCommand.Durable durable) {
      durable
          .replyTo()
          .tell(
              new CommandReply.Rejected(
                  durable.commandId(),
                  RejectCode.OVERLOADED,
                  hint(retryAfter),
                  Optional.of(retryAfter)));
      return true;
    }
    if (message instanceof RoomCommand.OpenSession open) {
      open.connection()
          .tell(
              new SessionReply.Refused(
                  open.sessionId(), RejectCode.OVERLOADED, hint(retryAfter), Optional.of(retryAfter)));
      return true;
    }
    if (message instanceof RoomCommand.Replay replay) {
      replay.replyTo().tell(new SessionReply.Missed(replay.afterVersion(), Optional.empty()));
      return true;
    }
    return false;
  }

  /**
   * Handles a message a room's stash dropped: answers it as the mailbox would, and returns it if
   * it must reach the room anyway (presence), to be sent again.
   */
  static Optional<RoomCommand> onStashDropped(Object droppedMessage, Duration retryAfter) {
    Optional<RoomCommand> stashed = PekkoSeams.stashedCommand(droppedMessage);
    Object message = stashed.isPresent() ? stashed.get() : droppedMessage;
    if (message instanceof RoomCommand command && !answer(command, retryAfter)) {
      // only what a room's own stash dropped goes back to that room
      return stashed.filter(RoomOverload::mustBeDelivered);
    }
    return Optional.empty();
  }

  /**
   * Counts what a room's stash dropped: answered (a command, a join, a replay) or dropped (a
   * cursor, an activity report, a read). Other dropped messages of the node are not a room's.
   */
  private static void countStashDropped(Object droppedMessage, RoomMetrics metrics) {
    Optional<RoomCommand> stashed = PekkoSeams.stashedCommand(droppedMessage);
    if (stashed.isEmpty() || !isBounded(stashed.get())) {
      return;
    }
    RoomCommand command = stashed.get();
    boolean answered =
        command instanceof RoomCommand.Durable
            || command instanceof RoomCommand.OpenSession
            || command instanceof RoomCommand.Replay;
    (answered ? metrics.stashAnswered : metrics.stashDropped).increment();
  }

  /** Sent to itself: a presence message to hand to its room again. */
  private record Redeliver(String roomId, RoomCommand command) {}

  /**
   * Listens for the commands a room's stash dropped ({@link Dropped} on the event stream) and
   * answers them as the mailbox would; presence messages go to their room again ({@code
   * redeliver}: room id and message) after {@link #REDELIVERY_DELAY}.
   */
  static Behavior<Object> stashOverflowResponder(
      BiConsumer<String, RoomCommand> redeliver, Duration retryAfter) {
    return Behaviors.setup(
        context -> {
          RoomMetrics metrics = RoomMetrics.of(context.getSystem());
          context
              .getSystem()
              .eventStream()
              .tell(new EventStream.Subscribe<>(Dropped.class, context.getSelf().narrow()));
          return Behaviors.receive(Object.class)
              .onMessage(
                  Dropped.class,
                  dropped -> {
                    countStashDropped(dropped.message(), metrics);
                    onStashDropped(dropped.message(), retryAfter)
                        .ifPresent(
                            command -> {
                              String roomId = PekkoSeams.roomIdOf(dropped.recipient());
                              context.getLog().debug("redelivering {} to room {}", command, roomId);
                              context.scheduleOnce(
                                  REDELIVERY_DELAY,
                                  context.getSelf(),
                                  new Redeliver(roomId, command));
                            });
                    return Behaviors.same();
                  })
              .onMessage(
                  Redeliver.class,
                  again -> {
                    redeliver.accept(again.roomId(), again.command());
                    return Behaviors.same();
                  })
              .build();
        });
  }
}
