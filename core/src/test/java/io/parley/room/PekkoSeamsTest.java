package io.parley.room;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.parley.testing.TestClock;
import io.parley.testing.TestConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.Dropped;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.persistence.testkit.ProcessingSuccess$;
import org.apache.pekko.persistence.testkit.WriteEvents;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.junit.jupiter.api.Test;

/**
 * Pins the Pekko behaviour {@link PekkoSeams} relies on, with the real stash of an event sourced
 * behavior and real sharding: if a Pekko upgrade changes either, this fails.
 */
class PekkoSeamsTest {

  @Test
  void whatAFullStashDropsIsTheRoomCommandWrappedInOneFieldAndSentToTheRoom() throws Exception {
    ActorTestKit kit =
        ActorTestKit.create(
            "PekkoSeamsStash",
            ConfigFactory.parseString(
                    "pekko.persistence.typed.stash-capacity = 2\n"
                        + "pekko.persistence.typed.stash-overflow-strategy = drop")
                .withFallback(TestConfig.actorSystem()));
    CountDownLatch writeMayEnd = new CountDownLatch(1);
    try {
      PersistenceTestKit journal = PersistenceTestKit.create(kit.system());
      String roomId = "stash";
      String persistenceId = PersistenceId.of(RoomEntity.TYPE_KEY.name(), roomId).id();
      TestProbe<SessionInbox> connection = kit.createTestProbe(SessionInbox.class);
      journal.persistForRecovery(
          persistenceId,
          List.of(
              new RoomEvent.MemberJoined(
                  "ann", "s-ann", "Ann", "#1e90ff", connection.getRef(), Instant.EPOCH)));
      CountDownLatch writeStarted = new CountDownLatch(1);
      journal.withPolicy(
          (pid, operation) -> {
            if (operation instanceof WriteEvents) {
              writeStarted.countDown();
              await(writeMayEnd);
            }
            return ProcessingSuccess$.MODULE$.getInstance();
          });
      TestProbe<Dropped> drops = kit.createTestProbe(Dropped.class);
      kit.system().eventStream().tell(new EventStream.Subscribe<>(Dropped.class, drops.getRef()));
      ActorRef<RoomCommand> room =
          kit.spawn(
              RoomEntity.create(
                  roomId,
                  TestConfig.roomSettings(),
                  Optional.empty(),
                  RoomRuntime.withClock(kit.system(), new TestClock(Instant.EPOCH))));
      TestProbe<CommandReply> replies = kit.createTestProbe(CommandReply.class);

      room.tell(new RoomCommand.SetReady("c1", "s-ann", true, replies.getRef()));
      assertThat(writeStarted.await(10, TimeUnit.SECONDS)).isTrue();
      List<RoomCommand> stashed =
          List.of(new RoomCommand.GraceExpired("a"), new RoomCommand.GraceExpired("b"));
      stashed.forEach(room::tell);
      RoomCommand overflow = new RoomCommand.GraceExpired("c");
      room.tell(overflow);

      Dropped dropped = drops.receiveMessage(Duration.ofSeconds(10));
      assertThat(PekkoSeams.stashedCommand(dropped.message())).contains(overflow);
      assertThat(dropped.recipient()).isEqualTo(Adapter.toClassic(room));
    } finally {
      writeMayEnd.countDown();
      kit.shutdownTestKit();
    }
  }

  @Test
  void aShardedEntityIsNamedByItsUrlEncodedId() {
    ActorTestKit kit =
        ActorTestKit.create(
            "PekkoSeamsSharding",
            ConfigFactory.parseString(
                    "pekko.actor.provider = cluster\n"
                        + "pekko.remote.artery.canonical.hostname = 127.0.0.1\n"
                        + "pekko.remote.artery.canonical.port = 0")
                .withFallback(TestConfig.actorSystem()));
    try {
      Cluster cluster = Cluster.get(kit.system());
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
      TestProbe<Object> probe = kit.createTestProbe();
      probe.awaitAssert(
          Duration.ofSeconds(10),
          () -> {
            assertThat(cluster.selfMember().status()).isEqualTo(MemberStatus.up());
            return null;
          });
      EntityTypeKey<ActorRef<org.apache.pekko.actor.ActorRef>> key =
          EntityTypeKey.create(castKey(), "Named");
      String roomId = "room one/ü:?&%";
      ClusterSharding sharding = ClusterSharding.get(kit.system());
      sharding.init(
          Entity.of(
              key,
              context ->
                  Behaviors.receive(
                      (actor, replyTo) -> {
                        replyTo.tell(Adapter.toClassic(actor.getSelf()));
                        return Behaviors.same();
                      })));
      TestProbe<org.apache.pekko.actor.ActorRef> names =
          kit.createTestProbe(org.apache.pekko.actor.ActorRef.class);

      sharding.entityRefFor(key, roomId).tell(names.getRef());

      assertThat(PekkoSeams.roomIdOf(names.receiveMessage(Duration.ofSeconds(10)))).isEqualTo(roomId);
    } finally {
      kit.shutdownTestKit();
    }
  }

  @SuppressWarnings("unchecked")
  private static Class<ActorRef<org.apache.pekko.actor.ActorRef>> castKey() {
    return (Class<ActorRef<org.apache.pekko.actor.ActorRef>>) (Class<?>) ActorRef.class;
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
