package io.parley.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.parley.presence.DocumentFocus;
import io.parley.presence.Member;
import io.parley.presence.MemberStatus;
import io.parley.presence.Session;
import io.parley.ratelimit.RateLimitHandover;
import io.parley.testing.TestClock;
import io.parley.testing.TestConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.persistence.testkit.ProcessingSuccess$;
import org.apache.pekko.persistence.testkit.SnapshotMeta;
import org.apache.pekko.persistence.testkit.WriteEvents;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResult;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.apache.pekko.persistence.testkit.javadsl.SnapshotTestKit;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The room entity on the in-memory journal and snapshot store of the persistence testkit. Every
 * command, event, state and reply is checked for serialization by the testkit, and every message
 * the room sends is serialized on the way ({@code pekko.actor.serialize-messages = on}).
 *
 * <p>Connections are test probes, reached through the node's fan-out as on a node. A durable event
 * goes to every session (the author's too); the event of opening a session goes to every session
 * but the new one, which gets the welcome.
 */
class RoomEntityTest {

  private static final Instant NOW = Instant.parse("2025-03-04T05:06:07.123456789Z");
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final AtomicInteger ROOMS = new AtomicInteger();

  /** One actor system for the class and its nested classes (the JUnit 5 extension does not see nested tests). */
  private static ActorTestKit kit;

  @BeforeAll
  static void startActorSystem() {
    kit = ActorTestKit.create("RoomEntityTest", TestConfig.actorSystem());
    // rooms reach their connections (here probes) through the node's fan-out, as on a node
    kit.spawn(NodeFanout.create(2, NodeFanout.Delivery.asIs(), FanoutStats.get(kit.system())), NodeFanout.NAME);
  }

  @AfterAll
  static void stopActorSystem() {
    kit.shutdownTestKit();
  }

  private String roomId;
  private EventSourcedBehaviorTestKit<RoomCommand, RoomEvent, RoomState> room;
  /** The room's clock: it stands at {@link #NOW} unless a test moves it. */
  private TestClock clock;

  /** The rate-limit handover of the node the spawned rooms run on. */
  private final RateLimitHandover rateLimitHandover = new RateLimitHandover();

  /** What spawned rooms check events with: the serializer the journal uses. */
  private final EventCheck eventCheck = EventCheck.serializable(kit.system());

  /** Rooms started outside the behavior testkit, stopped after each test with their timers. */
  private final List<ActorRef<RoomCommand>> spawned = new ArrayList<>();

  @BeforeEach
  void newRoom() {
    room = startRoom(TestConfig.roomSettings());
  }

  @AfterEach
  void stopSpawnedRooms() {
    spawned.forEach(kit::stop);
  }

  private EventSourcedBehaviorTestKit<RoomCommand, RoomEvent, RoomState> startRoom(RoomSettings settings) {
    roomId = "room-" + ROOMS.incrementAndGet();
    clock = new TestClock(NOW);
    return EventSourcedBehaviorTestKit.create(
        kit.system(),
        RoomEntity.create(roomId, settings, Optional.empty(), RoomRuntime.withClock(kit.system(), clock)),
        EventSourcedBehaviorTestKit.enabledSerializationSettings());
  }

  private String persistenceId() {
    return PersistenceId.of(RoomEntity.TYPE_KEY.name(), roomId).id();
  }

  private List<Object> journal() {
    return room.persistenceTestKit().persistedInStorage(persistenceId());
  }

  // ---- helpers

  private TestProbe<SessionInbox> connection() {
    return kit.createTestProbe(SessionInbox.class);
  }

  private static String nameOf(String userId) {
    return Character.toUpperCase(userId.charAt(0)) + userId.substring(1);
  }

  private static RoomCommand.OpenSession open(String sessionId, String userId, ActorRef<SessionInbox> connection) {
    return new RoomCommand.OpenSession(sessionId, userId, nameOf(userId), "#1e90ff", connection);
  }

  /** What a join wrote (its event, or none when it was refused) and the room after it. */
  private record JoinResult(List<Object> events, RoomState state) {
    boolean hasNoEvents() {
      return events.isEmpty();
    }
  }

  /**
   * Runs a join, which the room writes with its next batch: the explicit write after it is
   * decided only once that batch is written.
   */
  private JoinResult runJoin(RoomCommand.OpenSession open) {
    int before = journal().size();
    room.runCommand(open);
    RoomState after = room.runCommand(new RoomCommand.WriteBatch()).state();
    List<Object> journal = journal();
    return new JoinResult(List.copyOf(journal.subList(before, journal.size())), after);
  }

  /** Opens a session and consumes its welcome; other sessions get the event and keep it. */
  private TestProbe<SessionInbox> join(String sessionId, String userId) {
    TestProbe<SessionInbox> connection = connection();
    JoinResult result = runJoin(open(sessionId, userId, connection.getRef()));
    assertEquals(1, result.events().size());
    SessionReply.Welcome welcome = connection.expectMessageClass(SessionReply.Welcome.class);
    assertEquals(sessionId, welcome.sessionId());
    return connection;
  }

  private CommandResultWithReply<RoomCommand, RoomEvent, RoomState, CommandReply> run(
      Function<ActorRef<CommandReply>, RoomCommand> command) {
    return room.<CommandReply>runCommand(command::apply);
  }

  private static RoomUpdate.EventDelivered delivered(long version, RoomEvent event) {
    return new RoomUpdate.EventDelivered(version, event);
  }

  private static KeyOp set(String key, JsonNode value) {
    return new KeyOp.Set(key, value, Optional.empty());
  }

  private static KeyOp set(String key, JsonNode value, long expect) {
    return new KeyOp.Set(key, value, Optional.of(expect));
  }

  private static KeyOp delete(String key) {
    return new KeyOp.Delete(key, Optional.empty());
  }

  /** Consumes the next {@code count} delivered events of a connection. */
  private static void skipDelivered(TestProbe<SessionInbox> probe, int count) {
    for (int i = 0; i < count; i++) {
      probe.expectMessageClass(RoomUpdate.EventDelivered.class);
    }
  }

  private RoomState snapshot() {
    return room.<RoomState>runCommand(RoomCommand.GetSnapshot::new).reply();
  }

  /** Settings with a grace period of {@code grace} and the other defaults. */
  private static RoomSettings withGrace(Duration grace) {
    return TestConfig.roomSettings("presence.grace-period = " + grace.toMillis() + "ms");
  }

  /**
   * Starts a room entity outside the behavior testkit, as sharding would: on a journal holding
   * {@code events} (for a new room id), with {@code shard} as its shard. Nothing waits for its
   * recovery, so the first message told to it waits in the recovery stash.
   */
  private ActorRef<RoomCommand> spawnRoom(
      RoomSettings settings, Optional<ActorRef<ClusterSharding.ShardCommand>> shard, RoomEvent... events) {
    return spawnRoom(settings, shard, eventCheck, events);
  }

  private ActorRef<RoomCommand> spawnRoom(
      RoomSettings settings,
      Optional<ActorRef<ClusterSharding.ShardCommand>> shard,
      EventCheck check,
      RoomEvent... events) {
    roomId = "room-" + ROOMS.incrementAndGet();
    room.persistenceTestKit().persistForRecovery(persistenceId(), List.of((Object[]) events));
    return spawnAgain(settings, shard, check);
  }

  /** Starts the current room again (as its shard would), with the node's rate-limit handover. */
  private ActorRef<RoomCommand> spawnAgain(
      RoomSettings settings, Optional<ActorRef<ClusterSharding.ShardCommand>> shard, EventCheck check) {
    ActorRef<RoomCommand> entity =
        kit.spawn(
            RoomEntity.create(roomId, settings, shard, new RoomRuntime(clock, rateLimitHandover, check)));
    spawned.add(entity);
    return entity;
  }

  /** A connection actor that was stopped, as the connection of a crashed or closed socket. */
  private ActorRef<SessionInbox> goneConnection(String name) {
    ActorRef<SessionInbox> connection = kit.spawn(Behaviors.<SessionInbox>ignore(), name + "-" + roomId);
    kit.stop(connection);
    return connection;
  }

  private static RoomEvent.MemberJoined joined(String sessionId, String userId, ActorRef<SessionInbox> connection) {
    return new RoomEvent.MemberJoined(userId, sessionId, nameOf(userId), "#1e90ff", connection, NOW);
  }

  private static RoomCommand.CloseSession leave(String sessionId) {
    return new RoomCommand.CloseSession(sessionId, RoomCommand.SessionEnd.LEAVE);
  }

  private static RoomCommand.CloseSession lost(String sessionId) {
    return new RoomCommand.CloseSession(sessionId, RoomCommand.SessionEnd.LOST);
  }

  private static RoomUpdate.Cursors cursors(RoomUpdate.CursorMoved... moved) {
    return new RoomUpdate.Cursors(List.of(moved));
  }

  private static Session session(String sessionId, TestProbe<SessionInbox> connection) {
    return new Session(sessionId, connection.getRef(), NOW);
  }

  /** Asserts a durable command was rejected with {@code code}, persisting and delivering nothing. */
  private CommandReply.Rejected assertRejected(
      RejectCode code,
      Function<ActorRef<CommandReply>, RoomCommand> command,
      TestProbe<SessionInbox> observer) {
    RoomState before = room.getState();
    int journalBefore = journal().size();

    CommandResultWithReply<RoomCommand, RoomEvent, RoomState, CommandReply> result = run(command);

    CommandReply.Rejected rejected = result.replyOfType(CommandReply.Rejected.class);
    assertEquals(code, rejected.code(), rejected.message());
    assertTrue(result.hasNoEvents(), () -> "persisted " + result.events());
    assertEquals(journalBefore, journal().size());
    assertEquals(before, result.state());
    // Nothing was delivered: the next thing the observer gets is the next accepted change.
    CommandReply.Accepted next =
        run(r -> new RoomCommand.SetReady("probe-" + journalBefore, "s-alice", true, r))
            .replyOfType(CommandReply.Accepted.class);
    assertEquals(before.version() + 1, next.version());
    RoomUpdate.EventDelivered update = observer.expectMessageClass(RoomUpdate.EventDelivered.class);
    assertEquals(before.version() + 1, update.version());
    assertInstanceOf(RoomEvent.ReadyChanged.class, update.event());
    return rejected;
  }

  // ---- sessions

  @Nested
  class Sessions {

    @Test
    void openingASessionPersistsMemberJoinedAndWelcomesTheConnectionWithTheNewSessionInTheSnapshot() {
      TestProbe<SessionInbox> alice = connection();

      JoinResult result =
          runJoin(open("s-alice", "alice", alice.getRef()));

      assertEquals(
          List.of(new RoomEvent.MemberJoined("alice", "s-alice", "Alice", "#1e90ff", alice.getRef(), NOW)),
          result.events());
      SessionReply.Welcome welcome = alice.expectMessageClass(SessionReply.Welcome.class);
      assertEquals("s-alice", welcome.sessionId());
      assertEquals(1, welcome.snapshot().version());
      assertEquals(result.state(), welcome.snapshot());
      assertEquals(
          Map.of(
              "alice",
              new Member(
                  "alice", "Alice", "#1e90ff", NOW, NOW, Optional.empty(), false,
                  Map.of("s-alice", session("s-alice", alice)), Optional.empty())),
          welcome.snapshot().members());
      assertEquals(List.of(new RoomEvent.MemberJoined("alice", "s-alice", "Alice", "#1e90ff", alice.getRef(), NOW)), journal());
    }

    @Test
    void aNewMemberIsAnnouncedToTheOthersButGetsOnlyItsWelcome() {
      TestProbe<SessionInbox> alice = join("s-alice", "alice");
      TestProbe<SessionInbox> bob = connection();

      JoinResult result = runJoin(open("s-bob", "bob", bob.getRef()));

      RoomEvent joined = new RoomEvent.MemberJoined("bob", "s-bob", "Bob", "#1e90ff", bob.getRef(), NOW);
      assertEquals(List.of(joined), result.events());
      alice.expectMessage(delivered(2, joined));
      SessionReply.Welcome welcome = bob.expectMessageClass(SessionReply.Welcome.class);
      assertEquals(2, welcome.snapshot().version());
      assertEquals(2, welcome.snapshot().members().size());

      // bob's next message is the next change, not an echo of its own join
      run(r -> new RoomCommand.SetReady("c1", "s-alice", true, r));
      assertEquals(3, bob.expectMessageClass(RoomUpdate.EventDelivered.class).version());
    }

    @Test
    void aSecondTabOfTheSameUserOpensASessionOnTheSameMember() {
      TestProbe<SessionInbox> tab1 = join("s-alice", "alice");
      TestProbe<SessionInbox> tab2 = connection();

      JoinResult result =
          runJoin(new RoomCommand.OpenSession("s-alice-2", "alice", "Alice (phone)", "#000000", tab2.getRef()));

      RoomEvent opened = new RoomEvent.SessionOpened("alice", "s-alice-2", "Alice (phone)", "#000000", tab2.getRef(), NOW);
      assertEquals(List.of(opened), result.events());
      tab1.expectMessage(delivered(2, opened));
      SessionReply.Welcome welcome = tab2.expectMessageClass(SessionReply.Welcome.class);
      Member alice = welcome.snapshot().members().get("alice");
      assertEquals(1, welcome.snapshot().members().size());
      assertEquals(
          Map.of("s-alice", session("s-alice", tab1), "s-alice-2", session("s-alice-2", tab2)), alice.sessions());
      assertEquals("Alice (phone)", alice.name());
    }

    @Test
    void openingASessionIdThatIsAlreadyOpenIsRefusedWithoutAnEvent() {
      TestProbe<SessionInbox> alice = join("s-alice", "alice");
      TestProbe<SessionInbox> intruder = connection();

      JoinResult result = runJoin(open("s-alice", "mallory", intruder.getRef()));

      assertTrue(result.hasNoEvents());
      assertEquals(1, result.state().version());
      intruder.expectMessage(
          new SessionReply.Refused("s-alice", RejectCode.VALIDATION, "sessionId: is already open in this room"));
      assertEquals(1, journal().size());
      // alice saw nothing: her next message is the next change
      run(r -> new RoomCommand.SetReady("c1", "s-alice", true, r));
      assertEquals(2, alice.expectMessageClass(RoomUpdate.EventDelivered.class).version());
    }

    @Test
    void anInvalidOpenSessionIsRefusedToTheConnectionWithoutAnEvent() {
      TestProbe<SessionInbox> connection = connection();

      JoinResult result =
          runJoin(new RoomCommand.OpenSession("s1", "alice", "Al\u0000ice", "#1e90ff", connection.getRef()));

      assertTrue(result.hasNoEvents());
      assertEquals(RoomState.empty(), result.state());
      connection.expectMessage(
          new SessionReply.Refused("s1", RejectCode.VALIDATION, "name: must not contain control characters, not U+0000 (at character 3)"));
      room.runCommand(new RoomCommand.OpenSession("s2", "alice", "Alice", "blue", connection.getRef()));
      connection.expectMessage(
          new SessionReply.Refused("s2", RejectCode.VALIDATION, "color: must be a colour written #rrggbb in hexadecimal, like #1e90ff"));
      assertEquals(List.of(), journal());
    }

    @Test
    void closingOneOfTwoTabsPersistsSessionClosedAndTellsTheOtherTab() {
      TestProbe<SessionInbox> tab1 = join("s-alice", "alice");
      TestProbe<SessionInbox> tab2 = join("s-alice-2", "alice");
      tab1.expectMessageClass(RoomUpdate.EventDelivered.class);

      CommandResult<RoomCommand, RoomEvent, RoomState> result = room.runCommand(leave("s-alice"));

      RoomEvent closed = new RoomEvent.SessionClosed("alice", "s-alice", NOW);
      assertEquals(List.of(closed), result.events());
      assertEquals(Map.of("s-alice-2", session("s-alice-2", tab2)), result.state().members().get("alice").sessions());
      tab2.expectMessage(delivered(3, closed));
    }

    @Test
    void leavingFromTheLastSessionPersistsMemberLeftAndTellsTheOthers() {
      join("s-alice", "alice");
      TestProbe<SessionInbox> bob = join("s-bob", "bob");

      CommandResult<RoomCommand, RoomEvent, RoomState> result = room.runCommand(leave("s-alice"));

      RoomEvent left = new RoomEvent.MemberLeft("alice", RoomEvent.LeaveReason.LEFT, NOW);
      assertEquals(List.of(left), result.events());
      assertEquals(List.of("bob"), List.copyOf(result.state().members().keySet()));
      assertEquals(3, result.state().version());
      bob.expectMessage(delivered(3, left));
    }

    @Test
    void aClosedSessionGetsNoFurtherEvents() {
      TestProbe<SessionInbox> alice = join("s-alice", "alice");
      TestProbe<SessionInbox> bob = join("s-bob", "bob");
      alice.expectMessageClass(RoomUpdate.EventDelivered.class);
      room.runCommand(lost("s-alice"));
      bob.expectMessage(delivered(3, new RoomEvent.MemberAway("alice", "s-alice", NOW)));

      run(r -> new RoomCommand.PostChat("m1", "s-bob", "anyone?", r));

      assertEquals(4, bob.expectMessageClass(RoomUpdate.EventDelivered.class).version());
      alice.expectNoMessage();
    }

    @Test
    void closingAnUnknownSessionPersistsNothing() {
      join("s-alice", "alice");
      RoomState before = room.getState();

      for (RoomCommand.SessionEnd end : RoomCommand.SessionEnd.values()) {
        CommandResult<RoomCommand, RoomEvent, RoomState> result =
            room.runCommand(new RoomCommand.CloseSession("nobody", end));

        assertTrue(result.hasNoEvents());
        assertEquals(before, result.state());
        assertEquals(1, journal().size());
      }
    }

    @Test
    void aConnectionThatTerminatesHasItsSessionClosed() {
      ActorRef<SessionInbox> aliceConnection = kit.spawn(Behaviors.<SessionInbox>ignore(), "alice-connection-" + roomId);
      runJoin(open("s-alice", "alice", aliceConnection));
      TestProbe<SessionInbox> bob = join("s-bob", "bob");

      kit.stop(aliceConnection);

      // a lost connection is not a leave: alice stays, away, for the grace period
      bob.expectMessage(delivered(3, new RoomEvent.MemberAway("alice", "s-alice", NOW)));
      RoomState state = room.getState();
      assertEquals(Set.of("alice", "bob"), state.members().keySet());
      assertEquals(MemberStatus.AWAY, state.members().get("alice").status());
      assertEquals(Map.of(), state.members().get("alice").sessions());
      assertEquals(3, journal().size());
    }

    @Test
    void aConnectionThatTerminatesEndsOnlyItsOwnTab() {
      TestProbe<SessionInbox> tab1 = join("s-alice", "alice");
      ActorRef<SessionInbox> tab2 = kit.spawn(Behaviors.<SessionInbox>ignore(), "alice-tab2-" + roomId);
      runJoin(open("s-alice-2", "alice", tab2));
      tab1.expectMessageClass(RoomUpdate.EventDelivered.class);

      kit.stop(tab2);

      tab1.expectMessage(delivered(3, new RoomEvent.SessionClosed("alice", "s-alice-2", NOW)));
      assertEquals(Map.of("s-alice", session("s-alice", tab1)), room.getState().members().get("alice").sessions());
    }

    @Test
    void aRecoveredRoomClosesTheSessionsWhoseConnectionIsGone() {
      TestProbe<SessionInbox> gone = connection();
      gone.stop();
      TestProbe<SessionInbox> bob = connection();

      room.initialize(
          new RoomEvent.MemberJoined("alice", "s-alice", "Alice", "#1e90ff", gone.getRef(), NOW),
          new RoomEvent.MemberJoined("bob", "s-bob", "Bob", "#1e90ff", bob.getRef(), NOW));

      bob.expectMessage(delivered(3, new RoomEvent.MemberAway("alice", "s-alice", NOW)));
      RoomState state = room.getState();
      assertEquals(3, state.version());
      assertEquals(Set.of("alice", "bob"), state.members().keySet());
      assertEquals(MemberStatus.AWAY, state.members().get("alice").status());
      assertEquals(MemberStatus.ONLINE, state.members().get("bob").status());
    }
  }

  // ---- presence: online, away, back, gone

  @Nested
  class Presence {

    private final Duration shortGrace = Duration.ofMillis(300);
    /** How long a test waits for something the grace period brings; far more than it needs. */
    private final Duration patience = Duration.ofSeconds(5);

    @Test
    void closingOneOfTwoSessionsKeepsTheMemberOnlineAndLosingBothMakesItAwayThenGone() {
      room = startRoom(withGrace(shortGrace));
      TestProbe<SessionInbox> tab1 = join("s-alice", "alice"); // v1
      TestProbe<SessionInbox> tab2 = join("s-alice-2", "alice"); // v2
      TestProbe<SessionInbox> bob = join("s-bob", "bob"); // v3
      skipDelivered(tab1, 2);
      skipDelivered(tab2, 1);

      CommandResult<RoomCommand, RoomEvent, RoomState> closed = room.runCommand(lost("s-alice"));

      RoomEvent sessionClosed = new RoomEvent.SessionClosed("alice", "s-alice", NOW);
      assertEquals(List.of(sessionClosed), closed.events());
      Member online = closed.state().members().get("alice");
      assertEquals(MemberStatus.ONLINE, online.status());
      assertEquals(Set.of("s-alice-2"), online.sessions().keySet());
      assertEquals(Optional.empty(), online.awaySince());
      tab2.expectMessage(delivered(4, sessionClosed));
      bob.expectMessage(delivered(4, sessionClosed));

      CommandResult<RoomCommand, RoomEvent, RoomState> lostLast = room.runCommand(lost("s-alice-2"));

      RoomEvent away = new RoomEvent.MemberAway("alice", "s-alice-2", NOW);
      assertEquals(List.of(away), lostLast.events());
      Member awayAlice = lostLast.state().members().get("alice");
      assertEquals(MemberStatus.AWAY, awayAlice.status());
      assertEquals(Optional.of(NOW), awayAlice.awaySince());
      assertEquals(Map.of(), awayAlice.sessions());
      bob.expectMessage(delivered(5, away));

      // the grace period ends: the member leaves, timed out
      RoomEvent timedOut = new RoomEvent.MemberLeft("alice", RoomEvent.LeaveReason.TIMED_OUT, NOW);
      bob.expectMessage(patience, delivered(6, timedOut));
      assertEquals(Set.of("bob"), snapshot().members().keySet());
      assertEquals(timedOut, journal().get(5));
      assertEquals(6, journal().size());
      // the closed sessions saw nothing after their own end
      tab1.expectNoMessage();
      tab2.expectNoMessage();
    }

    @Test
    void aReconnectWithinTheGraceBringsTheMemberBackAndItNeverTimesOut() {
      Duration grace = Duration.ofSeconds(1);
      room = startRoom(withGrace(grace));
      join("s-alice", "alice"); // v1
      TestProbe<SessionInbox> bob = join("s-bob", "bob"); // v2
      room.runCommand(lost("s-alice")); // v3
      bob.expectMessage(delivered(3, new RoomEvent.MemberAway("alice", "s-alice", NOW)));
      Instant later = clock.advance(Duration.ofMillis(400));

      TestProbe<SessionInbox> aliceAgain = connection();
      JoinResult back =
          runJoin(open("s-alice-3", "alice", aliceAgain.getRef()));

      RoomEvent opened = new RoomEvent.SessionOpened("alice", "s-alice-3", "Alice", "#1e90ff", aliceAgain.getRef(), later);
      assertEquals(List.of(opened), back.events());
      bob.expectMessage(delivered(4, opened));
      Member alice = aliceAgain.expectMessageClass(SessionReply.Welcome.class).snapshot().members().get("alice");
      assertEquals(MemberStatus.ONLINE, alice.status());
      assertEquals(Optional.empty(), alice.awaySince());
      assertEquals(NOW, alice.joinedAt(), "the same membership, not a new join");
      assertEquals(later, alice.lastSeen());
      assertEquals(Map.of("s-alice-3", new Session("s-alice-3", aliceAgain.getRef(), later)), alice.sessions());

      // the grace period passes without a leave
      bob.expectNoMessage(grace.plusMillis(500));
      aliceAgain.expectNoMessage();
      assertEquals(4, journal().size());
      assertEquals(MemberStatus.ONLINE, snapshot().members().get("alice").status());
    }

    @Test
    void leavingFromTheLastSessionLeavesAtOnceWithoutAGracePeriod() {
      room = startRoom(withGrace(shortGrace));
      join("s-alice", "alice"); // v1
      join("s-alice-2", "alice"); // v2
      TestProbe<SessionInbox> bob = join("s-bob", "bob"); // v3
      room.runCommand(lost("s-alice")); // v4

      CommandResult<RoomCommand, RoomEvent, RoomState> result = room.runCommand(leave("s-alice-2"));

      RoomEvent left = new RoomEvent.MemberLeft("alice", RoomEvent.LeaveReason.LEFT, NOW);
      assertEquals(List.of(left), result.events());
      assertEquals(Set.of("bob"), result.state().members().keySet());
      bob.expectMessage(delivered(4, new RoomEvent.SessionClosed("alice", "s-alice", NOW)));
      bob.expectMessage(delivered(5, left));
      bob.expectNoMessage(shortGrace.multipliedBy(3));
      assertEquals(5, journal().size());
    }

    @Test
    void anAwayMemberThatLeavesAgainAfterComingBackGetsANewGracePeriod() {
      room = startRoom(withGrace(shortGrace));
      join("s-alice", "alice"); // v1
      TestProbe<SessionInbox> bob = join("s-bob", "bob"); // v2
      room.runCommand(lost("s-alice")); // v3
      runJoin(open("s-alice-2", "alice", connection().getRef())); // v4
      room.runCommand(leave("s-alice-2")); // v5: an explicit leave ends it at once

      skipDelivered(bob, 2);
      bob.expectMessage(delivered(5, new RoomEvent.MemberLeft("alice", RoomEvent.LeaveReason.LEFT, NOW)));
      bob.expectNoMessage(shortGrace.multipliedBy(3));
      assertEquals(Set.of("bob"), snapshot().members().keySet());
    }

    @Test
    void anAwayMemberIsNotAMemberForCommandsAndGetsNoEvents() {
      TestProbe<SessionInbox> alice = join("s-alice", "alice");
      TestProbe<SessionInbox> bob = join("s-bob", "bob");
      TestProbe<SessionInbox> carol = join("s-carol", "carol");
      room.runCommand(lost("s-carol")); // v4
      skipDelivered(alice, 3);
      skipDelivered(bob, 2);

      var rejected = assertRejected(RejectCode.NOT_MEMBER, r -> new RoomCommand.PostChat("m1", "s-carol", "still here?", r), bob);

      assertEquals(new CommandReply.Rejected("m1", RejectCode.NOT_MEMBER, "no open session s-carol"), rejected);
      carol.expectNoMessage();
      assertEquals(MemberStatus.AWAY, room.getState().members().get("carol").status());
    }

    @Test
    void sessionActivityRaisesLastSeenInSnapshotsWithoutPersistingAnything() {
      TestProbe<SessionInbox> alice = join("s-alice", "alice");
      join("s-bob", "bob");
      Instant active = NOW.plusSeconds(42);

      CommandResult<RoomCommand, RoomEvent, RoomState> result =
          room.runCommand(new RoomCommand.SessionActive("s-alice", active));

      assertTrue(result.hasNoEvents());
      assertEquals(NOW, result.state().members().get("alice").lastSeen(), "the durable state is not touched");
      room.runCommand(new RoomCommand.SessionActive("s-alice", NOW.plusSeconds(1))); // older: changes nothing
      room.runCommand(new RoomCommand.SessionActive("s-ghost", NOW.plusSeconds(99))); // no such session
      RoomState seen = snapshot();
      assertEquals(active, seen.members().get("alice").lastSeen());
      assertEquals(NOW, seen.members().get("bob").lastSeen());
      assertEquals(room.getState().withActivity(Map.of("alice", active)), seen);
      assertEquals(2, journal().size());

      // a cursor is activity too, at the room's clock
      Instant cursorAt = clock.advance(Duration.ofMinutes(1));
      room.runCommand(new RoomCommand.MoveCursor("s-bob", 1, 2, Optional.empty()));
      assertEquals(cursorAt, snapshot().members().get("bob").lastSeen());

      // and a new session's welcome shows it
      TestProbe<SessionInbox> carol = connection();
      runJoin(open("s-carol", "carol", carol.getRef()));
      RoomState welcome = carol.expectMessageClass(SessionReply.Welcome.class).snapshot();
      assertEquals(active, welcome.members().get("alice").lastSeen());
      assertEquals(cursorAt, welcome.members().get("bob").lastSeen());
      assertEquals(3, journal().size());
      skipDelivered(alice, 1);
      alice.expectMessage(cursors(new RoomUpdate.CursorMoved("bob", "s-bob", 1, 2, Optional.empty())));
      alice.expectMessageClass(RoomUpdate.EventDelivered.class);
    }
  }

  // ---- group commit

  /**
   * The room's first write is held in the journal until the test has sent what should arrive
   * during it: those commands then make the next batch, whatever the timing of the threads.
   */
  @Nested
  class GroupCommit {

    private final List<Integer> writes = new CopyOnWriteArrayList<>();
    private final CountDownLatch firstWriteStarted = new CountDownLatch(1);
    private final CountDownLatch firstWriteMayEnd = new CountDownLatch(1);
    private TestProbe<SessionInbox> alice;
    private TestProbe<SessionInbox> bob;
    private ActorRef<RoomCommand> entity;
    private TestProbe<CommandReply> replies;

    @BeforeEach
    void aliceAndBobInARoomThatRecordsItsWrites() {
      room.persistenceTestKit()
          .withPolicy(
              (persistenceId, operation) -> {
                if (operation instanceof WriteEvents write && persistenceId.equals(persistenceId())) {
                  writes.add(write.getBatch().size());
                  firstWriteStarted.countDown();
                  awaitQuietly(firstWriteMayEnd);
                }
                return ProcessingSuccess$.MODULE$.getInstance();
              });
      alice = connection();
      bob = connection();
      replies = kit.createTestProbe(CommandReply.class);
      entity =
          spawnRoom(
              TestConfig.roomSettings(),
              Optional.empty(),
              joined("s-alice", "alice", alice.getRef()),
              joined("s-bob", "bob", bob.getRef()));
    }

    @AfterEach
    void resetPolicy() {
      firstWriteMayEnd.countDown();
      room.persistenceTestKit().resetPolicy();
    }

    private static void awaitQuietly(CountDownLatch latch) {
      try {
        latch.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private RoomCommand.ChangeKeys change(String commandId, String sessionId, String key) {
      return new RoomCommand.ChangeKeys(
          commandId, sessionId, List.of(set(key, JSON.textNode(commandId))), replies.getRef());
    }

    @Test
    void durableCommandsThatArriveDuringAWriteAreWrittenTogetherAndAnsweredInOrder()
        throws InterruptedException {
      entity.tell(change("c0", "s-bob", "z"));
      assertTrue(firstWriteStarted.await(10, TimeUnit.SECONDS));
      entity.tell(change("c1", "s-alice", "a"));
      entity.tell(change("c2", "s-bob", "b"));
      entity.tell(change("c1", "s-alice", "a")); // a retry of c1, in the same batch
      entity.tell(change("c3", "s-nobody", "x")); // not a member: refused
      entity.tell(change("c4", "s-alice", "c"));
      firstWriteMayEnd.countDown();

      assertEquals(new CommandReply.Accepted("c0", 3), replies.receiveMessage());
      assertEquals(new CommandReply.Accepted("c1", 4), replies.receiveMessage());
      assertEquals(new CommandReply.Accepted("c2", 5), replies.receiveMessage());
      assertEquals(new CommandReply.Accepted("c1", 4), replies.receiveMessage());
      CommandReply.Rejected refused = (CommandReply.Rejected) replies.receiveMessage();
      assertEquals(RejectCode.NOT_MEMBER, refused.code());
      assertEquals(new CommandReply.Accepted("c4", 6), replies.receiveMessage());
      assertEquals(List.of(1, 3), writes);
      for (long version = 3; version <= 6; version++) {
        assertEquals(version, alice.expectMessageClass(RoomUpdate.EventDelivered.class).version());
        assertEquals(version, bob.expectMessageClass(RoomUpdate.EventDelivered.class).version());
      }
      assertEquals(6, room.persistenceTestKit().persistedInStorage(persistenceId()).size());
    }

    @Test
    void aCommandWhoseEventTheJournalWouldRefuseIsRejectedAloneAndTheRestOfItsBatchIsWritten()
        throws InterruptedException {
      TestProbe<SessionInbox> carol = connection();
      EventCheck refusesPoison =
          event ->
              event.toString().contains("poison")
                  ? Optional.of("cannot serialize the poison")
                  : Optional.empty();
      entity =
          spawnRoom(
              TestConfig.roomSettings(),
              Optional.empty(),
              refusesPoison,
              joined("s-alice", "alice", alice.getRef()),
              joined("s-carol", "carol", carol.getRef()));
      entity.tell(change("c0", "s-carol", "z"));
      assertTrue(firstWriteStarted.await(10, TimeUnit.SECONDS));
      entity.tell(change("c1", "s-alice", "a"));
      entity.tell(change("poison", "s-carol", "b"));
      entity.tell(change("c2", "s-alice", "c"));
      firstWriteMayEnd.countDown();

      assertEquals(new CommandReply.Accepted("c0", 3), replies.receiveMessage());
      assertEquals(new CommandReply.Accepted("c1", 4), replies.receiveMessage());
      CommandReply.Rejected refused = (CommandReply.Rejected) replies.receiveMessage();
      assertEquals("poison", refused.commandId());
      assertEquals(RejectCode.NOT_STORED, refused.code());
      assertEquals(new CommandReply.Accepted("c2", 5), replies.receiveMessage());
      assertEquals(List.of(1, 2), writes);
      // the room goes on: the refused command's author can still change things
      entity.tell(change("c3", "s-carol", "d"));
      assertEquals(new CommandReply.Accepted("c3", 6), replies.receiveMessage());
      for (long version = 3; version <= 6; version++) {
        assertEquals(version, alice.expectMessageClass(RoomUpdate.EventDelivered.class).version());
      }
      assertEquals(6, journal().size());
    }

    @Test
    void aLeaveWaitsForTheChangesSentBeforeIt() {
      firstWriteMayEnd.countDown(); // no write held here
      entity.tell(change("c1", "s-bob", "b"));
      entity.tell(leave("s-bob"));

      assertEquals(new CommandReply.Accepted("c1", 3), replies.receiveMessage());
      assertEquals(3, alice.expectMessageClass(RoomUpdate.EventDelivered.class).version());
      RoomUpdate.EventDelivered left = alice.expectMessageClass(RoomUpdate.EventDelivered.class);
      assertEquals(4, left.version());
      assertTrue(left.event() instanceof RoomEvent.MemberLeft);
      assertEquals(List.of(1, 1), writes);
    }
  }

  // ---- passivation

  @Nested
  class Passivation {

    private final Duration passivateAfter = Duration.ofMillis(200);
    private final RoomSettings settings =
        TestConfig.roomSettings("room.passivate-after = " + passivateAfter.toMillis() + "ms");
    private final Duration patience = Duration.ofSeconds(5);
    private final TestProbe<ClusterSharding.ShardCommand> shard = kit.createTestProbe(ClusterSharding.ShardCommand.class);

    @Test
    void aRoomEmptiedByItsLastMemberAsksItsShardToPassivateIt() {
      TestProbe<SessionInbox> alice = connection();
      ActorRef<RoomCommand> entity = spawnRoom(settings, Optional.of(shard.getRef()), joined("s-alice", "alice", alice.getRef()));
      shard.expectNoMessage(passivateAfter.multipliedBy(3));

      entity.tell(leave("s-alice"));

      shard.expectMessage(patience, new ClusterSharding.Passivate<>(entity));
      // passivating is the shard's job: the room itself is still there until told to stop
      TestProbe<RoomState> reader = kit.createTestProbe(RoomState.class);
      entity.tell(new RoomCommand.GetSnapshot(reader.getRef()));
      RoomState state = reader.receiveMessage();
      assertEquals(2, state.version());
      assertTrue(state.members().isEmpty());
    }

    @Test
    void aRoomThatNeverHadAMemberIsPassivatedToo() {
      ActorRef<RoomCommand> entity = spawnRoom(settings, Optional.of(shard.getRef()));

      shard.expectMessage(patience, new ClusterSharding.Passivate<>(entity));
    }

    @Test
    void aRoomWithMembersOnlineOrAwayIsNeverPassivated() {
      TestProbe<SessionInbox> alice = connection();
      ActorRef<RoomCommand> entity =
          spawnRoom(
              settings,
              Optional.of(shard.getRef()),
              joined("s-alice", "alice", alice.getRef()),
              joined("s-bob", "bob", connection().getRef()),
              new RoomEvent.MemberAway("bob", "s-bob", NOW));

      shard.expectNoMessage(passivateAfter.multipliedBy(4));
      // even a late timer finds members and does nothing
      entity.tell(new RoomCommand.PassivateIfEmpty());
      shard.expectNoMessage(passivateAfter.multipliedBy(2));

      // alice leaves: bob, away, is still a member
      entity.tell(leave("s-alice"));
      shard.expectNoMessage(passivateAfter.multipliedBy(3));
    }

    @Test
    void aRoomWhoseLastAwayMemberTimedOutIsPassivated() {
      RoomSettings shortGrace =
          TestConfig.roomSettings("room.passivate-after = 200ms\npresence.grace-period = 200ms");
      ActorRef<RoomCommand> entity =
          spawnRoom(
              shortGrace,
              Optional.of(shard.getRef()),
              joined("s-alice", "alice", connection().getRef()),
              new RoomEvent.MemberAway("alice", "s-alice", NOW));

      shard.expectMessage(patience, new ClusterSharding.Passivate<>(entity));
      assertEquals(
          new RoomEvent.MemberLeft("alice", RoomEvent.LeaveReason.TIMED_OUT, NOW),
          journal().get(2));
    }

    @Test
    void aRoomWithoutAShardIsNeverAskedToPassivateAndKeepsWorking() {
      ActorRef<RoomCommand> entity = spawnRoom(settings, Optional.empty());
      TestProbe<SessionInbox> alice = connection();

      entity.tell(new RoomCommand.PassivateIfEmpty());
      entity.tell(open("s-alice", "alice", alice.getRef()));

      assertEquals(1, alice.expectMessageClass(SessionReply.Welcome.class).snapshot().version());
    }

    @Test
    void stopEndsTheEntityWithoutClosingItsSessionsAndTheNextStartRecoversThem() {
      TestProbe<SessionInbox> alice = connection();
      ActorRef<RoomCommand> entity = spawnRoom(settings, Optional.empty(), joined("s-alice", "alice", alice.getRef()));
      TestProbe<Object> watcher = kit.createTestProbe();

      entity.tell(new RoomCommand.Stop());

      watcher.expectTerminated(entity, patience);
      ActorRef<RoomCommand> again = spawnAgain(settings, Optional.empty(), eventCheck);
      TestProbe<RoomState> reader = kit.createTestProbe(RoomState.class);
      again.tell(new RoomCommand.GetSnapshot(reader.getRef()));
      RoomState state = reader.receiveMessage();
      assertEquals(1, state.version());
      assertEquals(MemberStatus.ONLINE, state.members().get("alice").status());
      alice.expectNoMessage();
      assertEquals(1, journal().size());
    }
  }

  // ---- durable commands

  @Nested
  class DurableCommands {

    private TestProbe<SessionInbox> alice;
    private TestProbe<SessionInbox> bob;

    @BeforeEach
    void aliceAndBob() {
      alice = join("s-alice", "alice");
      bob = join("s-bob", "bob");
      alice.expectMessageClass(RoomUpdate.EventDelivered.class);
    }

    @Test
    void settingAKeyIsAckedWithTheNewVersionAndDeliveredToEverySession() {
      KeyOp op = set("canvas/obj-1", JSON.objectNode().put("x", 10.5).put("label", "box"));

      var result = run(r -> new RoomCommand.ChangeKeys("c1", "s-alice", List.of(op), r));

      RoomEvent changed = new RoomEvent.KeysChanged("alice", "c1", List.of(op), NOW);
      assertEquals(new CommandReply.Accepted("c1", 3), result.reply());
      assertEquals(List.of(changed), result.events());
      assertEquals(
          Map.of("canvas/obj-1", new KeyEntry(((KeyOp.Set) op).value(), 3, "alice", NOW)), result.state().keys());
      alice.expectMessage(delivered(3, changed));
      bob.expectMessage(delivered(3, changed));
    }

    @Test
    void deletingAKeyIsAckedAndRemovesIt() {
      run(r -> new RoomCommand.ChangeKeys("c1", "s-alice", List.of(set("k", JSON.textNode("v"))), r));

      var result = run(r -> new RoomCommand.ChangeKeys("c2", "s-bob", List.of(delete("k")), r));

      assertEquals(new CommandReply.Accepted("c2", 4), result.reply());
      assertEquals(List.of(new RoomEvent.KeysChanged("bob", "c2", List.of(delete("k")), NOW)), result.events());
      assertTrue(result.state().keys().isEmpty());
    }

    @Test
    void aBatchOfSetsAndDeletesIsOneEventUnderOneVersion() {
      run(r -> new RoomCommand.ChangeKeys("c1", "s-alice", List.of(set("old", JSON.numberNode(1))), r));
      List<KeyOp> ops = List.of(set("a", JSON.numberNode(1)), delete("old"), set("b", JSON.arrayNode().add("x")));

      var result = run(r -> new RoomCommand.ChangeKeys("c2", "s-alice", ops, r));

      assertEquals(new CommandReply.Accepted("c2", 4), result.reply());
      assertEquals(1, result.events().size());
      assertEquals(
          Map.of(
              "a", new KeyEntry(JSON.numberNode(1), 4, "alice", NOW),
              "b", new KeyEntry(JSON.arrayNode().add("x"), 4, "alice", NOW)),
          result.state().keys());
      assertEquals(4, result.state().version());
    }

    @Test
    void compareAndSetWithTheCurrentVersionIsAccepted() {
      run(r -> new RoomCommand.ChangeKeys("c1", "s-alice", List.of(set("k", JSON.numberNode(1), 0)), r));

      var result = run(r -> new RoomCommand.ChangeKeys("c2", "s-bob", List.of(set("k", JSON.numberNode(2), 3)), r));

      assertEquals(new CommandReply.Accepted("c2", 4), result.reply());
      assertEquals(new KeyEntry(JSON.numberNode(2), 4, "bob", NOW), result.state().keys().get("k"));
    }

    @Test
    void setReadyIsAckedAndChangesTheFlag() {
      var result = run(r -> new RoomCommand.SetReady("r1", "s-bob", true, r));

      RoomEvent ready = new RoomEvent.ReadyChanged("bob", "r1", true, NOW);
      assertEquals(new CommandReply.Accepted("r1", 3), result.reply());
      assertEquals(List.of(ready), result.events());
      assertTrue(result.state().members().get("bob").ready());
      assertFalse(result.state().members().get("alice").ready());
      alice.expectMessage(delivered(3, ready));
      bob.expectMessage(delivered(3, ready));
    }

    @Test
    void focusingADocumentAndClearingTheFocus() {
      DocumentFocus doc = new DocumentFocus("doc-42", "canvas");

      var focused = run(r -> new RoomCommand.FocusDocument("f1", "s-alice", Optional.of(doc), r));

      assertEquals(new CommandReply.Accepted("f1", 3), focused.reply());
      assertEquals(List.of(new RoomEvent.DocumentFocused("alice", "f1", Optional.of(doc), NOW)), focused.events());
      assertEquals(Optional.of(doc), focused.state().members().get("alice").focus());

      var cleared = run(r -> new RoomCommand.FocusDocument("f2", "s-alice", Optional.empty(), r));

      assertEquals(new CommandReply.Accepted("f2", 4), cleared.reply());
      assertEquals(List.of(new RoomEvent.DocumentFocused("alice", "f2", Optional.empty(), NOW)), cleared.events());
      assertEquals(Optional.empty(), cleared.state().members().get("alice").focus());
      bob.expectMessage(delivered(3, new RoomEvent.DocumentFocused("alice", "f1", Optional.of(doc), NOW)));
      bob.expectMessage(delivered(4, new RoomEvent.DocumentFocused("alice", "f2", Optional.empty(), NOW)));
    }

    @Test
    void postingChatIsAckedAndKeptInTheHistory() {
      var result = run(r -> new RoomCommand.PostChat("m1", "s-bob", "hello\nthere", r));

      RoomEvent posted = new RoomEvent.ChatPosted("bob", "m1", "hello\nthere", NOW);
      assertEquals(new CommandReply.Accepted("m1", 3), result.reply());
      assertEquals(List.of(posted), result.events());
      assertEquals(List.of(new ChatMessage("m1", "bob", "hello\nthere", NOW, 3)), result.state().chat());
      alice.expectMessage(delivered(3, posted));
    }

    @Test
    void anInspectionShowsMembersSessionsTheirNodeAndTheSizesAndChangesNothing() {
      join("s-bob-2", "bob");
      run(r -> new RoomCommand.ChangeKeys("c1", "s-alice", List.of(set("title", JSON.textNode("héllo"))), r));
      run(r -> new RoomCommand.PostChat("m1", "s-bob", "hi", r));
      int journalled = journal().size();

      var inspected = room.<RoomInspection>runCommand(RoomCommand.Inspect::new);

      RoomInspection inspection = inspected.reply();
      String node = kit.system().address().toString();
      assertEquals(roomId, inspection.roomId());
      assertEquals(node, inspection.node());
      assertEquals(5, inspection.version());
      assertEquals(List.of("alice", "bob"), inspection.members().stream().map(RoomInspection.MemberView::userId).toList());
      RoomInspection.MemberView bobView = inspection.members().get(1);
      assertEquals("online", bobView.status());
      assertEquals(
          List.of(new RoomInspection.SessionView("s-bob", node, NOW), new RoomInspection.SessionView("s-bob-2", node, NOW)),
          bobView.sessions());
      assertEquals(1, inspection.keyCount());
      // "title" (5 bytes) and "héllo" as JSON: two quotes and 6 UTF-8 bytes
      assertEquals(5 + 8, inspection.keyBytes());
      assertEquals(1, inspection.chatCount());
      assertEquals(0, inspection.mailboxDepth());
      assertTrue(inspected.events().isEmpty());
      assertEquals(journalled, journal().size());
    }

    @Test
    void everySessionReceivesEveryEventOnceWithContiguousVersions() {
      TestProbe<SessionInbox> bobPhone = join("s-bob-2", "bob");
      List<RoomEvent> persisted = new ArrayList<>();
      persisted.addAll(room.runCommand(lost("s-bob-2")).events()); // v4
      persisted.addAll(run(r -> new RoomCommand.ChangeKeys("c1", "s-alice", List.of(set("k", JSON.numberNode(1))), r)).events());
      persisted.addAll(run(r -> new RoomCommand.SetReady("c2", "s-bob", true, r)).events());
      persisted.addAll(
          run(r -> new RoomCommand.FocusDocument("c3", "s-alice", Optional.of(new DocumentFocus("d", "text")), r)).events());
      persisted.addAll(run(r -> new RoomCommand.PostChat("c4", "s-bob", "hi", r)).events());
      persisted.addAll(run(r -> new RoomCommand.ChangeKeys("c5", "s-bob", List.of(delete("k")), r)).events());
      TestProbe<SessionInbox> carol = join("s-carol", "carol"); // v10
      persisted.addAll(run(r -> new RoomCommand.PostChat("c6", "s-carol", "late", r)).events());

      assertEquals(11, room.getState().version());
      List<RoomUpdate.EventDelivered> toAlice = receiveDelivered(alice, 9);
      List<RoomUpdate.EventDelivered> toBob = receiveDelivered(bob, 9);
      assertEquals(List.of(3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L), versions(toAlice));
      assertEquals(toAlice, toBob);
      assertEquals(journal().subList(2, 11), toAlice.stream().map(RoomUpdate.EventDelivered::event).collect(Collectors.toList()));
      assertEquals(List.of(11L), versions(receiveDelivered(carol, 1)));
      assertEquals(persisted.get(persisted.size() - 1), toAlice.get(8).event());
      alice.expectNoMessage();
      bobPhone.expectNoMessage(); // it closed at v4, the first event after its own join
    }

    private List<RoomUpdate.EventDelivered> receiveDelivered(TestProbe<SessionInbox> probe, int count) {
      List<RoomUpdate.EventDelivered> received = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        received.add(probe.expectMessageClass(RoomUpdate.EventDelivered.class));
      }
      return received;
    }

    private List<Long> versions(List<RoomUpdate.EventDelivered> updates) {
      return updates.stream().map(RoomUpdate.EventDelivered::version).collect(Collectors.toList());
    }

    @Test
    void aCursorIsRelayedToTheOtherSessionsOnlyAndNotPersisted() {
      TestProbe<SessionInbox> alicePhone = join("s-alice-2", "alice");
      bob.expectMessageClass(RoomUpdate.EventDelivered.class);
      alice.expectMessageClass(RoomUpdate.EventDelivered.class);
      RoomState before = room.getState();

      CommandResult<RoomCommand, RoomEvent, RoomState> result =
          room.runCommand(new RoomCommand.MoveCursor("s-alice", 12.5, -4.0, Optional.of("doc-1")));

      assertTrue(result.hasNoEvents());
      assertEquals(before, result.state());
      assertEquals(3, journal().size());
      RoomUpdate cursor =
          cursors(new RoomUpdate.CursorMoved("alice", "s-alice", 12.5, -4.0, Optional.of("doc-1")));
      bob.expectMessage(cursor);
      alicePhone.expectMessage(cursor);
      // The mover's own connection gets no cursor: the next thing it sees is the next change.
      run(r -> new RoomCommand.SetReady("r1", "s-bob", true, r));
      assertEquals(4, alice.expectMessageClass(RoomUpdate.EventDelivered.class).version());
    }

    @Test
    void cursorsAreCoalescedPerTickAndSentOnceToEverySession() {
      room = startRoom(TestConfig.roomSettings("room.cursor-interval = 1s"));
      TestProbe<SessionInbox> ann = join("s-ann", "ann");
      TestProbe<SessionInbox> ben = join("s-ben", "ben");
      TestProbe<SessionInbox> cat = join("s-cat", "cat");
      ann.expectMessageClass(RoomUpdate.EventDelivered.class);
      ann.expectMessageClass(RoomUpdate.EventDelivered.class);
      ben.expectMessageClass(RoomUpdate.EventDelivered.class);

      // the room sent no cursor within the interval: the first move goes at once, and not to
      // the mover's own session
      room.runCommand(new RoomCommand.MoveCursor("s-ann", 1, 1, Optional.empty()));
      RoomUpdate.Cursors first = cursors(new RoomUpdate.CursorMoved("ann", "s-ann", 1, 1, Optional.empty()));
      ben.expectMessage(first);
      cat.expectMessage(first);
      // the next ones wait for the end of the interval (the room's clock stands still, so the
      // whole second, long enough for the three moves on a slow machine): one message per
      // session, the newest cursor of each mover
      room.runCommand(new RoomCommand.MoveCursor("s-ben", 2, 2, Optional.empty()));
      room.runCommand(new RoomCommand.MoveCursor("s-ann", 3, 3, Optional.of("doc")));
      room.runCommand(new RoomCommand.MoveCursor("s-ben", 4, 4, Optional.empty()));
      RoomUpdate.Cursors tick =
          cursors(
              new RoomUpdate.CursorMoved("ben", "s-ben", 4, 4, Optional.empty()),
              new RoomUpdate.CursorMoved("ann", "s-ann", 3, 3, Optional.of("doc")));
      ann.expectMessage(tick);
      ben.expectMessage(tick);
      cat.expectMessage(tick);
      ann.expectNoMessage(Duration.ofMillis(100));
    }

    @Test
    void aMoveAfterAQuietIntervalIsSentAtOnce() {
      room = startRoom(TestConfig.roomSettings("room.cursor-interval = 1s"));
      TestProbe<SessionInbox> ann = join("s-ann", "ann");
      TestProbe<SessionInbox> ben = join("s-ben", "ben");
      ann.expectMessageClass(RoomUpdate.EventDelivered.class);
      room.runCommand(new RoomCommand.MoveCursor("s-ann", 1, 1, Optional.empty()));
      ben.expectMessage(cursors(new RoomUpdate.CursorMoved("ann", "s-ann", 1, 1, Optional.empty())));

      clock.advance(Duration.ofSeconds(1));
      room.runCommand(new RoomCommand.MoveCursor("s-ann", 2, 2, Optional.empty()));

      // at once: well before the interval's end
      ben.expectMessage(
          Duration.ofMillis(500),
          cursors(new RoomUpdate.CursorMoved("ann", "s-ann", 2, 2, Optional.empty())));
    }

    @Test
    void aCursorOfASessionThatClosedBeforeTheTickIsNotSent() {
      room = startRoom(TestConfig.roomSettings("room.cursor-interval = 1s"));
      TestProbe<SessionInbox> ann = join("s-ann", "ann");
      TestProbe<SessionInbox> ben = join("s-ben", "ben");
      ann.expectMessageClass(RoomUpdate.EventDelivered.class);
      room.runCommand(new RoomCommand.MoveCursor("s-ann", 1, 1, Optional.empty()));
      ben.expectMessageClass(RoomUpdate.Cursors.class);

      room.runCommand(new RoomCommand.MoveCursor("s-ben", 2, 2, Optional.empty())); // waits
      room.runCommand(leave("s-ben"));

      assertEquals(3, ann.expectMessageClass(RoomUpdate.EventDelivered.class).version());
      ann.expectNoMessage(Duration.ofMillis(1500));
    }

    @Test
    void aCursorFromAnUnknownSessionIsDropped() {
      CommandResult<RoomCommand, RoomEvent, RoomState> result =
          room.runCommand(new RoomCommand.MoveCursor("ghost", 1, 2, Optional.empty()));

      assertTrue(result.hasNoEvents());
      run(r -> new RoomCommand.SetReady("r1", "s-alice", true, r));
      assertInstanceOf(RoomUpdate.EventDelivered.class, bob.receiveMessage());
      assertInstanceOf(RoomUpdate.EventDelivered.class, alice.receiveMessage());
    }

    @Test
    void getSnapshotRepliesWithTheCurrentStateAndPersistsNothing() {
      run(r -> new RoomCommand.ChangeKeys("c1", "s-alice", List.of(set("k", JSON.textNode("v"))), r));
      run(r -> new RoomCommand.PostChat("m1", "s-bob", "hi", r));

      CommandResultWithReply<RoomCommand, RoomEvent, RoomState, RoomState> result =
          room.<RoomState>runCommand(RoomCommand.GetSnapshot::new);

      assertTrue(result.hasNoEvents());
      assertEquals(room.getState(), result.reply());
      assertEquals(4, result.reply().version());
      assertEquals(2, result.reply().members().size());
      assertEquals(new KeyEntry(JSON.textNode("v"), 3, "alice", NOW), result.reply().keys().get("k"));
      assertEquals(List.of(new ChatMessage("m1", "bob", "hi", NOW, 4)), result.reply().chat());
    }

    // ---- rejections: nothing persisted, nothing delivered

    @Test
    void aBadKeyIsAValidationError() {
      var rejected =
          assertRejected(
              RejectCode.VALIDATION,
              r -> new RoomCommand.ChangeKeys("c1", "s-alice", List.of(set("bad key", JSON.numberNode(1))), r),
              bob);
      assertEquals(new CommandReply.Rejected("c1", RejectCode.VALIDATION, "key: may contain only ASCII letters, digits and . _ : / @ -, not a space (at character 4)"), rejected);
    }

    @Test
    void aNonFiniteValueIsAValidationError() {
      var rejected =
          assertRejected(
              RejectCode.VALIDATION,
              r -> new RoomCommand.ChangeKeys(
                  "c1", "s-alice", List.of(set("a", JSON.numberNode(1)), set("b", JSON.numberNode(Double.NaN))), r),
              bob);
      assertEquals(
          "ops[1].value: contains a number that is not finite (NaN)",
          rejected.message());
    }

    @Test
    void anEmptyBatchIsAValidationError() {
      var rejected =
          assertRejected(RejectCode.VALIDATION, r -> new RoomCommand.ChangeKeys("c1", "s-alice", List.of(), r), bob);
      assertEquals("ops: must contain at least one operation", rejected.message());
    }

    @Test
    void aBlankChatIsAValidationError() {
      var rejected = assertRejected(RejectCode.VALIDATION, r -> new RoomCommand.PostChat("m1", "s-bob", "  ", r), alice);
      assertEquals(new CommandReply.Rejected("m1", RejectCode.VALIDATION, "text: must not be blank"), rejected);
    }

    @Test
    void aBadDocumentTypeIsAValidationError() {
      var rejected =
          assertRejected(
              RejectCode.VALIDATION,
              r -> new RoomCommand.FocusDocument("f1", "s-bob", Optional.of(new DocumentFocus("d", "Text")), r),
              alice);
      assertTrue(rejected.message().startsWith("document.type: "), rejected.message());
    }

    @Test
    void aBadCommandIdIsAValidationError() {
      var rejected = assertRejected(RejectCode.VALIDATION, r -> new RoomCommand.SetReady("bad id", "s-bob", true, r), alice);
      assertEquals(new CommandReply.Rejected("bad id", RejectCode.VALIDATION, "id: may contain only ASCII letters, digits and . _ : @ -, not a space (at character 4)"), rejected);
    }

    @Test
    void aStaleExpectIsAConflict() {
      run(r -> new RoomCommand.ChangeKeys("c1", "s-alice", List.of(set("k", JSON.numberNode(1))), r));
      run(r -> new RoomCommand.ChangeKeys("c2", "s-bob", List.of(set("k", JSON.numberNode(2))), r));
      alice.expectMessageClass(RoomUpdate.EventDelivered.class);
      alice.expectMessageClass(RoomUpdate.EventDelivered.class);
      bob.expectMessageClass(RoomUpdate.EventDelivered.class);
      bob.expectMessageClass(RoomUpdate.EventDelivered.class);

      var rejected =
          assertRejected(
              RejectCode.CONFLICT,
              r -> new RoomCommand.ChangeKeys("c3", "s-alice", List.of(set("k", JSON.numberNode(3), 3)), r),
              bob);

      assertEquals(new CommandReply.Rejected("c3", RejectCode.CONFLICT, "k is at version 4, expected 3"), rejected);
      assertEquals(new KeyEntry(JSON.numberNode(2), 4, "bob", NOW), room.getState().keys().get("k"));
    }

    @Test
    void expectZeroOnAnExistingKeyIsAConflict() {
      run(r -> new RoomCommand.ChangeKeys("c1", "s-alice", List.of(set("k", JSON.numberNode(1))), r));
      bob.expectMessageClass(RoomUpdate.EventDelivered.class);

      var rejected =
          assertRejected(
              RejectCode.CONFLICT,
              r -> new RoomCommand.ChangeKeys("c2", "s-bob", List.of(set("k", JSON.numberNode(2), 0)), r),
              bob);
      assertEquals("k is at version 3, expected 0", rejected.message());
    }

    @Test
    void expectOnAMissingKeyIsAConflict() {
      var rejected =
          assertRejected(
              RejectCode.CONFLICT,
              r -> new RoomCommand.ChangeKeys("c1", "s-bob", List.of(new KeyOp.Delete("nope", Optional.of(2L))), r),
              bob);
      assertEquals("nope is at version 0, expected 2", rejected.message());
    }

    @Test
    void aCommandFromASessionThatIsNotOpenIsNotMember() {
      var rejected = assertRejected(RejectCode.NOT_MEMBER, r -> new RoomCommand.PostChat("m1", "s-ghost", "boo", r), bob);
      assertEquals(new CommandReply.Rejected("m1", RejectCode.NOT_MEMBER, "no open session s-ghost"), rejected);
    }

    @Test
    void aCommandFromAClosedSessionIsNotMember() {
      TestProbe<SessionInbox> carol = join("s-carol", "carol");
      room.runCommand(leave("s-carol"));
      alice.receiveMessage();
      alice.receiveMessage();
      bob.receiveMessage();
      bob.receiveMessage();

      carol.expectMessage(new SessionReply.Left("s-carol"));
      assertRejected(RejectCode.NOT_MEMBER, r -> new RoomCommand.SetReady("r1", "s-carol", true, r), bob);
      carol.expectNoMessage();
    }
  }

  // ---- retries

  /**
   * A command sent again under its id by the same member (after a reconnect, say) gets the
   * original ack with the original version and is applied once.
   */
  @Nested
  class Retries {

    private TestProbe<SessionInbox> alice;
    private TestProbe<SessionInbox> bob;

    @BeforeEach
    void aliceAndBob() {
      startWithAliceAndBob(TestConfig.roomSettings());
    }

    /** A new room with alice (version 1) and bob (version 2); alice saw bob join. */
    private void startWithAliceAndBob(RoomSettings settings) {
      room = startRoom(settings);
      alice = join("s-alice", "alice");
      bob = join("s-bob", "bob");
      alice.expectMessageClass(RoomUpdate.EventDelivered.class);
    }

    /** The window of remembered commands, their fingerprints left out. */
    private List<AppliedCommand> remembered(RoomState state) {
      return state.appliedCommands().stream()
          .map(a -> remembered(a.userId(), a.commandId(), a.version()))
          .toList();
    }

    private AppliedCommand remembered(String userId, String commandId, long version) {
      return new AppliedCommand(userId, commandId, version, AppliedCommand.UNKNOWN_CONTENT);
    }

    /** Runs an accepted command and consumes its delivery on both connections. */
    private CommandReply.Accepted applied(Function<ActorRef<CommandReply>, RoomCommand> command) {
      CommandReply.Accepted accepted = run(command).replyOfType(CommandReply.Accepted.class);
      assertEquals(accepted.version(), alice.expectMessageClass(RoomUpdate.EventDelivered.class).version());
      assertEquals(accepted.version(), bob.expectMessageClass(RoomUpdate.EventDelivered.class).version());
      return accepted;
    }

    /**
     * Asserts {@code command} is acked with {@code version} as a retry: nothing persisted, the
     * state unchanged, nothing delivered (each connection's next message is the next change).
     */
    private void assertRetryAcked(
        String commandId, long version, Function<ActorRef<CommandReply>, RoomCommand> command) {
      RoomState before = room.getState();
      int journalBefore = journal().size();

      CommandResultWithReply<RoomCommand, RoomEvent, RoomState, CommandReply> result = run(command);

      assertEquals(new CommandReply.Accepted(commandId, version), result.reply());
      assertTrue(result.hasNoEvents(), () -> "persisted " + result.events());
      assertEquals(journalBefore, journal().size());
      assertEquals(before, result.state());
      CommandReply.Accepted next = applied(r -> new RoomCommand.SetReady("next-" + journalBefore, "s-bob", true, r));
      assertEquals(before.version() + 1, next.version());
    }

    @Test
    void theSameIdTwiceIsAckedWithTheOriginalVersionAndAppliedOnce() {
      assertEquals(
          new CommandReply.Accepted("c1", 3), applied(r -> new RoomCommand.PostChat("c1", "s-alice", "hello", r)));
      applied(r -> new RoomCommand.SetReady("c2", "s-bob", true, r));

      assertRetryAcked("c1", 3, r -> new RoomCommand.PostChat("c1", "s-alice", "hello", r));

      assertEquals(List.of(new ChatMessage("c1", "alice", "hello", NOW, 3)), room.getState().chat());
      assertEquals(
          List.of(remembered("alice", "c1", 3), remembered("bob", "c2", 4), remembered("bob", "next-4", 5)),
          remembered(room.getState()));
    }

    @Test
    void theSameIdWithAnotherContentIsRejectedAsReusedAndChangesNothing() {
      applied(r -> new RoomCommand.PostChat("c1", "s-alice", "hello", r));

      CommandReply.Rejected rejected =
          assertRejected(RejectCode.ID_REUSED, r -> new RoomCommand.PostChat("c1", "s-alice", "hello again", r), bob);
      alice.expectMessageClass(RoomUpdate.EventDelivered.class); // assertRejected's probe change

      assertEquals(
          "command id c1 was already used for a different command (version 3); use a fresh id for a new command",
          rejected.message());
      assertEquals(List.of(new ChatMessage("c1", "alice", "hello", NOW, 3)), room.getState().chat());
      // the original content is still a retry, and another kind of command is another content
      assertRetryAcked("c1", 3, r -> new RoomCommand.PostChat("c1", "s-alice", "hello", r));
      assertRejected(RejectCode.ID_REUSED, r -> new RoomCommand.SetReady("c1", "s-alice", true, r), bob);
    }

    @Test
    void anotherSessionOfTheMemberSendingTheIdWithAnotherTextIsRejectedAsReused() {
      TestProbe<SessionInbox> aliceTab2 = join("s-alice-2", "alice");
      alice.expectMessageClass(RoomUpdate.EventDelivered.class);
      bob.expectMessageClass(RoomUpdate.EventDelivered.class);
      assertEquals(new CommandReply.Accepted("m1", 4), applied(r -> new RoomCommand.PostChat("m1", "s-alice", "from tab 1", r)));
      aliceTab2.expectMessageClass(RoomUpdate.EventDelivered.class);

      assertRejected(RejectCode.ID_REUSED, r -> new RoomCommand.PostChat("m1", "s-alice-2", "from tab 2", r), bob);
      alice.expectMessageClass(RoomUpdate.EventDelivered.class); // assertRejected's probe change

      assertEquals(List.of(new ChatMessage("m1", "alice", "from tab 1", NOW, 4)), room.getState().chat());
      assertRetryAcked("m1", 4, r -> new RoomCommand.PostChat("m1", "s-alice-2", "from tab 1", r));
    }

    @Test
    void aCompareAndSetResentFromANewSessionAfterAReconnectGetsItsAckInsteadOfAConflict() {
      applied(r -> new RoomCommand.ChangeKeys("c1", "s-alice", List.of(set("k", JSON.numberNode(1), 0)), r));
      // the ack was lost with alice's connection; she reconnects and sends the command again
      room.runCommand(lost("s-alice"));
      bob.expectMessage(delivered(4, new RoomEvent.MemberAway("alice", "s-alice", NOW)));
      alice = join("s-alice-2", "alice");
      bob.expectMessageClass(RoomUpdate.EventDelivered.class);

      assertRetryAcked(
          "c1", 3, r -> new RoomCommand.ChangeKeys("c1", "s-alice-2", List.of(set("k", JSON.numberNode(1), 0)), r));

      assertEquals(new KeyEntry(JSON.numberNode(1), 3, "alice", NOW), room.getState().keys().get("k"));
    }

    @Test
    void theSameIdFromAnotherMemberIsAnotherCommand() {
      applied(r -> new RoomCommand.SetReady("c1", "s-alice", true, r));

      var result = run(r -> new RoomCommand.SetReady("c1", "s-bob", true, r));

      assertEquals(new CommandReply.Accepted("c1", 4), result.reply());
      assertEquals(List.of(new RoomEvent.ReadyChanged("bob", "c1", true, NOW)), result.events());
      alice.expectMessage(delivered(4, new RoomEvent.ReadyChanged("bob", "c1", true, NOW)));
      bob.expectMessage(delivered(4, new RoomEvent.ReadyChanged("bob", "c1", true, NOW)));
      assertRetryAcked("c1", 4, r -> new RoomCommand.SetReady("c1", "s-bob", true, r));
      assertRetryAcked("c1", 3, r -> new RoomCommand.SetReady("c1", "s-alice", true, r));
    }

    @Test
    void aRejectedCommandIsNotRememberedSoItsCorrectedRetryIsApplied() {
      applied(r -> new RoomCommand.ChangeKeys("c1", "s-alice", List.of(set("k", JSON.numberNode(1))), r));
      assertRejected(
          RejectCode.CONFLICT, r -> new RoomCommand.ChangeKeys("c2", "s-bob", List.of(set("k", JSON.numberNode(2), 0)), r), alice);
      bob.expectMessageClass(RoomUpdate.EventDelivered.class); // assertRejected's probe change, version 4

      var result = run(r -> new RoomCommand.ChangeKeys("c2", "s-bob", List.of(set("k", JSON.numberNode(2), 3)), r));

      assertEquals(new CommandReply.Accepted("c2", 5), result.reply());
      assertEquals(1, result.events().size());
      assertEquals(new KeyEntry(JSON.numberNode(2), 5, "bob", NOW), result.state().keys().get("k"));
    }

    @Test
    void aRetryIsRecognisedAfterARestartFromTheEvents() {
      applied(r -> new RoomCommand.PostChat("c1", "s-alice", "hello", r));
      applied(r -> new RoomCommand.FocusDocument("c2", "s-bob", Optional.of(new DocumentFocus("d", "text")), r));
      RoomState before = room.getState();

      RoomState recovered = room.restart().state();

      assertEquals(before, recovered);
      assertEquals(
          List.of(remembered("alice", "c1", 3), remembered("bob", "c2", 4)), remembered(recovered));
      assertEquals(before.appliedCommands(), recovered.appliedCommands(), "with their fingerprints");
      assertRetryAcked("c1", 3, r -> new RoomCommand.PostChat("c1", "s-alice", "hello", r));
      assertRetryAcked(
          "c2", 4, r -> new RoomCommand.FocusDocument("c2", "s-bob", Optional.of(new DocumentFocus("d", "text")), r));
      assertRejected(
          RejectCode.ID_REUSED, r -> new RoomCommand.FocusDocument("c2", "s-bob", Optional.empty(), r), alice);
    }

    @Test
    void aRetryIsRecognisedAfterARestartFromASnapshotAlone() {
      startWithAliceAndBob(TestConfig.roomSettings("room.snapshot-every = 3"));
      RoomState atThree = room.getState().apply(new RoomEvent.ChatPosted("alice", "c1", "hello", NOW),
          TestConfig.roomSettings().stateBounds());
      applied(r -> new RoomCommand.PostChat("c1", "s-alice", "hello", r));
      SnapshotTestKit snapshots = room.snapshotTestKit().orElseThrow();
      kit.createTestProbe()
          .awaitAssert(
              () -> {
                assertEquals(
                    List.of(Pair.create(3L, (Object) atThree)),
                    snapshots.persistedInStorage(persistenceId()).stream()
                        .map(p -> Pair.create(p.first().sequenceNr(), p.second()))
                        .collect(Collectors.toList()));
                return null;
              });
      // Remove every event from the journal: only the snapshot can bring the window back.
      room.persistenceTestKit().clearByIdPreservingSeqNumbers(persistenceId());

      RoomState recovered = room.restart().state();

      assertEquals(atThree, recovered);
      assertEquals(List.of(remembered("alice", "c1", 3)), remembered(recovered));
      assertRetryAcked("c1", 3, r -> new RoomCommand.PostChat("c1", "s-alice", "hello", r));
    }

    @Test
    void onlyTheLatestRememberedCommandsAreRecognisedAndAnOlderIdIsANewCommand() {
      startWithAliceAndBob(TestConfig.roomSettings("room.remembered-commands = 2"));
      applied(r -> new RoomCommand.PostChat("c1", "s-alice", "one", r));
      applied(r -> new RoomCommand.PostChat("c2", "s-alice", "two", r));
      applied(r -> new RoomCommand.PostChat("c3", "s-alice", "three", r));
      assertEquals(
          List.of(remembered("alice", "c2", 4), remembered("alice", "c3", 5)),
          remembered(room.getState()));

      assertRetryAcked("c3", 5, r -> new RoomCommand.PostChat("c3", "s-alice", "three", r));
      // c2 was pushed out by the probe change of assertRetryAcked; c1 long before
      var again = run(r -> new RoomCommand.PostChat("c1", "s-alice", "one", r));

      assertEquals(new CommandReply.Accepted("c1", 7), again.reply());
      assertEquals(List.of(new RoomEvent.ChatPosted("alice", "c1", "one", NOW)), again.events());
    }
  }

  // ---- recovery

  @Nested
  class Recovery {

    @Test
    void aRestartedRoomRecoversTheSameStateAndGoesOnNumbering() {
      TestProbe<SessionInbox> alice = join("s-alice", "alice");
      TestProbe<SessionInbox> bob = join("s-bob", "bob");
      join("s-bob-2", "bob");
      run(r -> new RoomCommand.ChangeKeys("c1", "s-alice", List.of(set("k", JSON.objectNode().put("v", 1)), set("j", JSON.nullNode())), r));
      run(r -> new RoomCommand.SetReady("c2", "s-bob", true, r));
      run(r -> new RoomCommand.FocusDocument("c3", "s-alice", Optional.of(new DocumentFocus("d", "text")), r));
      run(r -> new RoomCommand.PostChat("c4", "s-bob-2", "before restart", r));
      room.runCommand(leave("s-bob-2"));
      RoomState before = room.getState();
      assertEquals(8, before.version());

      RoomState recovered = room.restart().state();

      assertEquals(before, recovered);
      var after = run(r -> new RoomCommand.PostChat("c5", "s-alice", "after restart", r));
      assertEquals(new CommandReply.Accepted("c5", 9), after.reply());
      // the recovered room still knows the live connections and delivers to them
      assertEquals(9, lastDelivered(bob, 7).version());
      assertEquals(9, lastDelivered(alice, 8).version());
    }

    @Test
    void aRoomRestartedAfterAConnectionDiedMarksItsMemberAwayBeforeAnyRead() {
      ActorRef<SessionInbox> gone = goneConnection("died-while-stopped");
      TestProbe<SessionInbox> bob = connection();

      // the journal of a room that was stopped while alice's connection was still open
      room.initialize(joined("s-alice", "alice", gone), joined("s-bob", "bob", bob.getRef()));
      RoomState read = snapshot();

      assertEquals(3, read.version());
      assertEquals(MemberStatus.AWAY, read.members().get("alice").status());
      assertEquals(Optional.of(NOW), read.members().get("alice").awaySince());
      assertEquals(MemberStatus.ONLINE, read.members().get("bob").status());
      bob.expectMessage(delivered(3, new RoomEvent.MemberAway("alice", "s-alice", NOW)));
    }

    @Test
    void aReadThatWakesARoomIsAnsweredOnlyOnceTheGoneConnectionsAreClosed() {
      ActorRef<SessionInbox> gone = goneConnection("gone-before-wake");
      TestProbe<SessionInbox> bob = connection();
      TestProbe<RoomState> reader = kit.createTestProbe(RoomState.class);
      ActorRef<RoomCommand> entity =
          spawnRoom(TestConfig.roomSettings(), Optional.empty(), joined("s-alice", "alice", gone), joined("s-bob", "bob", bob.getRef()));

      // the message that starts the room, as a request through sharding would: it waits for recovery
      entity.tell(new RoomCommand.GetSnapshot(reader.getRef()));

      RoomState read = reader.receiveMessage();
      assertEquals(MemberStatus.AWAY, read.members().get("alice").status(), () -> "read " + read);
      assertEquals(3, read.version());
      bob.expectMessage(delivered(3, new RoomEvent.MemberAway("alice", "s-alice", NOW)));
    }

    @Test
    void aWelcomeThatWakesARoomShowsNoSessionWhoseConnectionIsGone() {
      ActorRef<SessionInbox> gone = goneConnection("gone-before-hello");
      TestProbe<SessionInbox> bob = connection();
      ActorRef<RoomCommand> entity =
          spawnRoom(TestConfig.roomSettings(), Optional.empty(), joined("s-alice", "alice", gone), joined("s-bob", "bob", bob.getRef()));
      TestProbe<SessionInbox> carol = connection();

      // the hello that starts the room after a crash
      entity.tell(open("s-carol", "carol", carol.getRef()));

      RoomState welcome = carol.expectMessageClass(SessionReply.Welcome.class).snapshot();
      Member alice = welcome.members().get("alice");
      assertEquals(MemberStatus.AWAY, alice.status(), () -> "welcome " + welcome);
      assertTrue(alice.sessions().isEmpty(), () -> "welcome " + welcome);
      assertEquals(4, welcome.version());
      bob.expectMessage(delivered(3, new RoomEvent.MemberAway("alice", "s-alice", NOW)));
    }

    @Test
    void aUserReconnectingToARestartedRoomSeesItsDeadSessionClosedBeforeItsNewOneOpens() {
      ActorRef<SessionInbox> gone = goneConnection("old-tab");
      TestProbe<SessionInbox> bob = connection();
      ActorRef<RoomCommand> entity =
          spawnRoom(
              TestConfig.roomSettings(),
              Optional.empty(),
              joined("s-alice-old", "alice", gone),
              joined("s-bob", "bob", bob.getRef()));
      TestProbe<SessionInbox> alice = connection();

      entity.tell(open("s-alice-new", "alice", alice.getRef()));

      RoomState welcome = alice.expectMessageClass(SessionReply.Welcome.class).snapshot();
      assertEquals(Set.of("s-alice-new"), welcome.members().get("alice").sessions().keySet());
      assertEquals(MemberStatus.ONLINE, welcome.members().get("alice").status());
      bob.expectMessage(delivered(3, new RoomEvent.MemberAway("alice", "s-alice-old", NOW)));
      RoomUpdate.EventDelivered back = bob.expectMessageClass(RoomUpdate.EventDelivered.class);
      assertEquals(4, back.version());
      assertInstanceOf(RoomEvent.SessionOpened.class, back.event());
      alice.expectNoMessage(Duration.ofMillis(100));
    }

    @Test
    void anAwayMemberWhoseGraceRanOutWhileTheRoomWasStoppedLeavesRightAfterRecovery() {
      join("s-alice", "alice"); // v1
      TestProbe<SessionInbox> bob = join("s-bob", "bob"); // v2
      room.runCommand(lost("s-alice")); // v3, grace 10 s
      bob.expectMessage(delivered(3, new RoomEvent.MemberAway("alice", "s-alice", NOW)));
      Instant later = clock.advance(TestConfig.roomSettings().gracePeriod().plusSeconds(1));

      room.restart();
      RoomState read = snapshot();

      RoomEvent timedOut = new RoomEvent.MemberLeft("alice", RoomEvent.LeaveReason.TIMED_OUT, later);
      assertEquals(Set.of("bob"), read.members().keySet());
      assertEquals(4, read.version());
      assertEquals(timedOut, journal().get(3));
      bob.expectMessage(delivered(4, timedOut));
    }

    @Test
    void aReadThatWakesARoomIsAnsweredOnlyOnceTheExpiredGracesHaveEnded() {
      clock.advance(Duration.ofMinutes(5));
      TestProbe<SessionInbox> bob = connection();
      TestProbe<RoomState> reader = kit.createTestProbe(RoomState.class);
      ActorRef<RoomCommand> entity =
          spawnRoom(
              TestConfig.roomSettings(),
              Optional.empty(),
              joined("s-alice", "alice", connection().getRef()),
              joined("s-bob", "bob", bob.getRef()),
              new RoomEvent.MemberAway("alice", "s-alice", NOW));

      entity.tell(new RoomCommand.GetSnapshot(reader.getRef()));

      RoomState read = reader.receiveMessage();
      assertEquals(Set.of("bob"), read.members().keySet());
      assertEquals(4, read.version());
    }

    @Test
    void anAwayMemberWhoseGraceIsNotOverWhenTheRoomRestartsGetsOnlyTheRestOfIt() {
      Duration grace = Duration.ofSeconds(3);
      room = startRoom(withGrace(grace));
      join("s-alice", "alice"); // v1
      TestProbe<SessionInbox> bob = join("s-bob", "bob"); // v2
      room.runCommand(lost("s-alice")); // v3
      bob.expectMessage(delivered(3, new RoomEvent.MemberAway("alice", "s-alice", NOW)));
      Instant later = clock.advance(grace.minusMillis(500)); // 500 ms of the grace are left

      RoomState recovered = room.restart().state();

      assertEquals(MemberStatus.AWAY, recovered.members().get("alice").status());
      // well before a whole new grace period would end
      bob.expectMessage(
          grace.minusSeconds(1), delivered(4, new RoomEvent.MemberLeft("alice", RoomEvent.LeaveReason.TIMED_OUT, later)));
    }

    private RoomUpdate.EventDelivered lastDelivered(TestProbe<SessionInbox> probe, int count) {
      RoomUpdate.EventDelivered last = null;
      for (int i = 0; i < count; i++) {
        last = probe.expectMessageClass(RoomUpdate.EventDelivered.class);
      }
      return last;
    }

    @Test
    void aRestartedRoomStillWatchesItsConnections() {
      ActorRef<SessionInbox> aliceConnection = kit.spawn(Behaviors.<SessionInbox>ignore(), "watched-after-restart-" + roomId);
      runJoin(open("s-alice", "alice", aliceConnection));
      TestProbe<SessionInbox> bob = join("s-bob", "bob");
      room.restart();

      kit.stop(aliceConnection);

      bob.expectMessage(delivered(3, new RoomEvent.MemberAway("alice", "s-alice", NOW)));
    }

    @Test
    void snapshotsAreTakenEveryNEventsOlderOnesAreDroppedAndTheRoomRecoversFromThem() {
      room = startRoom(TestConfig.roomSettings("room.snapshot-every = 3\nroom.snapshots-kept = 2"));
      SnapshotTestKit snapshots = room.snapshotTestKit().orElseThrow();
      join("s-alice", "alice"); // 1
      TestProbe<SessionInbox> bob = join("s-bob", "bob"); // 2
      RoomState atThree =
          run(r -> new RoomCommand.ChangeKeys("c3", "s-alice", List.of(set("k", JSON.numberNode(3))), r)).state();
      run(r -> new RoomCommand.PostChat("c4", "s-bob", "four", r));
      run(r -> new RoomCommand.SetReady("c5", "s-bob", true, r));
      RoomState atSix = run(r -> new RoomCommand.PostChat("c6", "s-alice", "six", r)).state();

      List<Pair<SnapshotMeta, Object>> stored = snapshots.persistedInStorage(persistenceId());
      assertEquals(List.of(3L, 6L), stored.stream().map(p -> p.first().sequenceNr()).collect(Collectors.toList()));
      assertEquals(atThree, stored.get(0).second());
      assertEquals(atSix, stored.get(1).second());

      run(r -> new RoomCommand.ChangeKeys("c7", "s-alice", List.of(delete("k")), r));
      run(r -> new RoomCommand.FocusDocument("c8", "s-bob", Optional.of(new DocumentFocus("d", "text")), r));
      RoomState atNine = run(r -> new RoomCommand.PostChat("c9", "s-bob", "nine", r)).state();
      kit.createTestProbe()
          .awaitAssert(
              () -> {
                assertEquals(
                    List.of(6L, 9L),
                    snapshots.persistedInStorage(persistenceId()).stream()
                        .map(p -> p.first().sequenceNr())
                        .collect(Collectors.toList()));
                return null;
              });

      // Remove every event from the journal: only the snapshot at 9 can bring the state back.
      room.persistenceTestKit().clearByIdPreservingSeqNumbers(persistenceId());
      assertEquals(List.of(), journal());

      RoomState recovered = room.restart().state();

      assertEquals(atNine, recovered);
      assertEquals(9, recovered.version());
      var next = run(r -> new RoomCommand.PostChat("c10", "s-alice", "ten", r));
      assertEquals(new CommandReply.Accepted("c10", 10), next.reply());
      assertEquals(List.of(new RoomEvent.ChatPosted("alice", "c10", "ten", NOW)), journal());
      // bob's connection survived the restart as a session of the recovered snapshot
      RoomUpdate.EventDelivered last = null;
      for (int i = 3; i <= 10; i++) {
        last = bob.expectMessageClass(RoomUpdate.EventDelivered.class);
        assertEquals(i, last.version());
      }
    }

    @Test
    void aRoomRecoversFromASnapshotPlusTheEventsAfterIt() {
      room = startRoom(TestConfig.roomSettings("room.snapshot-every = 2"));
      join("s-alice", "alice");
      join("s-bob", "bob");
      run(r -> new RoomCommand.PostChat("c3", "s-bob", "three", r));
      RoomState before = room.getState();
      assertEquals(
          List.of(2L),
          room.snapshotTestKit().orElseThrow().persistedInStorage(persistenceId()).stream()
              .map(p -> p.first().sequenceNr())
              .collect(Collectors.toList()));

      assertEquals(before, room.restart().state());
    }
  }

  // ---- rate limits and the member limit

  @Nested
  class Limits {

    /** alice on two sessions (s-alice, s-alice-2) and bob; bob saw nothing yet. */
    private TestProbe<SessionInbox> alice;
    private TestProbe<SessionInbox> alicePhone;
    private TestProbe<SessionInbox> bob;

    @BeforeEach
    void aliceOnTwoSessionsAndBob() {
      room =
          startRoom(
              TestConfig.roomSettings(
                  "limits.rates {\n"
                      + "  commands { burst = 3, per-second = 1 }\n"
                      + "  chat { burst = 2, per-second = 0.5 }\n"
                      + "  cursors { burst = 2, per-second = 10 }\n"
                      + "}"));
      alice = join("s-alice", "alice"); // v1
      alicePhone = join("s-alice-2", "alice"); // v2
      bob = join("s-bob", "bob"); // v3
    }

    private CommandReply ready(String commandId, String sessionId) {
      return run(r -> new RoomCommand.SetReady(commandId, sessionId, true, r)).reply();
    }

    private void accepted(String commandId, String sessionId) {
      assertInstanceOf(CommandReply.Accepted.class, ready(commandId, sessionId));
    }

    /** Asserts the command is rejected as rate limited, with nothing persisted. */
    private CommandReply.Rejected rateLimited(Function<ActorRef<CommandReply>, RoomCommand> command) {
      long version = room.getState().version();
      CommandResultWithReply<RoomCommand, RoomEvent, RoomState, CommandReply> result = run(command);
      CommandReply.Rejected rejected = result.replyOfType(CommandReply.Rejected.class);
      assertEquals(RejectCode.RATE_LIMITED, rejected.code(), rejected.message());
      assertTrue(result.hasNoEvents(), () -> "persisted " + result.events());
      assertEquals(version, result.state().version());
      return rejected;
    }

    private CommandReply.Rejected readyRateLimited(String commandId, String sessionId) {
      return rateLimited(r -> new RoomCommand.SetReady(commandId, sessionId, true, r));
    }

    /** Carol alone in a spawned room with these limits; she spends her 3 command tokens. */
    private ActorRef<RoomCommand> carolWithoutTokens(RoomSettings settings, TestProbe<CommandReply> replies) {
      TestProbe<SessionInbox> carol = connection();
      ActorRef<RoomCommand> entity =
          spawnRoom(settings, Optional.empty(), joined("s-carol", "carol", carol.getRef()));
      for (int i = 1; i <= 3; i++) {
        entity.tell(new RoomCommand.SetReady("c" + i, "s-carol", i % 2 == 1, replies.getRef()));
        assertInstanceOf(CommandReply.Accepted.class, replies.receiveMessage());
      }
      return entity;
    }

    private RoomSettings threeCommandsASecond() {
      return TestConfig.roomSettings("limits.rates.commands { burst = 3, per-second = 1 }");
    }

    private void assertRateLimited(ActorRef<RoomCommand> entity, TestProbe<CommandReply> replies, String commandId) {
      entity.tell(new RoomCommand.SetReady(commandId, "s-carol", true, replies.getRef()));
      CommandReply reply = replies.receiveMessage();
      assertInstanceOf(CommandReply.Rejected.class, reply);
      assertEquals(RejectCode.RATE_LIMITED, ((CommandReply.Rejected) reply).code(), reply::toString);
    }

    @Test
    void aRoomThatStopsAndStartsAgainHandsItsUsersTheirDrainedBucketsBack() {
      RoomSettings settings = threeCommandsASecond();
      TestProbe<CommandReply> replies = kit.createTestProbe(CommandReply.class);
      ActorRef<RoomCommand> entity = carolWithoutTokens(settings, replies);

      kit.stop(entity);
      ActorRef<RoomCommand> again = spawnAgain(settings, Optional.empty(), eventCheck);

      assertRateLimited(again, replies, "c4");
      assertEquals(0, rateLimitHandover.parkedRooms());
    }

    @Test
    void aRoomStoppedByAJournalThatRefusedAWriteHandsTheBucketsBackToo() {
      RoomSettings settings = threeCommandsASecond();
      TestProbe<CommandReply> replies = kit.createTestProbe(CommandReply.class);
      ActorRef<RoomCommand> entity = carolWithoutTokens(settings, replies);
      TestProbe<Object> watcher = kit.createTestProbe();
      clock.advance(Duration.ofSeconds(1)); // one token again

      room.persistenceTestKit().rejectNextPersisted(persistenceId());
      entity.tell(new RoomCommand.SetReady("c4", "s-carol", false, replies.getRef()));
      watcher.expectTerminated(entity);
      ActorRef<RoomCommand> again = spawnAgain(settings, Optional.empty(), eventCheck);

      assertRateLimited(again, replies, "c5");
    }

    @Test
    void theSessionsOfAUserShareOneBucketAndTheRejectSaysWhenToRetry() {
      accepted("c1", "s-alice");
      accepted("c2", "s-alice-2");
      accepted("c3", "s-alice");

      CommandReply.Rejected rejected = readyRateLimited("c4", "s-alice-2");

      assertEquals(
          new CommandReply.Rejected(
              "c4", RejectCode.RATE_LIMITED, "too many changes; retry in 1000 ms", Optional.of(Duration.ofSeconds(1))),
          rejected);
      readyRateLimited("c5", "s-alice");
      // bob has a bucket of his own
      accepted("b1", "s-bob");
      assertEquals(7, room.getState().version());
    }

    @Test
    void reconnectingDoesNotRefillTheBucket() {
      accepted("c1", "s-alice");
      accepted("c2", "s-alice");
      accepted("c3", "s-alice");
      room.runCommand(lost("s-alice")); // session.closed
      room.runCommand(lost("s-alice-2")); // member.away

      join("s-alice-3", "alice"); // back within the grace period
      assertEquals(Optional.of(Duration.ofSeconds(1)), readyRateLimited("c4", "s-alice-3").retryAfter());

      // leaving and joining again does not refill it either
      room.runCommand(leave("s-alice-3"));
      assertTrue(room.getState().member("alice").isEmpty());
      join("s-alice-4", "alice");
      assertEquals(Optional.of(Duration.ofSeconds(1)), readyRateLimited("c5", "s-alice-4").retryAfter());
    }

    @Test
    void afterTheRetryAfterCommandsAreAcceptedAgainAtTheRefillRate() {
      accepted("c1", "s-alice");
      accepted("c2", "s-alice");
      accepted("c3", "s-alice");
      clock.advance(Duration.ofMillis(400));
      Duration retryAfter = readyRateLimited("c4", "s-alice").retryAfter().orElseThrow();
      assertEquals(Duration.ofMillis(600), retryAfter);

      clock.advance(retryAfter.minusNanos(1));
      assertEquals(Optional.of(Duration.ofNanos(1)), readyRateLimited("c4", "s-alice-2").retryAfter());
      clock.advance(Duration.ofNanos(1));
      accepted("c4", "s-alice-2");
      assertEquals(Optional.of(Duration.ofSeconds(1)), readyRateLimited("c5", "s-alice").retryAfter());

      clock.advance(Duration.ofSeconds(2));
      accepted("c5", "s-alice");
      accepted("c6", "s-alice");
      readyRateLimited("c7", "s-alice");
    }

    @Test
    void chatHasABucketOfItsOwn() {
      accepted("c1", "s-alice");
      accepted("c2", "s-alice");
      accepted("c3", "s-alice");
      readyRateLimited("c4", "s-alice");

      assertInstanceOf(
          CommandReply.Accepted.class,
          run(r -> new RoomCommand.PostChat("m1", "s-alice", "one", r)).reply());
      assertInstanceOf(
          CommandReply.Accepted.class,
          run(r -> new RoomCommand.PostChat("m2", "s-alice-2", "two", r)).reply());
      CommandReply.Rejected rejected =
          rateLimited(r -> new RoomCommand.PostChat("m3", "s-alice", "three", r));
      assertEquals("too many chat messages; retry in 2000 ms", rejected.message());
      assertEquals(Optional.of(Duration.ofSeconds(2)), rejected.retryAfter());
    }

    @Test
    void aCommandFromASessionThatIsNotOpenIsNotAMemberRatherThanRateLimited() {
      CommandReply reply = ready("c1", "s-ghost");
      assertEquals(RejectCode.NOT_MEMBER, ((CommandReply.Rejected) reply).code());
    }

    @Test
    void cursorsOverTheRateOfTheirUserAreDroppedButTheLastOneOfASessionFollowsWhenItMay() {
      room.runCommand(new RoomCommand.MoveCursor("s-alice", 1, 1, Optional.empty()));
      room.runCommand(new RoomCommand.MoveCursor("s-alice-2", 2, 2, Optional.empty()));
      // over the burst of 2, shared by alice's sessions: held back, then replaced, then held
      room.runCommand(new RoomCommand.MoveCursor("s-alice", 3, 3, Optional.empty()));
      room.runCommand(new RoomCommand.MoveCursor("s-alice", 4, 4, Optional.empty()));
      room.runCommand(new RoomCommand.MoveCursor("s-alice", 5, 5, Optional.empty()));

      bob.expectMessage(cursors(new RoomUpdate.CursorMoved("alice", "s-alice", 1, 1, Optional.empty())));
      bob.expectMessage(cursors(new RoomUpdate.CursorMoved("alice", "s-alice-2", 2, 2, Optional.empty())));
      // the next token comes 100 ms later on the room's clock: only then does 5 follow, and 3
      // and 4 never do
      clock.advance(Duration.ofMillis(100));
      bob.expectMessage(cursors(new RoomUpdate.CursorMoved("alice", "s-alice", 5, 5, Optional.empty())));
      run(r -> new RoomCommand.SetReady("b1", "s-bob", true, r));
      assertEquals(4, bob.expectMessageClass(RoomUpdate.EventDelivered.class).version());

      alicePhone.expectMessageClass(RoomUpdate.EventDelivered.class); // bob joined, v3
      alicePhone.expectMessage(cursors(new RoomUpdate.CursorMoved("alice", "s-alice", 1, 1, Optional.empty())));
      alicePhone.expectMessage(cursors(new RoomUpdate.CursorMoved("alice", "s-alice", 5, 5, Optional.empty())));
      assertEquals(4, alicePhone.expectMessageClass(RoomUpdate.EventDelivered.class).version());
      // bob's cursors are his own and nothing was persisted for any cursor
      room.runCommand(new RoomCommand.MoveCursor("s-bob", 6, 6, Optional.empty()));
      alice.expectMessageClass(RoomUpdate.EventDelivered.class); // alice's phone, v2
      alice.expectMessageClass(RoomUpdate.EventDelivered.class); // bob joined, v3
      alice.expectMessage(cursors(new RoomUpdate.CursorMoved("alice", "s-alice-2", 2, 2, Optional.empty())));
      assertEquals(4, alice.expectMessageClass(RoomUpdate.EventDelivered.class).version());
      alice.expectMessage(cursors(new RoomUpdate.CursorMoved("bob", "s-bob", 6, 6, Optional.empty())));
      assertEquals(4, room.getState().version());
    }

    @Test
    void aHeldCursorOfASessionThatClosedIsNotRelayed() {
      room.runCommand(new RoomCommand.MoveCursor("s-alice", 1, 1, Optional.empty()));
      room.runCommand(new RoomCommand.MoveCursor("s-alice", 2, 2, Optional.empty()));
      room.runCommand(new RoomCommand.MoveCursor("s-alice", 3, 3, Optional.empty())); // held
      room.runCommand(lost("s-alice")); // v4

      clock.advance(Duration.ofSeconds(1));
      bob.expectMessage(cursors(new RoomUpdate.CursorMoved("alice", "s-alice", 1, 1, Optional.empty())));
      bob.expectMessage(cursors(new RoomUpdate.CursorMoved("alice", "s-alice", 2, 2, Optional.empty())));
      assertEquals(4, bob.expectMessageClass(RoomUpdate.EventDelivered.class).version());
      // whenever the held cursor's timer fires, it finds nothing: the next cursor bob gets is 7
      room.runCommand(new RoomCommand.MoveCursor("s-alice-2", 7, 7, Optional.empty()));
      bob.expectMessage(cursors(new RoomUpdate.CursorMoved("alice", "s-alice-2", 7, 7, Optional.empty())));
    }

    @Test
    void aNewUserBeyondTheMemberLimitIsRefusedButAnotherSessionIsNot() {
      room = startRoom(TestConfig.roomSettings("limits.members-per-room = 2"));
      join("s-alice", "alice");
      join("s-bob", "bob");
      TestProbe<SessionInbox> carol = connection();

      JoinResult result = runJoin(open("s-carol", "carol", carol.getRef()));

      assertTrue(result.hasNoEvents());
      carol.expectMessage(
          new SessionReply.Refused("s-carol", RejectCode.ROOM_FULL, "the room already has its maximum of 2 members"));
      join("s-bob-2", "bob");
      assertEquals(2, room.getState().members().size());
    }
  }

  // ---- moderation

  @Nested
  class Moderation {

    @Test
    void aKickEndsEverySessionOfTheMemberAndItLeaves() {
      TestProbe<SessionInbox> alice = join("s-alice", "alice"); // v1
      TestProbe<SessionInbox> alice2 = join("s-alice-2", "alice"); // v2
      TestProbe<SessionInbox> bob = join("s-bob", "bob"); // v3
      alice.receiveSeveralMessages(2); // her second session opened, bob joined
      alice2.receiveSeveralMessages(1); // bob joined

      var result = run(r -> new RoomCommand.Kick("k1", "alice", r));

      RoomEvent kicked = new RoomEvent.MemberLeft("alice", RoomEvent.LeaveReason.KICKED, NOW);
      assertEquals(List.of(kicked), result.events());
      assertEquals(new CommandReply.Accepted("k1", 4), result.reply());
      assertEquals(Set.of("bob"), result.state().members().keySet());
      bob.expectMessage(delivered(4, kicked));
      alice.expectMessage(new SessionReply.Ended("s-alice", RoomEvent.LeaveReason.KICKED));
      alice2.expectMessage(new SessionReply.Ended("s-alice-2", RoomEvent.LeaveReason.KICKED));
      alice.expectNoMessage();
    }

    @Test
    void kickingSomebodyWhoIsNotHereChangesNothingAndIsAcked() {
      join("s-bob", "bob"); // v1
      var result = run(r -> new RoomCommand.Kick("k1", "alice", r));
      assertEquals(List.of(), result.events());
      assertEquals(new CommandReply.Accepted("k1", 1), result.reply());
    }

    @Test
    void closingTheRoomEndsEverySessionAndKeepsTheState() {
      TestProbe<SessionInbox> alice = join("s-alice", "alice"); // v1
      TestProbe<SessionInbox> bob = join("s-bob", "bob"); // v2
      run(r -> new RoomCommand.ChangeKeys("c1", "s-alice", List.of(set("k", JSON.textNode("v"))), r)); // v3
      alice.receiveSeveralMessages(2);
      bob.receiveSeveralMessages(1);

      var result = run(r -> new RoomCommand.CloseRoom("x1", r));

      assertEquals(
          List.of(
              new RoomEvent.MemberLeft("alice", RoomEvent.LeaveReason.ROOM_CLOSED, NOW),
              new RoomEvent.MemberLeft("bob", RoomEvent.LeaveReason.ROOM_CLOSED, NOW)),
          result.events());
      assertEquals(new CommandReply.Accepted("x1", 5), result.reply());
      assertEquals(Map.of(), result.state().members());
      assertEquals(Set.of("k"), result.state().keys().keySet());
      alice.expectMessage(new SessionReply.Ended("s-alice", RoomEvent.LeaveReason.ROOM_CLOSED));
      bob.expectMessage(new SessionReply.Ended("s-bob", RoomEvent.LeaveReason.ROOM_CLOSED));

      join("s-alice-again", "alice"); // the room may be joined again
      assertEquals(6, room.getState().version());
    }
  }
}
