package io.parley.room;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.parley.testing.TestConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The presence check of a recovered room, without a room entity. The check only reads the
 * addresses of the connections, so the test system is there for the references alone: local ones
 * are spawned, and those of other nodes are resolved from their paths (the cluster provider gives
 * them their node's address; the system never joins a cluster nor connects to those nodes).
 */
class PresenceRecoveryTest {

  private static final Instant NOW = Instant.parse("2025-02-03T04:05:06Z");
  private static final Duration GRACE = Duration.ofSeconds(60);
  private static final RoomState.Bounds BOUNDS = TestConfig.roomSettings().stateBounds();

  /** A node still in the cluster, and one that was killed and replaced. */
  private static final Address LIVE_NODE = new Address("pekko", "parley", "10.0.0.7", 2552);

  private static final Address GONE_NODE = new Address("pekko", "parley", "10.0.0.9", 2552);

  private static ActorTestKit kit;

  private final PresenceRecovery recovery = new PresenceRecovery(GRACE);

  @BeforeAll
  static void startSystem() {
    kit =
        ActorTestKit.create(
            "PresenceRecoveryTest",
            ConfigFactory.parseString(
                    String.join(
                        "\n",
                        "pekko.actor.provider = cluster",
                        "pekko.remote.artery.canonical.hostname = 127.0.0.1",
                        "pekko.remote.artery.canonical.port = 0",
                        "pekko.loglevel = WARNING"))
                .withFallback(ConfigFactory.load()));
  }

  @AfterAll
  static void stopSystem() {
    kit.shutdownTestKit();
  }

  private static ActorRef<SessionInbox> local(String name) {
    return kit.spawn(Behaviors.<SessionInbox>ignore(), name);
  }

  private static ActorRef<SessionInbox> on(Address node, String name) {
    return ActorRefResolver.get(kit.system()).resolveActorRef(node + "/user/" + name);
  }

  private static RoomState fold(RoomEvent... events) {
    RoomState state = RoomState.empty();
    for (RoomEvent event : events) {
      state = state.apply(event, BOUNDS);
    }
    return state;
  }

  private static RoomEvent joined(String userId, String sessionId, ActorRef<SessionInbox> connection) {
    return new RoomEvent.MemberJoined(userId, sessionId, userId, "#aa0000", connection, NOW.minusSeconds(3600));
  }

  private static RoomEvent away(String userId, String sessionId, Instant since) {
    return new RoomEvent.MemberAway(userId, sessionId, since);
  }

  private static RoomCommand.CloseSession lost(String sessionId) {
    return new RoomCommand.CloseSession(sessionId, RoomCommand.SessionEnd.LOST);
  }

  private static Supplier<Set<Address>> noClusterLookup() {
    return () -> {
      throw new AssertionError("the cluster was asked for its nodes");
    };
  }

  @Test
  void theReferencesUnderTestHaveTheAddressesTheCheckReads() {
    assertThat(local("address-check").path().address().hasLocalScope()).isTrue();
    ActorRef<SessionInbox> remote = on(LIVE_NODE, "address-check");
    assertThat(remote.path().address()).isEqualTo(LIVE_NODE);
    assertThat(remote.path().address().hasLocalScope()).isFalse();
  }

  @Test
  void anEmptyRoomHasNothingToFixAndHoldsNoReads() {
    PresenceRecovery.Plan plan = recovery.start(RoomState.empty(), NOW, noClusterLookup());

    assertThat(plan).isEqualTo(new PresenceRecovery.Plan(List.of(), List.of(), List.of()));
    assertThat(recovery.holdsReads()).isFalse();
  }

  @Test
  void awayMembersWhoseGraceRanOutWhileTheRoomWasStoppedLeaveAtOnce() {
    RoomState room =
        fold(
            joined("dave", "d1", null),
            away("dave", "d1", NOW.minus(GRACE).minusSeconds(600)),
            joined("frank", "f1", null),
            away("frank", "f1", NOW.minus(GRACE)));

    PresenceRecovery.Plan plan = recovery.start(room, NOW, noClusterLookup());

    assertThat(plan.fixes())
        .containsExactlyInAnyOrder(
            new RoomCommand.GraceExpired("dave"), new RoomCommand.GraceExpired("frank"));
    assertThat(plan.graces()).isEmpty();
    assertThat(plan.watches()).isEmpty();
    assertThat(recovery.holdsReads()).isTrue();
  }

  @Test
  void awayMembersWithGraceLeftAreTimedForExactlyWhatIsLeft() {
    RoomState room =
        fold(
            joined("erin", "e1", null),
            away("erin", "e1", NOW.minusSeconds(20)),
            joined("gina", "g1", null),
            away("gina", "g1", NOW.minus(GRACE).plusNanos(1)));

    PresenceRecovery.Plan plan = recovery.start(room, NOW, noClusterLookup());

    assertThat(plan.graces())
        .containsExactlyInAnyOrder(
            new PresenceRecovery.GraceLeft("erin", Duration.ofSeconds(40)),
            new PresenceRecovery.GraceLeft("gina", Duration.ofNanos(1)));
    assertThat(plan.fixes()).isEmpty();
    assertThat(recovery.holdsReads()).isFalse();
  }

  @Test
  void connectionsOnThisNodeOrAnotherClusterNodeAreWatchedBehindOneCheckRound() {
    ActorRef<SessionInbox> alice = local("watched-alice");
    ActorRef<SessionInbox> aliceTab = local("watched-alice-tab");
    ActorRef<SessionInbox> bob = on(LIVE_NODE, "watched-bob");
    RoomState room =
        fold(
            joined("alice", "a1", alice),
            new RoomEvent.SessionOpened("alice", "a2", "alice", "#aa0000", aliceTab, NOW),
            joined("bob", "b1", bob));

    PresenceRecovery.Plan plan = recovery.start(room, NOW, () -> Set.of(LIVE_NODE, GONE_NODE));

    assertThat(plan.watches())
        .containsExactlyInAnyOrder(
            new PresenceRecovery.Watch(alice, lost("a1")),
            new PresenceRecovery.Watch(aliceTab, lost("a2")),
            new PresenceRecovery.Watch(bob, lost("b1")));
    assertThat(plan.fixes()).containsExactly(new RoomCommand.RecoveryWatchesChecked(1));
    assertThat(plan.graces()).isEmpty();
    assertThat(recovery.holdsReads()).isTrue();
  }

  @Test
  void aSessionOnANodeThatLeftTheClusterIsClosedAsLostAtOnce() {
    ActorRef<SessionInbox> alice = local("kept-alice");
    ActorRef<SessionInbox> carol = on(GONE_NODE, "gone-carol");
    RoomState room = fold(joined("alice", "a1", alice), joined("carol", "c1", carol));

    PresenceRecovery.Plan plan = recovery.start(room, NOW, () -> Set.of(LIVE_NODE));

    assertThat(plan.watches()).containsExactly(new PresenceRecovery.Watch(alice, lost("a1")));
    assertThat(plan.fixes())
        .containsExactlyInAnyOrder(lost("c1"), new RoomCommand.RecoveryWatchesChecked(1));
    assertThat(plan.fixes().get(plan.fixes().size() - 1))
        .isEqualTo(new RoomCommand.RecoveryWatchesChecked(1));
  }

  @Test
  void withOnlyGoneConnectionsThereIsNoWatchRound() {
    RoomState room = fold(joined("carol", "c1", on(GONE_NODE, "only-carol")));

    PresenceRecovery.Plan plan = recovery.start(room, NOW, () -> Set.of(LIVE_NODE));

    assertThat(plan.fixes()).containsExactly(lost("c1"));
    assertThat(plan.watches()).isEmpty();
  }

  @Test
  void theClusterIsNotAskedWhenEveryConnectionIsOnThisNode() {
    RoomState room =
        fold(
            joined("alice", "a1", local("local-alice")),
            joined("bob", "b1", local("local-bob")),
            joined("dave", "d1", null),
            away("dave", "d1", NOW.minusSeconds(5)));

    PresenceRecovery.Plan plan = recovery.start(room, NOW, noClusterLookup());

    assertThat(plan.watches()).hasSize(2);
  }

  @Test
  void theClusterIsAskedOnceHoweverManyConnectionsAreElsewhere() {
    AtomicInteger asked = new AtomicInteger();
    RoomState room =
        fold(
            joined("bob", "b1", on(LIVE_NODE, "asked-bob")),
            joined("carol", "c1", on(GONE_NODE, "asked-carol")),
            joined("hank", "h1", on(GONE_NODE, "asked-hank")));

    PresenceRecovery.Plan plan =
        recovery.start(
            room,
            NOW,
            () -> {
              asked.incrementAndGet();
              return Set.of(LIVE_NODE);
            });

    assertThat(asked).hasValue(1);
    assertThat(plan.watches()).extracting(watch -> watch.lost().sessionId()).containsExactly("b1");
    assertThat(plan.fixes())
        .containsExactlyInAnyOrder(
            lost("c1"), lost("h1"), new RoomCommand.RecoveryWatchesChecked(1));
  }

  /** alice watched here, carol on a gone node, dave's grace over, erin's not. */
  private RoomState mixedRoom() {
    return fold(
        joined("alice", "a1", local("mixed-alice-" + System.nanoTime())),
        joined("carol", "c1", on(GONE_NODE, "mixed-carol")),
        joined("dave", "d1", null),
        away("dave", "d1", NOW.minus(GRACE).minusSeconds(1)),
        joined("erin", "e1", null),
        away("erin", "e1", NOW.minusSeconds(1)));
  }

  @Test
  void aMixedRoomGetsEachKindOfFix() {
    PresenceRecovery.Plan plan = recovery.start(mixedRoom(), NOW, () -> Set.of(LIVE_NODE));

    assertThat(plan.fixes())
        .containsExactlyInAnyOrder(
            lost("c1"), new RoomCommand.GraceExpired("dave"), new RoomCommand.RecoveryWatchesChecked(1));
    assertThat(plan.fixes().get(2)).isEqualTo(new RoomCommand.RecoveryWatchesChecked(1));
    assertThat(plan.watches()).extracting(PresenceRecovery.Watch::lost).containsExactly(lost("a1"));
    assertThat(plan.graces())
        .containsExactly(new PresenceRecovery.GraceLeft("erin", GRACE.minusSeconds(1)));
  }

  @Test
  void readsWaitUntilTheLastFixIsHandled() {
    PresenceRecovery.Plan plan = recovery.start(mixedRoom(), NOW, () -> Set.of(LIVE_NODE));
    List<RoomCommand> fixes = new ArrayList<>(plan.fixes());

    assertThat(recovery.handled(new RoomCommand.GraceExpired("erin"))).isFalse();
    assertThat(recovery.handled(new RoomCommand.PassivateIfEmpty())).isFalse();
    assertThat(recovery.holdsReads()).isTrue();

    assertThat(recovery.handled(fixes.get(1))).isFalse();
    assertThat(recovery.holdsReads()).isTrue();
    assertThat(recovery.handled(fixes.get(0))).isFalse();
    assertThat(recovery.holdsReads()).isTrue();
    assertThat(recovery.handled(fixes.get(2))).isTrue();
    assertThat(recovery.holdsReads()).isFalse();

    assertThat(recovery.handled(fixes.get(2))).as("handled twice").isFalse();
    assertThat(recovery.holdsReads()).isFalse();
  }

  @Test
  void roundOneOfTheWatchCheckQueuesRoundTwoWhichAlsoHoldsReads() {
    RoomState room = fold(joined("alice", "a1", local("rounds-alice")));
    recovery.start(room, NOW, noClusterLookup());
    RoomCommand.RecoveryWatchesChecked round1 = new RoomCommand.RecoveryWatchesChecked(1);
    RoomCommand.RecoveryWatchesChecked round2 = new RoomCommand.RecoveryWatchesChecked(2);

    assertThat(recovery.nextRound(round1)).contains(round2);
    assertThat(recovery.handled(round1)).isFalse();
    assertThat(recovery.holdsReads()).isTrue();

    assertThat(recovery.nextRound(round2)).isEmpty();
    assertThat(recovery.handled(round2)).isTrue();
    assertThat(recovery.holdsReads()).isFalse();
  }

  @Test
  void roundTwoIsTheLast() {
    assertThat(recovery.nextRound(new RoomCommand.RecoveryWatchesChecked(2))).isEmpty();
    assertThat(recovery.holdsReads()).isFalse();
  }

  @Test
  void aSecondStartForgetsTheFixesOfTheFirst() {
    PresenceRecovery.Plan first = recovery.start(mixedRoom(), NOW, () -> Set.of(LIVE_NODE));
    assertThat(recovery.holdsReads()).isTrue();

    recovery.start(RoomState.empty(), NOW, noClusterLookup());

    assertThat(recovery.holdsReads()).isFalse();
    for (RoomCommand fix : first.fixes()) {
      assertThat(recovery.handled(fix)).as("%s", fix).isFalse();
    }
  }

  @Test
  void aSecondStartOfTheSameRoomWaitsForItsOwnFixesOnly() {
    RoomState room = fold(joined("carol", "c1", on(GONE_NODE, "again-carol")));
    recovery.start(room, NOW, () -> Set.of(LIVE_NODE));

    PresenceRecovery.Plan second = recovery.start(room, NOW, () -> Set.of(LIVE_NODE));

    assertThat(second.fixes()).containsExactly(lost("c1"));
    assertThat(recovery.handled(lost("c1"))).isTrue();
    assertThat(recovery.holdsReads()).isFalse();
  }
}
