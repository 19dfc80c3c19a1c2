package io.parley.room;

import io.parley.serialization.CborSerializable;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What the fan-out of a node ({@link NodeFanout}) takes from rooms: one message per node for what
 * the room's connections on that node receive, and the sessions it opens and closes there.
 * Routed to one of the node's lanes by room id, so that a room's messages keep their order.
 */
public sealed interface FanoutMessage extends CborSerializable {

  String roomId();

  /**
   * From a room: a durable event for every connection of the room on the node except the
   * skipped session's (the one that just opened, whose welcome already holds it).
   */
  record Event(String roomId, RoomUpdate.EventDelivered update, Optional<String> skipSession)
      implements FanoutMessage {}

  /** From a room: a cursor tick for every connection of the room on the node but the skipped one. */
  record Cursors(String roomId, RoomUpdate.Cursors update, Optional<String> skipSession)
      implements FanoutMessage {}

  /**
   * From a room: the answer to a command it wrote (or refused to write) in a batch, relayed
   * behind the events the room sent before it, so that the sender sees its event before its ack,
   * and the answers in the order of the commands, wherever the room runs.
   */
  record Answer(String roomId, CommandReply reply, ActorRef<CommandReply> replyTo)
      implements FanoutMessage {}

  /**
   * From a room: the session of {@code connection} is open. The lane hands it the welcome and,
   * from then on, the room's events and cursors, until the session closes.
   */
  record Welcome(String roomId, SessionReply.Welcome welcome, ActorRef<SessionInbox> connection)
      implements FanoutMessage {}

  /**
   * From a room that started with open sessions (after a crash or a move to another node): its
   * open sessions on the node, so that the lane holds them even if it lost them, and tells each
   * connection that the room restarted ({@link NodeFanout.Delivery#roomRestarted}).
   */
  record SessionsOpen(String roomId, Map<String, ActorRef<SessionInbox>> sessions)
      implements FanoutMessage {}

  /** From a room, when it closes a session: nothing more reaches the session's connection. */
  record SessionClosed(String roomId, String sessionId) implements FanoutMessage {}

  /**
   * From this node, to every lane: a node left the cluster without handing its rooms off (it
   * was downed: killed, crashed, cut off). Any room may have run there and start again
   * elsewhere, so every connection gets the room-restarted notice. Of no room: {@link #roomId}
   * is empty.
   */
  record NodeLost(String address) implements FanoutMessage {
    @Override
    public String roomId() {
      return "";
    }
  }
}
