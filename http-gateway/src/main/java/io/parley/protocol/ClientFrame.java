package io.parley.protocol;

import io.parley.presence.DocumentFocus;
import io.parley.room.CommandReply;
import io.parley.room.KeyOp;
import io.parley.room.RoomCommand;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A frame a client sends, after parsing and field validation. See docs/PROTOCOL.md. A connection
 * handles every kind through a {@link Visitor}, so the compiler asks for the handling of a new one.
 */
public sealed interface ClientFrame {

  <R> R accept(Visitor<R> visitor);

  /** One method per kind of frame; the commands share one, each turns itself into a room command. */
  interface Visitor<R> {
    R hello(Hello hello);

    R command(Command command);

    R cursor(Cursor cursor);

    R ping(Ping ping);

    R leave(Leave leave);

    R refresh(Refresh refresh);
  }

  /** A frame that changes the room and is answered with {@code ack} or {@code reject}. */
  sealed interface Command extends ClientFrame {
    String id();

    /** The room command this frame stands for, sent by {@code sessionId}. */
    RoomCommand toRoom(String sessionId, ActorRef<CommandReply> replyTo);

    @Override
    default <R> R accept(Visitor<R> visitor) {
      return visitor.command(this);
    }
  }

  /**
   * Each field as the client sent it, valid but perhaps absent: with authentication the token
   * decides the identity, and the hello may leave it out (see {@code auth.HelloIdentity}). {@code
   * resumeVersion}: the last version the client applied, when it resumes a session.
   */
  record Hello(
      Optional<String> userId,
      Optional<String> name,
      Optional<String> color,
      Optional<Long> resumeVersion)
      implements ClientFrame {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.hello(this);
    }
  }

  /** {@code set}, {@code delete} and {@code batch}: one or several key operations. */
  record ChangeKeys(String id, List<KeyOp> ops) implements Command {
    @Override
    public RoomCommand toRoom(String sessionId, ActorRef<CommandReply> replyTo) {
      return new RoomCommand.ChangeKeys(id, sessionId, ops, replyTo);
    }
  }

  record Ready(String id, boolean ready) implements Command {
    @Override
    public RoomCommand toRoom(String sessionId, ActorRef<CommandReply> replyTo) {
      return new RoomCommand.SetReady(id, sessionId, ready, replyTo);
    }
  }

  record Focus(String id, Optional<DocumentFocus> document) implements Command {
    @Override
    public RoomCommand toRoom(String sessionId, ActorRef<CommandReply> replyTo) {
      return new RoomCommand.FocusDocument(id, sessionId, document, replyTo);
    }
  }

  record Chat(String id, String text) implements Command {
    @Override
    public RoomCommand toRoom(String sessionId, ActorRef<CommandReply> replyTo) {
      return new RoomCommand.PostChat(id, sessionId, text, replyTo);
    }
  }

  /** {@code visibility}: list the room in the public registry under a title, or unlist it. */
  record Visibility(String id, boolean listed, Optional<String> title) implements Command {
    @Override
    public RoomCommand toRoom(String sessionId, ActorRef<CommandReply> replyTo) {
      return new RoomCommand.SetVisibility(id, sessionId, listed, title, replyTo);
    }
  }

  /** An administrator removes a member: its sessions end, it leaves ({@code admin} only). */
  record Kick(String id, String userId) implements Command {
    @Override
    public RoomCommand toRoom(String sessionId, ActorRef<CommandReply> replyTo) {
      return new RoomCommand.Kick(id, userId, replyTo);
    }
  }

  /** An administrator closes the room: every session ends, the state stays ({@code admin} only). */
  record CloseRoom(String id) implements Command {
    @Override
    public RoomCommand toRoom(String sessionId, ActorRef<CommandReply> replyTo) {
      return new RoomCommand.CloseRoom(id, replyTo);
    }
  }

  record Cursor(double x, double y, Optional<String> documentId) implements ClientFrame {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.cursor(this);
    }
  }

  record Ping(Optional<String> id) implements ClientFrame {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.ping(this);
    }
  }

  /** A new token for this connection, before the one it opened with expires. */
  record Refresh(String token) implements ClientFrame {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.refresh(this);
    }

    /** Never the token: a frame may be logged. */
    @Override
    public String toString() {
      return "Refresh[token=(hidden)]";
    }
  }

  record Leave() implements ClientFrame {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.leave(this);
    }
  }
}
