package io.parley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.protocol.ErrorCode;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The queue between a connection actor and its stage, without a stream: bounded, in order, and
 * waking the stage only when it waits (and at the close). {@code ConnectionStageTest} has the
 * stream's side: the drain timeout and the last frame.
 */
class OutboundQueueTest {

  private final AtomicInteger wakes = new AtomicInteger();

  @Test
  void itHoldsAtMostItsCapacityInOrder() {
    OutboundQueue queue = new OutboundQueue(2);
    assertThat(queue.offer("a")).isTrue();
    assertThat(queue.offer("b")).isTrue();
    assertThat(queue.offer("c")).isFalse();
    assertThat(queue.size()).isEqualTo(2);
    assertThat(queue.poll()).isEqualTo("a");
    assertThat(queue.offer("d")).isTrue();
    assertThat(queue.poll()).isEqualTo("b");
    assertThat(queue.poll()).isEqualTo("d");
    assertThat(queue.poll()).isNull();
    assertThat(queue.size()).isZero();
  }

  @Test
  void theStageIsWokenByAnOfferOnlyWhenItFoundTheQueueEmpty() {
    OutboundQueue queue = new OutboundQueue(4);
    queue.listen(wakes::incrementAndGet);
    queue.offer("a");
    queue.offer("b");
    assertThat(wakes).hasValue(0);

    queue.poll();
    queue.poll();
    assertThat(queue.poll()).isNull();
    queue.offer("c");
    queue.offer("d");
    assertThat(wakes).hasValue(1);
  }

  @Test
  void closingWakesTheStageOnceAndRefusesWhatComesAfter() {
    OutboundQueue queue = new OutboundQueue(1);
    queue.listen(wakes::incrementAndGet);
    queue.close();
    queue.close();
    assertThat(wakes).hasValue(1);
    assertThat(queue.offer("late")).isFalse();
    assertThat(queue.isClosed()).isTrue();
  }

  @Test
  void theFirstLastFrameWinsAndDroppingKeepsIt() {
    OutboundQueue queue = new OutboundQueue(4);
    assertThat(queue.closeStatus()).isEqualTo(CloseStatus.NORMAL);
    queue.offer("queued");
    queue.offerLast("error: slow_consumer", CloseStatus.forError(ErrorCode.SLOW_CONSUMER));
    queue.offerLast("later", CloseStatus.NORMAL);
    queue.drop();
    assertThat(queue.size()).isZero();
    assertThat(queue.poll()).isNull();
    assertThat(queue.lastFrame()).isEqualTo("error: slow_consumer");
    assertThat(queue.closeStatus()).isEqualTo(CloseStatus.forError(ErrorCode.SLOW_CONSUMER));
  }
}
