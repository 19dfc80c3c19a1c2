package io.parley.room;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import io.parley.presence.Session;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;

/**
 * How one room reaches its connections: one message per node that has sessions of the room, to
 * that node's {@link NodeFanout}, which delivers to its connections. Acks take the same way, so
 * that they follow the events sent before them.
 */
final class RoomFanout {

  private final String roomId;
  private final ActorRefResolver resolver;
  /** The fan-out of each node seen, by address; as many entries as nodes. */
  private final Map<Address, ActorRef<FanoutMessage>> nodes = new HashMap<>();

  RoomFanout(String roomId, ActorRefResolver resolver) {
    this.roomId = roomId;
    this.resolver = resolver;
  }

  /** A durable event for every session of {@code state} but {@code skipSession}. */
  void event(RoomState state, RoomUpdate.EventDelivered update, Optional<String> skipSession) {
    FanoutMessage.Event message = new FanoutMessage.Event(roomId, update, skipSession);
    nodesOf(state, skipSession).forEach(node -> node.tell(message));
  }

  /** A cursor tick for every session of {@code state} but {@code skipSession}. */
  void cursors(RoomState state, RoomUpdate.Cursors update, Optional<String> skipSession) {
    FanoutMessage.Cursors message = new FanoutMessage.Cursors(roomId, update, skipSession);
    nodesOf(state, skipSession).forEach(node -> node.tell(message));
  }

  /** The answer to a command of a batch, behind the batch's events. */
  void answer(ActorRef<CommandReply> replyTo, CommandReply reply) {
    nodeOf(replyTo).tell(new FanoutMessage.Answer(roomId, reply, replyTo));
  }

  /** The session is open: its node's fan-out welcomes it and delivers to it from now on. */
  void welcome(ActorRef<SessionInbox> connection, SessionReply.Welcome welcome) {
    nodeOf(connection).tell(new FanoutMessage.Welcome(roomId, welcome, connection));
  }

  void sessionClosed(Session session) {
    nodeOf(session.connection()).tell(new FanoutMessage.SessionClosed(roomId, session.sessionId()));
  }

  /**
   * The room started with these open sessions, by id (those on nodes still in the cluster):
   * each node learns its own, in one message.
   */
  void started(Map<String, ActorRef<SessionInbox>> sessions) {
    Map<ActorRef<FanoutMessage>, Map<String, ActorRef<SessionInbox>>> byNode = new HashMap<>();
    sessions.forEach(
        (sessionId, connection) ->
            byNode.computeIfAbsent(nodeOf(connection), node -> new HashMap<>()).put(sessionId, connection));
    byNode.forEach((node, open) -> node.tell(new FanoutMessage.SessionsOpen(roomId, open)));
  }

  private Set<ActorRef<FanoutMessage>> nodesOf(RoomState state, Optional<String> skipSession) {
    Set<ActorRef<FanoutMessage>> fanouts = new LinkedHashSet<>();
    state
        .sessions()
        .filter(session -> skipSession.isEmpty() || !skipSession.get().equals(session.sessionId()))
        .forEach(session -> fanouts.add(nodeOf(session.connection())));
    return fanouts;
  }

  private ActorRef<FanoutMessage> nodeOf(ActorRef<?> connection) {
    return nodes.computeIfAbsent(
        connection.path().address(),
        address -> resolver.resolveActorRef(NodeFanout.pathOn(address).toSerializationFormat()));
  }
}
