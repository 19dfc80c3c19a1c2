package io.parley.protocol;

import io.parley.presence.DocumentFocus;
import io.parley.room.CommandReply;
import io.parley.room.KeyOp;
import io.parley.room.RoomCommand;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;

/** A frame a client sends, after parsing and field validation. See docs/PROTOCOL.md. */
public sealed interface ClientFrame {

  /** A frame that changes the room and is answered with {@code ack} or {@code reject}. */
  sealed interface Command extends ClientFrame {
    String id();

    /** The room command this frame stands for, sent by {@code sessionId}. */
    RoomCommand.Durable toRoom(String sessionId, ActorRef<CommandReply> replyTo);
  }

  /** {@code resumeVersion}: the last version the client applied, when it resumes a session. */
  record Hello(String userId, String name, String color, Optional<Long> resumeVersion)
      implements ClientFrame {}

  /** {@code set}, {@code delete} and {@code batch}: one or several key operations. */
  record ChangeKeys(String id, List<KeyOp> ops) implements Command {
    @Override
    public RoomCommand.Durable toRoom(String sessionId, ActorRef<CommandReply> replyTo) {
      return new RoomCommand.ChangeKeys(id, sessionId, ops, replyTo);
    }
  }

  record Ready(String id, boolean ready) implements Command {
    @Override
    public RoomCommand.Durable toRoom(String sessionId, ActorRef<CommandReply> replyTo) {
      return new RoomCommand.SetReady(id, sessionId, ready, replyTo);
    }
  }

  record Focus(String id, Optional<DocumentFocus> document) implements Command {
    @Override
    public RoomCommand.Durable toRoom(String sessionId, ActorRef<CommandReply> replyTo) {
      return new RoomCommand.FocusDocument(id, sessionId, document, replyTo);
    }
  }

  record Chat(String id, String text) implements Command {
    @Override
    public RoomCommand.Durable toRoom(String sessionId, ActorRef<CommandReply> replyTo) {
      return new RoomCommand.PostChat(id, sessionId, text, replyTo);
    }
  }

  record Cursor(double x, double y, Optional<String> documentId) implements ClientFrame {}

  record Ping(Optional<String> id) implements ClientFrame {}

  record Leave() implements ClientFrame {}
}
