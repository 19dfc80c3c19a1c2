package io.parley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.apache.pekko.japi.Pair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** What a client does not read can never take more than the outbound buffer. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboundQueueTest {

  private final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void aClientThatReadsNothingHoldsAtMostTheBufferAndTheLastFrame() {
    Pair<BoundedSourceQueue<String>, TestSubscriber.Probe<String>> stream =
        Source.<String>queue(4 + OutboundQueue.RESERVED_FOR_LAST_FRAME)
            .toMat(TestSink.create(testKit.system()), Keep.both())
            .run(testKit.system());
    OutboundQueue queue = new OutboundQueue(stream.first(), 4);

    int accepted = 0;
    for (int i = 0; i < 100; i++) {
      if (queue.offer("frame " + i)) {
        accepted++;
      }
      assertThat(queue.size()).isLessThanOrEqualTo(4);
    }
    assertThat(accepted).isEqualTo(4);
    queue.offerLast("error: slow_consumer");
    assertThat(queue.size()).isEqualTo(5);
    queue.close();

    stream.second().request(10);
    List<String> written = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      written.add(stream.second().expectNext());
    }
    assertThat(written)
        .containsExactly("frame 0", "frame 1", "frame 2", "frame 3", "error: slow_consumer");
    stream.second().expectComplete();
  }

  @Test
  void closingTwiceIsHarmless() {
    BoundedSourceQueue<String> source =
        Source.<String>queue(2).to(Sink.ignore()).run(testKit.system());
    OutboundQueue queue = new OutboundQueue(source, 1);
    queue.close();
    queue.close();
    assertThat(queue.offer("late")).isFalse();
  }
}
