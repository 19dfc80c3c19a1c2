package io.parley.room;

import io.parley.presence.DocumentFocus;
import io.parley.serialization.CborSerializable;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;

/** Everything a room entity accepts. Durable commands are answered with a {@link CommandReply}. */
public sealed interface RoomCommand extends CborSerializable {

  /** A command that changes the room and is acknowledged once persisted. */
  sealed interface Durable extends RoomCommand {
    String commandId();

    String sessionId();

    ActorRef<CommandReply> replyTo();
  }

  /**
   * Opens a session for a connection. The answer ({@link SessionReply}) and every later {@link
   * RoomUpdate} go to {@code connection}, so the connection sees the welcome before any event.
   */
  record OpenSession(
      String sessionId, String userId, String name, String color, ActorRef<SessionInbox> connection)
      implements RoomCommand {}

  /** The connection ended (leave, close or failure). */
  record CloseSession(String sessionId) implements RoomCommand {}

  record ChangeKeys(
      String commandId, String sessionId, List<KeyOp> ops, ActorRef<CommandReply> replyTo)
      implements Durable {
    public ChangeKeys {
      ops = List.copyOf(ops);
    }
  }

  record SetReady(String commandId, String sessionId, boolean ready, ActorRef<CommandReply> replyTo)
      implements Durable {}

  record FocusDocument(
      String commandId,
      String sessionId,
      Optional<DocumentFocus> document,
      ActorRef<CommandReply> replyTo)
      implements Durable {}

  record PostChat(String commandId, String sessionId, String text, ActorRef<CommandReply> replyTo)
      implements Durable {}

  /** An ephemeral cursor position, relayed to the other sessions and never persisted. */
  record MoveCursor(String sessionId, double x, double y, Optional<String> documentId)
      implements RoomCommand {}

  record GetSnapshot(ActorRef<RoomState> replyTo) implements RoomCommand {}
}
