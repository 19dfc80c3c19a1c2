package io.parley.room;

import io.parley.presence.DocumentFocus;
import io.parley.serialization.CborSerializable;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;

/** Everything a room entity accepts. Durable commands are answered with a {@link CommandReply}. */
public sealed interface RoomCommand extends CborSerializable {

  /**
   * A command that changes the room and is acknowledged once persisted. The rules decide each
   * kind through a {@link Visitor}, so the compiler asks for the rule of every new one.
   */
  sealed interface Durable extends RoomCommand {
    String commandId();

    String sessionId();

    ActorRef<CommandReply> replyTo();

    <R> R accept(Visitor<R> visitor);

    /** One method per kind of durable command. */
    interface Visitor<R> {
      R changeKeys(ChangeKeys command);

      R setReady(SetReady command);

      R focusDocument(FocusDocument command);

      R postChat(PostChat command);

      R setVisibility(SetVisibility command);
    }
  }

  /**
   * Opens a session for a connection. The welcome and every later {@link RoomUpdate} reach
   * {@code connection} through its node's {@link NodeFanout}, so the connection sees the welcome
   * before any event; a refusal comes straight from the room.
   */
  record OpenSession(
      String sessionId, String userId, String name, String color, ActorRef<SessionInbox> connection)
      implements RoomCommand {}

  /** The connection ended: an explicit {@code leave}, or a connection lost in any other way. */
  record CloseSession(String sessionId, SessionEnd end) implements RoomCommand {}

  enum SessionEnd {
    /** The client said {@code leave}: its member leaves at once if this was its last session. */
    LEAVE,
    /** Closed, failed, idle or gone with its node: its member is away for the grace period. */
    LOST
  }

  /** The session's client sent something; keeps the member's {@code lastSeen} exact. */
  record SessionActive(String sessionId, Instant at) implements RoomCommand {}

  /**
   * Stops the room entity without touching its sessions, as a move to another node would; under
   * sharding it goes through passivation, so messages sent meanwhile reach the next incarnation,
   * which recovers from the journal.
   */
  record Stop() implements RoomCommand {}

  /** Timer: the grace period of an away member ended. */
  record GraceExpired(String userId) implements RoomCommand {}

  /**
   * Timer: a session's cursor held back for going over its user's rate may be relayed now, if
   * its user has a token again and no newer cursor of the session replaced it.
   */
  record HeldCursorDue(String sessionId) implements RoomCommand {}

  /**
   * Sent by the room to itself when a durable command arrives while none is waiting: decide and
   * write the durable commands that arrived since, in one journal write.
   */
  record WriteBatch() implements RoomCommand {}

  /** Timer: send the cursors coalesced since the last tick to the room's sessions. */
  record FlushCursors() implements RoomCommand {}

  /** Timer: the room has had no members for the passivation delay. */
  record PassivateIfEmpty() implements RoomCommand {}

  /**
   * Recovery, to itself: the watches of the recovered connections on this node have answered. A
   * watch of a connection that is already gone answers by queueing a {@link CloseSession} behind
   * the messages already waiting; round 2 of this message is queued after that answer.
   */
  record RecoveryWatchesChecked(int round) implements RoomCommand {}

  record ChangeKeys(
      String commandId, String sessionId, List<KeyOp> ops, ActorRef<CommandReply> replyTo)
      implements Durable {
    public ChangeKeys {
      ops = List.copyOf(ops);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.changeKeys(this);
    }
  }

  record SetReady(String commandId, String sessionId, boolean ready, ActorRef<CommandReply> replyTo)
      implements Durable {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.setReady(this);
    }
  }

  record FocusDocument(
      String commandId,
      String sessionId,
      Optional<DocumentFocus> document,
      ActorRef<CommandReply> replyTo)
      implements Durable {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.focusDocument(this);
    }
  }

  record PostChat(String commandId, String sessionId, String text, ActorRef<CommandReply> replyTo)
      implements Durable {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.postChat(this);
    }
  }

  /** Lists the room in the public registry under {@code title}, or unlists it. */
  record SetVisibility(
      String commandId,
      String sessionId,
      boolean listed,
      Optional<String> title,
      ActorRef<CommandReply> replyTo)
      implements Durable {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.setVisibility(this);
    }
  }

  /**
   * A room administrator's command, answered with a {@link CommandReply} like a durable one but
   * not written with the batch of durable commands: it acts on presence. Each kind is idempotent
   * (the second kick of a user finds nobody to remove and is answered with the room's version),
   * so the room needs no memory of their ids.
   */
  sealed interface Moderation extends RoomCommand {
    String commandId();

    ActorRef<CommandReply> replyTo();
  }

  /** Removes {@code userId} from the room: every session of it ends, its member leaves. */
  record Kick(String commandId, String userId, ActorRef<CommandReply> replyTo)
      implements Moderation {}

  /**
   * Ends every session and every member leaves; the state and the chat stay, and the room may
   * be joined again.
   */
  record CloseRoom(String commandId, ActorRef<CommandReply> replyTo) implements Moderation {}

  /** An ephemeral cursor position, relayed to the other sessions and never persisted. */
  record MoveCursor(String sessionId, double x, double y, Optional<String> documentId)
      implements RoomCommand {}

  record GetSnapshot(ActorRef<RoomState> replyTo) implements RoomCommand {}

  /**
   * An operator's look at the running room (the admin API): answered like a read, after the
   * presence check of a start; changes nothing.
   */
  record Inspect(ActorRef<RoomInspection> replyTo) implements RoomCommand {}

  /**
   * Asks for the events after {@code afterVersion} that a connection missed (it resumed, or saw
   * a gap); answered with {@link SessionReply.Missed}.
   */
  record Replay(long afterVersion, ActorRef<SessionInbox> replyTo) implements RoomCommand {}
}
