package io.parley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.parley.auth.AuthFixtures;
import io.parley.auth.RoomAccess;
import io.parley.limits.ConnectionLimiter;
import io.parley.persistence.RoomHistory;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.DecodeResult;
import io.parley.protocol.EncodedCursorTick;
import io.parley.protocol.FrameEncoder;
import io.parley.room.KeyOp;
import io.parley.room.CommandReply;
import io.parley.room.RoomCommand;
import io.parley.room.RoomEntity;
import io.parley.room.RoomEvent;
import io.parley.room.RoomState;
import io.parley.room.RoomUpdate;
import io.parley.room.SessionInbox;
import io.parley.room.SessionReply;
import java.time.Instant;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.testkit.javadsl.TestEntityRef;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The connection actor on its own, with probes for its room and its socket: it delivers every
 * version once and in order, whatever order the room's messages arrive in.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectionActorTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant AT = Instant.parse("2026-11-21T10:00:00Z");

  private final ActorTestKit testKit =
      ActorTestKit.create(
          ConfigFactory.parseString("pekko.actor.provider = local")
              .withFallback(ConfigFactory.load()));
  private final GatewaySettings settings =
      GatewaySettings.fromConfig(ConfigFactory.load().getConfig("parley"));
  private final List<long[]> historyReads = new CopyOnWriteArrayList<>();

  private TestProbe<RoomCommand> room;
  private TestProbe<String> socket;
  private TestProbe<ConnectionActor.Ack> acks;
  private ActorRef<SessionInbox> connection;

  @AfterAll
  void stop() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void connect() {
    room = testKit.createTestProbe(RoomCommand.class);
    socket = testKit.createTestProbe(String.class);
    ActorRef<String> written = socket.getRef();
    OutboundQueue outbound = new OutboundQueue(settings.outboundBufferFrames());
    acks = testKit.createTestProbe(ConnectionActor.Ack.class);
    historyReads.clear();
    RoomHistory history =
        (roomId, from, to) -> {
          historyReads.add(new long[] {from, to});
          List<RoomUpdate.EventDelivered> events = new ArrayList<>();
          for (long v = from; v <= 9; v++) {
            events.add(change(v));
          }
          return CompletableFuture.completedFuture(events);
        };
    connection =
        testKit.spawn(
            ConnectionActor.create(
                "r",
                TestEntityRef.of(RoomEntity.TYPE_KEY, "r", room.getRef()),
                history,
                outbound,
                new ConnectionLimiter(settings.connectionLimits()).admit("127.0.0.1").lease().orElseThrow(),
                settings,
                new FrameEncoder(),
                Clock.systemUTC(),
                RoomAccess.unauthenticated(),
                AuthFixtures.off()));
    // the client sends nothing through the stage: the tests send FrameArrived themselves
    Source.<InboundMessage>never()
        .via(
            new ConnectionStage(
                connection,
                outbound,
                settings.closeDrainTimeout(),
                message -> {
                  throw new AssertionError("no client message expected");
                },
                new ConnectionStage.Lifecycle() {
                  @Override
                  public void opened() {}

                  @Override
                  public void frameOut(String frame) {}

                  @Override
                  public void closed() {}
                }))
        .runWith(Sink.foreach(written::tell), testKit.system());
  }

  /** Opens the session; its id, as the room got it. */
  private String hello(Optional<Long> resume) {
    connection.tell(
        new ConnectionActor.FrameArrived(
            acks.getRef(),
            new DecodeResult.Decoded(new ClientFrame.Hello(Optional.of("ann"), Optional.of("Ann"), Optional.of("#123456"), resume))));
    RoomCommand.OpenSession open = room.expectMessageClass(RoomCommand.OpenSession.class);
    open.connection()
        .tell(new SessionReply.Welcome(open.sessionId(), new RoomState(2, java.util.Map.of(), java.util.Map.of(), List.of())));
    return open.sessionId();
  }

  @Test
  void whenTheRoomRestartsItsUnansweredCommandsWaitOnlyTheShortTimeoutMore() {
    hello(Optional.empty());
    frame();
    connection.tell(
        new ConnectionActor.FrameArrived(
            acks.getRef(), new DecodeResult.Decoded(new ClientFrame.Ready("c1", true))));
    connection.tell(
        new ConnectionActor.FrameArrived(
            acks.getRef(), new DecodeResult.Decoded(new ClientFrame.Ready("c2", false))));
    RoomCommand.SetReady answered = nextSetReady();
    nextSetReady();

    connection.tell(new EncodedUpdates.RoomRestarted("r"));
    // the new room answers c1, which sharding held for it; c2 was lost with the last one
    answered.replyTo().tell(new CommandReply.Accepted("c1", 3));

    assertThat(frame().path("type").asText()).isEqualTo("ack");
    // within the probe's 3 s, well before the 5 s command timeout
    JsonNode reject = frame();
    assertThat(reject.path("type").asText()).isEqualTo("reject");
    assertThat(reject.path("id").asText()).isEqualTo("c2");
    assertThat(reject.path("code").asText()).isEqualTo("timeout");
  }

  private RoomCommand.SetReady nextSetReady() {
    return (RoomCommand.SetReady)
        room.fishForMessage(
                Duration.ofSeconds(3),
                m ->
                    m instanceof RoomCommand.SetReady
                        ? FishingOutcomes.complete()
                        : FishingOutcomes.continueAndIgnore())
            .get(0);
  }

  @Test
  void anEventTheNodeEncodedGoesOutAsEncodedAndInOrder() {
    hello(Optional.empty());
    frame();

    connection.tell(new EncodedUpdates.Event(change(3), "{\"type\":\"event\",\"version\":3}"));
    assertThat(socket.receiveMessage()).isEqualTo("{\"type\":\"event\",\"version\":3}");
    connection.tell(new EncodedUpdates.Event(change(3), "again"));
    connection.tell(new EncodedUpdates.Event(change(5), "after a gap"));

    assertThat(room.expectMessageClass(RoomCommand.Replay.class).afterVersion()).isEqualTo(3);
    socket.expectNoMessage();
  }

  @Test
  void aCursorFrameTheNodeEncodedIsSharedUnlessItHoldsTheConnectionsOwnCursor() {
    String own = hello(Optional.empty());
    frame();
    FrameEncoder encoder = new FrameEncoder();
    RoomUpdate.CursorMoved bob = new RoomUpdate.CursorMoved("bob", "s-bob", 0.1, 0.2, Optional.empty());
    RoomUpdate.CursorMoved mine = new RoomUpdate.CursorMoved("ann", own, 0.5, 0.5, Optional.empty());

    EncodedCursorTick others = EncodedCursorTick.of(encoder, List.of(bob));
    connection.tell(new EncodedUpdates.Cursors(others));
    assertThat(socket.receiveMessage()).isSameAs(others.frame());

    connection.tell(new EncodedUpdates.Cursors(EncodedCursorTick.of(encoder, List.of(mine, bob))));
    assertThat(socket.receiveMessage()).isEqualTo(encoder.cursors(List.of(bob)));

    // a tick of its own cursor alone sends nothing: the next frame is the tick after it
    connection.tell(new EncodedUpdates.Cursors(EncodedCursorTick.of(encoder, List.of(mine))));
    connection.tell(new EncodedUpdates.Cursors(others));
    assertThat(socket.receiveMessage()).isSameAs(others.frame());
  }

  @Test
  void aGapIsFilledFromTheRoomBeforeLaterEvents() {
    hello(Optional.empty());
    assertThat(frame().path("version").asLong()).isEqualTo(2);

    connection.tell(change(4));
    RoomCommand.Replay replay = room.expectMessageClass(RoomCommand.Replay.class);
    assertThat(replay.afterVersion()).isEqualTo(2);
    connection.tell(change(5));
    replay.replyTo().tell(new SessionReply.Missed(2, Optional.of(List.of(change(3), change(4)))));

    assertThat(versions(3)).containsExactly(3L, 4L, 5L);
    connection.tell(change(3));
    connection.tell(change(6));
    assertThat(versions(1)).containsExactly(6L);
  }

  @Test
  void reorderedEventsAreDeliveredInOrderFromTheJournalWhenTheRoomNoLongerHasThem() {
    hello(Optional.empty());
    frame();

    connection.tell(change(4));
    connection.tell(change(3));
    RoomCommand.Replay replay = room.expectMessageClass(RoomCommand.Replay.class);
    replay.replyTo().tell(new SessionReply.Missed(2, Optional.empty()));

    assertThat(versions(7)).containsExactly(3L, 4L, 5L, 6L, 7L, 8L, 9L);
    assertThat(historyReads).hasSize(1);
    assertThat(historyReads.get(0)[0]).isEqualTo(3);
    connection.tell(change(9));
    connection.tell(change(10));
    assertThat(versions(1)).containsExactly(10L);
  }

  @Test
  void aResumingClientGetsExactlyTheEventsAfterItsVersion() {
    hello(Optional.of(0L));
    JsonNode welcome = frame();
    assertThat(welcome.path("resumed").asBoolean()).isTrue();
    assertThat(welcome.path("version").asLong()).isEqualTo(0);
    assertThat(welcome.has("snapshot")).isFalse();

    RoomCommand.Replay replay = room.expectMessageClass(RoomCommand.Replay.class);
    assertThat(replay.afterVersion()).isZero();
    replay.replyTo().tell(new SessionReply.Missed(0, Optional.of(List.of(change(1), change(2)))));
    assertThat(versions(2)).containsExactly(1L, 2L);
  }

  @Test
  void aClientAheadOfTheRoomGetsASnapshot() {
    hello(Optional.of(7L));
    JsonNode welcome = frame();
    assertThat(welcome.path("resumed").asBoolean()).isFalse();
    assertThat(welcome.at("/snapshot/version").asLong()).isEqualTo(2);
    room.expectNoMessage();
  }

  private static RoomUpdate.EventDelivered change(long version) {
    return new RoomUpdate.EventDelivered(
        version,
        new RoomEvent.KeysChanged(
            "bob",
            "c" + version,
            List.of(new KeyOp.Set("k", JSON.getNodeFactory().numberNode(version), Optional.empty())),
            AT));
  }

  private JsonNode frame() {
    String text = socket.receiveMessage();
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private List<Long> versions(int count) {
    List<Long> versions = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      versions.add(frame().path("version").asLong());
    }
    socket.expectNoMessage();
    return versions;
  }
}
