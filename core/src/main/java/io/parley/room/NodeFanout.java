package io.parley.room;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.ActorPath;
import org.apache.pekko.actor.RootActorPath;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Routers;

/**
 * The fan-out of one node: a room sends each event or cursor tick once to every node that has
 * connections in it, and this actor hands it to the node's connections of that room. An update
 * is prepared (encoded as a frame, by the gateway) once here, not once per connection. It knows
 * the connections from the room itself: the welcome of a session and its close pass through it,
 * in order with the events, so a connection gets its welcome before any event and nothing after
 * its session closed, as when the room told each connection itself.
 *
 * <p>Every node runs one, as {@value #NAME} under the user guardian, so a room finds the fan-out
 * of a connection's node from the connection's address alone. Its work is spread over lanes by
 * room id: one room's messages always take the same lane, in the order the room sent them.
 */
public final class NodeFanout {

  /** The name of the fan-out under the node's guardian: {@code /user/parley-fanout}. */
  public static final String NAME = "parley-fanout";

  /** Virtual nodes per lane on the hash ring: enough to spread rooms evenly over a few lanes. */
  private static final int VIRTUAL_NODES_FACTOR = 16;

  private NodeFanout() {}

  /** How the node's connections take what the fan-out hands them: the gateway's part. */
  public interface Delivery {

    /** What every connection of a room gets for an update; prepared once per node. */
    SessionInbox prepare(RoomUpdate update);

    /**
     * What a connection gets when its room started again (after a crash or a move) with the
     * connection's session open, if anything.
     */
    Optional<SessionInbox> roomRestarted(String roomId);

    /** Updates as they are and no notice: for a room without a gateway (tests, benchmarks). */
    static Delivery asIs() {
      return new Delivery() {
        @Override
        public SessionInbox prepare(RoomUpdate update) {
          return update;
        }

        @Override
        public Optional<SessionInbox> roomRestarted(String roomId) {
          return Optional.empty();
        }
      };
    }
  }

  /**
   * The fan-out, {@code lanes} actors behind a router that hashes the room id; spawn it as
   * {@link #NAME}.
   */
  public static Behavior<FanoutMessage> create(int lanes, Delivery delivery, FanoutStats stats) {
    if (lanes < 1) {
      throw new IllegalArgumentException("parley.room.fanout-lanes must be at least 1");
    }
    Behavior<FanoutMessage> lane =
        Behaviors.supervise(Behaviors.<FanoutMessage>setup(context -> new Lane(context, delivery, stats).behavior()))
            .onFailure(SupervisorStrategy.resume());
    return Routers.pool(lanes, lane)
        .withConsistentHashingRouting(VIRTUAL_NODES_FACTOR, FanoutMessage::roomId)
        .withBroadcastPredicate(message -> message instanceof FanoutMessage.NodeLost);
  }

  /** Where the fan-out of the node at {@code address} runs. */
  static ActorPath pathOn(Address address) {
    return new RootActorPath(address, "/").child("user").child(NAME);
  }

  /** The connections of the open sessions of the rooms of one lane, by room and session. */
  private static final class Lane {

    private final ActorContext<FanoutMessage> context;
    private final Delivery delivery;
    private final FanoutStats stats;
    private final Map<String, Map<String, ActorRef<SessionInbox>>> rooms = new HashMap<>();
    /** The sessions of each watched connection (one, from the gateway; any number in tests). */
    private final Map<ActorRef<SessionInbox>, Set<RoomSession>> byConnection = new HashMap<>();

    private record RoomSession(String roomId, String sessionId) {}

    Lane(ActorContext<FanoutMessage> context, Delivery delivery, FanoutStats stats) {
      this.context = context;
      this.delivery = delivery;
      this.stats = stats;
    }

