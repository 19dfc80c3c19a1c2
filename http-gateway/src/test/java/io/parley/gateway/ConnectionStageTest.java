package io.parley.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.parley.protocol.DecodeResult;
import io.parley.protocol.ErrorCode;
import io.parley.room.SessionInbox;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.testkit.TestPublisher;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.apache.pekko.stream.testkit.javadsl.TestSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The one stage between a WebSocket and its connection actor: a client cannot push more than one
 * frame at the actor at a time; what it does not read can never take more than the outbound
 * buffer, nor hold it longer than the drain timeout; the frame that says why the connection
 * closes always comes last, then the close.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectionStageTest {

  private static final Duration DRAIN_TIMEOUT = Duration.ofMillis(200);
  private static final CloseStatus SLOW = CloseStatus.forError(ErrorCode.SLOW_CONSUMER);

  private final ActorTestKit testKit = ActorTestKit.create();
  /** What this test's stage wrote, and whether it is open: fresh for each test. */
  private List<String> events;
  private AtomicInteger open;

  private TestProbe<SessionInbox> actor;
  private TestPublisher.Probe<InboundMessage> client;
  private TestSubscriber.Probe<String> socket;

  @AfterAll
  void stop() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void clear() {
    events = new CopyOnWriteArrayList<>();
    open = new AtomicInteger();
    actor = testKit.createTestProbe(SessionInbox.class);
  }

  /** A stage writing {@code queue}; its client side is {@link #client}, its socket {@link #socket}. */
  private void run(OutboundQueue queue) {
    List<String> written = events;
    AtomicInteger opened = open;
    Pair<TestPublisher.Probe<InboundMessage>, TestSubscriber.Probe<String>> probes =
        TestSource.<InboundMessage>probe(testKit.system().classicSystem())
            .via(
                new ConnectionStage(
                    actor.getRef(),
                    queue,
                    DRAIN_TIMEOUT,
                    message ->
                        new DecodeResult.Malformed(
                            ErrorCode.BAD_FRAME,
                            Optional.empty(),
                            ((InboundMessage.Text) message).text(),
                            Optional.empty()),
                    new ConnectionStage.Lifecycle() {
                      @Override
                      public void opened() {
                        opened.incrementAndGet();
                      }

                      @Override
                      public void frameOut(String frame) {
                        written.add("out " + frame);
                      }

                      @Override
                      public void closed() {
                        opened.decrementAndGet();
                      }
                    }))
            .toMat(TestSink.create(testKit.system()), Keep.both())
            .run(testKit.system());
    client = probes.first();
    socket = probes.second();
  }

  private ConnectionActor.FrameArrived arrived(String text) {
    ConnectionActor.FrameArrived arrived = actor.expectMessageClass(ConnectionActor.FrameArrived.class);
    assertThat(((DecodeResult.Malformed) arrived.result()).message()).isEqualTo(text);
    return arrived;
  }

  @Test
  void theActorGetsTheNextFrameOnlyOnceItAcknowledgedTheLastOne() {
    run(new OutboundQueue(4));
    client.sendNext(new InboundMessage.Text("one"));
    client.sendNext(new InboundMessage.Text("two"));

    ConnectionActor.FrameArrived first = arrived("one");
    actor.expectNoMessage(Duration.ofMillis(300));
    first.ack().tell(ConnectionActor.Ack.INSTANCE);
    ConnectionActor.FrameArrived second = arrived("two");
    // an acknowledgement too many does not let two frames be in flight
    second.ack().tell(ConnectionActor.Ack.INSTANCE);
    second.ack().tell(ConnectionActor.Ack.INSTANCE);
    client.sendNext(new InboundMessage.Text("three"));
    client.sendNext(new InboundMessage.Text("four"));
    arrived("three");
    actor.expectNoMessage(Duration.ofMillis(300));
  }

  @Test
  void aFullBufferRefusesTheNextFrameWhileTheClientReadsNothing() {
    OutboundQueue queue = new OutboundQueue(4);
    run(queue);
    for (int i = 0; i < 4; i++) {
      assertThat(queue.offer("frame " + i)).isTrue();
    }
    assertThat(queue.offer("frame 4")).isFalse();
    assertThat(queue.size()).isEqualTo(4);

    socket.request(2);
    assertThat(socket.expectNext()).isEqualTo("frame 0");
    assertThat(socket.expectNext()).isEqualTo("frame 1");
    assertThat(queue.offer("frame 5")).isTrue();
    socket.request(10);
    assertThat(socket.expectNext()).isEqualTo("frame 2");
    assertThat(socket.expectNext()).isEqualTo("frame 3");
    assertThat(socket.expectNext()).isEqualTo("frame 5");
  }

  @Test
  void aFrameOfferedWhileTheSocketWaitsIsWrittenAtOnce() {
    OutboundQueue queue = new OutboundQueue(4);
    run(queue);
    socket.request(1);
    socket.expectNoMessage(Duration.ofMillis(100));
    queue.offer("late");
    assertThat(socket.expectNext()).isEqualTo("late");
  }

  @Test
  void theCloseWritesTheQueuedFramesThenTheLastFrameThenEndsWithItsStatus() {
    OutboundQueue queue = new OutboundQueue(4);
    run(queue);
    queue.offer("a");
    queue.offer("b");
    queue.offerLast("error: slow_consumer", SLOW);
    queue.offerLast("a second reason", CloseStatus.NORMAL);
    queue.close();
    assertThat(queue.offer("after the close")).isFalse();

    socket.request(10);
    assertThat(socket.expectNext()).isEqualTo("a");
    assertThat(socket.expectNext()).isEqualTo("b");
    assertThat(socket.expectNext()).isEqualTo("error: slow_consumer");
    socket.expectComplete();
    assertThat(queue.closeStatus()).isEqualTo(SLOW);
    assertThat(events).containsExactly("out a", "out b", "out error: slow_consumer");
  }

  @Test
  void aClientThatReadsAgainAfterTheDrainTimeoutLosesTheQueuedFramesButGetsTheLastOne() {
    OutboundQueue queue = new OutboundQueue(4);
    run(queue);
    for (int i = 0; i < 4; i++) {
      queue.offer("frame " + i);
    }
    queue.offerLast("error: slow_consumer", SLOW);
    queue.close();
    socket.request(1);
    assertThat(socket.expectNext()).isEqualTo("frame 0");

    await().atMost(Duration.ofSeconds(3)).until(() -> queue.size() == 0);
    socket.request(10);
    assertThat(socket.expectNext()).isEqualTo("error: slow_consumer");
    socket.expectComplete();
  }

  @Test
  void withoutALastFrameTheStreamEndsAfterTheQueuedFramesWithANormalClose() {
    OutboundQueue queue = new OutboundQueue(2);
    queue.offer("bye");
    // closed before the stream even started
    queue.close();
    run(queue);

    socket.request(10);
    assertThat(socket.expectNext()).isEqualTo("bye");
    socket.expectComplete();
    assertThat(queue.closeStatus()).isEqualTo(CloseStatus.NORMAL);
  }

  @Test
  void theEndOfTheClientsMessagesTellsTheActorAndClosesTheOutboundSide() {
    OutboundQueue queue = new OutboundQueue(2);
    run(queue);
    await().until(() -> open.get() == 1);
    queue.offer("still sent");
    client.sendComplete();

    actor.expectMessageClass(ConnectionActor.StreamEnded.class);
    assertThat(queue.isClosed()).isTrue();
    socket.request(10);
    assertThat(socket.expectNext()).isEqualTo("still sent");
    socket.expectComplete();
    await().until(() -> open.get() == 0);
  }

  @Test
  void anActorThatStopsWithoutClosingClosesTheOutboundSideAndTheClientIsNoLongerRead() {
    OutboundQueue queue = new OutboundQueue(2);
    run(queue);
    queue.offer("before it failed");
    actor.stop();

    socket.request(10);
    assertThat(socket.expectNext()).isEqualTo("before it failed");
    socket.expectComplete();
    client.expectCancellation();
    await().until(() -> open.get() == 0);
  }
}
