package io.parley.room;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.testing.TestConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The fan-out of a node on its own: it delivers a room's updates to the connections whose
 * sessions the room opened through it, prepares each update once however many connections get
 * it, keeps each room's messages in order, and forgets a session when the room closes it or its
 * connection stops.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeFanoutTest {

  private static final Duration QUIET = Duration.ofMillis(200);
  private static final AtomicInteger ROOMS = new AtomicInteger();

  private ActorTestKit kit;
  private ActorRef<FanoutMessage> fanout;
  /** How many times the fan-out prepared an update. */
  private final AtomicInteger prepared = new AtomicInteger();

  private String roomId;

  @BeforeAll
  void start() {
    kit = ActorTestKit.create("NodeFanoutTest", TestConfig.actorSystem());
    fanout =
        kit.spawn(
            NodeFanout.create(
                3,
                new NodeFanout.Delivery() {
                  @Override
                  public SessionInbox prepare(RoomUpdate update) {
                    prepared.incrementAndGet();
                    return new Prepared(update);
                  }

                  @Override
                  public Optional<SessionInbox> roomRestarted(String roomId) {
                    return Optional.of(new Restarted(roomId));
                  }
                },
                FanoutStats.get(kit.system())),
            NodeFanout.NAME);
  }

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  @BeforeEach
  void newRoom() {
    roomId = "room-" + ROOMS.incrementAndGet();
  }

  /** What the test's fan-out hands to connections: the update, wrapped once; never leaves the node. */
  record Prepared(RoomUpdate update) implements SessionInbox, NoSerializationVerificationNeeded {}

  /** The test's notice that a connection's room started again. */
  record Restarted(String roomId) implements SessionInbox, NoSerializationVerificationNeeded {}

  private TestProbe<SessionInbox> welcomed(String sessionId) {
    TestProbe<SessionInbox> connection = kit.createTestProbe(SessionInbox.class);
    SessionReply.Welcome welcome = new SessionReply.Welcome(sessionId, RoomState.empty());
    fanout.tell(new FanoutMessage.Welcome(roomId, welcome, connection.getRef()));
    connection.expectMessage(welcome);
    return connection;
  }

  private static RoomUpdate.EventDelivered event(long version) {
    return new RoomUpdate.EventDelivered(
        version, new RoomEvent.ReadyChanged("ann", "c" + version, true, Instant.EPOCH));
  }

  private void publish(long version, Optional<String> skip) {
    fanout.tell(new FanoutMessage.Event(roomId, event(version), skip));
  }

  @Test
  void anEventIsPreparedOnceAndReachesEveryWelcomedConnectionOfItsRoom() {
    List<TestProbe<SessionInbox>> connections =
        List.of(welcomed("s1"), welcomed("s2"), welcomed("s3"));
    TestProbe<SessionInbox> otherRoom = kit.createTestProbe(SessionInbox.class);
    fanout.tell(
        new FanoutMessage.Welcome(
            "elsewhere", new SessionReply.Welcome("s9", RoomState.empty()), otherRoom.getRef()));
    otherRoom.expectMessageClass(SessionReply.Welcome.class);
    int before = prepared.get();

    publish(1, Optional.empty());

    SessionInbox first = connections.get(0).expectMessageClass(Prepared.class);
    assertThat(first).isEqualTo(new Prepared(event(1)));
    for (TestProbe<SessionInbox> connection : connections.subList(1, 3)) {
      assertThat(connection.expectMessageClass(Prepared.class)).isSameAs(first);
    }
    assertThat(prepared.get() - before).isEqualTo(1);
    otherRoom.expectNoMessage(QUIET);
  }

  @Test
  void theSkippedSessionGetsNothingAndAClosedOneNothingMore() {
    TestProbe<SessionInbox> ann = welcomed("s-ann");
    TestProbe<SessionInbox> bob = welcomed("s-bob");

    publish(1, Optional.of("s-ann"));
    bob.expectMessage(new Prepared(event(1)));
    fanout.tell(new FanoutMessage.SessionClosed(roomId, "s-bob"));
    publish(2, Optional.empty());

    ann.expectMessage(new Prepared(event(2)));
    bob.expectNoMessage(QUIET);
  }

  @Test
  void aConnectionThatStoppedIsForgotten() {
    TestProbe<SessionInbox> ann = welcomed("s-ann");
    TestProbe<SessionInbox> bob = welcomed("s-bob");
    FanoutStats stats = FanoutStats.get(kit.system());
    bob.stop();

    // the stop reaches the lane through its watch, some time later: until then bob counts too
    AtomicLong version = new AtomicLong();
    ann.awaitAssert(
        Duration.ofSeconds(5),
        Duration.ofMillis(50),
        () -> {
          long before = stats.deliveries();
          long next = version.incrementAndGet();
          publish(next, Optional.empty());
          ann.expectMessage(new Prepared(event(next)));
          assertThat(stats.deliveries() - before).isEqualTo(1);
          return null;
        });
  }

  @Test
  void oneConnectionMayHoldSessionsOfSeveralRooms() {
    TestProbe<SessionInbox> connection = kit.createTestProbe(SessionInbox.class);
    String first = roomId;
    String second = roomId + "-b";
    for (String room : List.of(first, second)) {
      SessionReply.Welcome welcome = new SessionReply.Welcome("s-" + room, RoomState.empty());
      fanout.tell(new FanoutMessage.Welcome(room, welcome, connection.getRef()));
      connection.expectMessage(welcome);
    }
    fanout.tell(new FanoutMessage.SessionClosed(first, "s-" + first));
    fanout.tell(new FanoutMessage.Event(first, event(1), Optional.empty()));
    fanout.tell(new FanoutMessage.Event(second, event(2), Optional.empty()));

    connection.expectMessage(new Prepared(event(2)));
    connection.expectNoMessage(QUIET);
  }

  @Test
  void theSessionsOfARestartedRoomAreToldAndDeliveredToWithoutAWelcome() {
    TestProbe<SessionInbox> ann = kit.createTestProbe(SessionInbox.class);
    fanout.tell(new FanoutMessage.SessionsOpen(roomId, Map.of("s-ann", ann.getRef())));
    fanout.tell(new FanoutMessage.SessionsOpen(roomId, Map.of("s-ann", ann.getRef())));

    publish(7, Optional.empty());

    ann.expectMessage(new Restarted(roomId));
    ann.expectMessage(new Restarted(roomId));
    ann.expectMessage(new Prepared(event(7)));
    ann.expectNoMessage(QUIET);
  }

  @Test
  void aLostNodeIsToldToTheConnectionsOfEveryRoomOnEveryLane() {
    List<TestProbe<SessionInbox>> connections = new java.util.ArrayList<>();
    for (int room = 0; room < 12; room++) {
      TestProbe<SessionInbox> connection = kit.createTestProbe(SessionInbox.class);
      SessionReply.Welcome welcome = new SessionReply.Welcome("s", RoomState.empty());
      fanout.tell(new FanoutMessage.Welcome(roomId + "-" + room, welcome, connection.getRef()));
      connection.expectMessage(welcome);
      connections.add(connection);
    }

    fanout.tell(new FanoutMessage.NodeLost("pekko://parley@127.0.0.1:25521"));

    for (int room = 0; room < 12; room++) {
      connections.get(room).expectMessage(new Restarted(roomId + "-" + room));
    }
  }

  @Test
  void anAnswerFollowsTheEventsSentBeforeIt() {
    TestProbe<SessionInbox> ann = welcomed("s-ann");
    for (long version = 1; version <= 20; version++) {
      publish(version, Optional.empty());
      fanout.tell(
          new FanoutMessage.Answer(
              roomId, new CommandReply.Accepted("c" + version, version), ann.getRef().narrow()));
    }
    for (long version = 1; version <= 20; version++) {
      ann.expectMessage(new Prepared(event(version)));
      ann.expectMessage(new CommandReply.Accepted("c" + version, version));
    }
  }
}