    Behavior<FanoutMessage> behavior() {
      return Behaviors.receive(FanoutMessage.class)
          .onMessage(FanoutMessage.Event.class, e -> deliver(e.roomId(), e.update(), e.skipSession()))
          .onMessage(FanoutMessage.Cursors.class, c -> deliver(c.roomId(), c.update(), c.skipSession()))
          .onMessage(FanoutMessage.Answer.class, this::onAnswer)
          .onMessage(FanoutMessage.Welcome.class, this::onWelcome)
          .onMessage(FanoutMessage.SessionsOpen.class, this::onSessionsOpen)
          .onMessage(FanoutMessage.SessionClosed.class, this::onSessionClosed)
          .onMessage(FanoutMessage.NodeLost.class, this::onNodeLost)
          .onSignal(Terminated.class, this::onConnectionStopped)
          .build();
    }

    private Behavior<FanoutMessage> deliver(String roomId, RoomUpdate update, Optional<String> skip) {
      Map<String, ActorRef<SessionInbox>> connections = rooms.getOrDefault(roomId, Map.of());
      List<ActorRef<SessionInbox>> recipients = new ArrayList<>(connections.size());
      connections.forEach(
          (sessionId, connection) -> {
            if (skip.isEmpty() || !skip.get().equals(sessionId)) {
              recipients.add(connection);
            }
          });
      stats.received(recipients.size());
      if (!recipients.isEmpty()) {
        SessionInbox prepared = delivery.prepare(update);
        recipients.forEach(connection -> connection.tell(prepared));
      }
      return Behaviors.same();
    }

    private Behavior<FanoutMessage> onAnswer(FanoutMessage.Answer answer) {
      answer.replyTo().tell(answer.reply());
      return Behaviors.same();
    }

    private Behavior<FanoutMessage> onWelcome(FanoutMessage.Welcome welcome) {
      open(welcome.roomId(), welcome.welcome().sessionId(), welcome.connection());
      welcome.connection().tell(welcome.welcome());
      return Behaviors.same();
    }

    private Behavior<FanoutMessage> onSessionsOpen(FanoutMessage.SessionsOpen open) {
      Optional<SessionInbox> notice = delivery.roomRestarted(open.roomId());
      open.sessions()
          .forEach(
              (sessionId, connection) -> {
                open(open.roomId(), sessionId, connection);
                notice.ifPresent(connection::tell);
              });
      return Behaviors.same();
    }

    private void open(String roomId, String sessionId, ActorRef<SessionInbox> connection) {
      Map<String, ActorRef<SessionInbox>> connections =
          rooms.computeIfAbsent(roomId, id -> new LinkedHashMap<>());
      if (connections.putIfAbsent(sessionId, connection) == null) {
        byConnection
            .computeIfAbsent(
                connection,
                watched -> {
                  context.watch(watched);
                  return new HashSet<>();
                })
            .add(new RoomSession(roomId, sessionId));
      }
    }

    private Behavior<FanoutMessage> onSessionClosed(FanoutMessage.SessionClosed closed) {
      ActorRef<SessionInbox> connection = forget(closed.roomId(), closed.sessionId());
      Set<RoomSession> sessions = connection == null ? null : byConnection.get(connection);
      if (sessions != null) {
        sessions.remove(new RoomSession(closed.roomId(), closed.sessionId()));
        if (sessions.isEmpty()) {
          byConnection.remove(connection);
          context.unwatch(connection);
        }
      }
      return Behaviors.same();
    }

    private Behavior<FanoutMessage> onNodeLost(FanoutMessage.NodeLost lost) {
      rooms.forEach(
          (roomId, connections) ->
              delivery
                  .roomRestarted(roomId)
                  .ifPresent(notice -> connections.values().forEach(c -> c.tell(notice))));
      return Behaviors.same();
    }

    private Behavior<FanoutMessage> onConnectionStopped(Terminated stopped) {
      Set<RoomSession> sessions = byConnection.remove(stopped.getRef());
      if (sessions != null) {
        sessions.forEach(session -> forget(session.roomId(), session.sessionId()));
      }
      return Behaviors.same();
    }

    /** Removes a session; its connection, or null if the session was not open here. */
    private ActorRef<SessionInbox> forget(String roomId, String sessionId) {
      Map<String, ActorRef<SessionInbox>> connections = rooms.get(roomId);
      if (connections == null) {
        return null;
      }
      ActorRef<SessionInbox> connection = connections.remove(sessionId);
      if (connections.isEmpty()) {
        rooms.remove(roomId);
      }
      return connection;
    }
  }
}
