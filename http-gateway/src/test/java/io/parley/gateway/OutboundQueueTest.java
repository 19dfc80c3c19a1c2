package io.parley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.protocol.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What a client does not read can never take more than the outbound buffer, nor hold it longer
 * than the drain timeout; the frame that says why the connection closes always comes last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboundQueueTest {

  private final ActorTestKit testKit = ActorTestKit.create();
  /** The drain timeout, run by hand: each task is what happens once it has passed. */
  private final List<Runnable> drainTimeouts = new CopyOnWriteArrayList<>();

  @AfterAll
  void stop() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void clear() {
    drainTimeouts.clear();
  }

  private OutboundQueue queueOf(int capacity) {
    return new OutboundQueue(
        Source.<String>queue(capacity).preMaterialize(testKit.system()), capacity, drainTimeouts::add);
  }

  private TestSubscriber.Probe<String> client(OutboundQueue queue) {
    return queue.frames().runWith(TestSink.create(testKit.system()), testKit.system());
  }

  @Test
  void aClientThatReadsNothingHoldsAtMostTheBufferThenGetsItAllAndTheLastFrame() {
    OutboundQueue queue = queueOf(4);

    List<String> accepted = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      if (queue.offer("frame " + i)) {
        accepted.add("frame " + i);
      }
      assertThat(queue.size()).isLessThanOrEqualTo(4);
    }
    // Beyond the queue, the stream holds a few frames in flight, as the socket does.
    assertThat(accepted).hasSizeBetween(4, 20);
    queue.offerLast("error: slow_consumer", CloseStatus.forError(ErrorCode.SLOW_CONSUMER));
    queue.close();

    TestSubscriber.Probe<String> client = client(queue);
    client.request(100);
    List<String> written = new ArrayList<>();
    for (int i = 0; i <= accepted.size(); i++) {
      written.add(client.expectNext());
    }
    client.expectComplete();
    accepted.add("error: slow_consumer");
    assertThat(written).isEqualTo(accepted);
  }

  @Test
  void aClientThatReadsAgainAfterTheDrainTimeoutLosesTheQueuedFramesButGetsTheLastOne() {
    OutboundQueue queue = queueOf(4);
    for (int i = 0; i < 4; i++) {
      assertThat(queue.offer("frame " + i)).isTrue();
    }
    queue.offerLast("error: slow_consumer", CloseStatus.forError(ErrorCode.SLOW_CONSUMER));
    queue.close();
    TestSubscriber.Probe<String> client = client(queue);
    client.request(1);
    assertThat(client.expectNext()).isEqualTo("frame 0");

    assertThat(drainTimeouts).hasSize(1);
    drainTimeouts.get(0).run();

    client.request(10);
    assertThat(client.expectNext()).isEqualTo("error: slow_consumer");
    client.expectComplete();
  }

  @Test
  void withoutALastFrameTheStreamEndsAfterTheQueuedFrames() {
    OutboundQueue queue = queueOf(2);
    queue.offer("bye");
    queue.close();

    TestSubscriber.Probe<String> client = client(queue);
    client.request(10);
    assertThat(client.expectNext()).isEqualTo("bye");
    client.expectComplete();
  }

  @Test
  void closingTwiceIsHarmlessAndNothingIsQueuedAfterIt() {
    OutboundQueue queue = queueOf(1);
    queue.close();
    queue.close();
    assertThat(queue.offer("late")).isFalse();
    assertThat(drainTimeouts).hasSize(1);
  }
}
