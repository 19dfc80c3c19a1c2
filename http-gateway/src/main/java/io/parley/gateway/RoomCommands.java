package io.parley.gateway;

import io.parley.protocol.ClientFrame;
import io.parley.room.CommandReply;
import io.parley.room.RoomCommand;
import org.apache.pekko.actor.typed.ActorRef;

/** Translates a client's command frame into the room command it stands for. */
final class RoomCommands {

  private RoomCommands() {}

  static RoomCommand toRoom(
      ClientFrame.Command command, String sessionId, ActorRef<CommandReply> replyTo) {
    if (command instanceof ClientFrame.ChangeKeys c) {
      return new RoomCommand.ChangeKeys(c.id(), sessionId, c.ops(), replyTo);
    }
    if (command instanceof ClientFrame.Ready c) {
      return new RoomCommand.SetReady(c.id(), sessionId, c.ready(), replyTo);
    }
    if (command instanceof ClientFrame.Focus c) {
      return new RoomCommand.FocusDocument(c.id(), sessionId, c.document(), replyTo);
    }
    if (command instanceof ClientFrame.Chat c) {
      return new RoomCommand.PostChat(c.id(), sessionId, c.text(), replyTo);
    }
    throw new IllegalArgumentException("not a room command: " + command.getClass().getName());
  }
}
