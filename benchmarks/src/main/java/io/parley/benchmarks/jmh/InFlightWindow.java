package io.parley.benchmarks.jmh;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * At most {@code size} messages in flight from the benchmark thread to a room, each one completed
 * by the actor that receives its outcome (an ack, a relayed cursor). With a size of 1 the thread
 * waits for each outcome before sending again; with more it keeps the room's queue fed. A message
 * whose outcome never comes fails the benchmark after {@link #TIMEOUT} rather than hanging it.
 */
final class InFlightWindow {

  static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final int size;
  private final Semaphore free;
  /** The first failure an actor reported; the benchmark thread throws it. */
  private final AtomicReference<String> failure = new AtomicReference<>();

  InFlightWindow(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("a window holds at least one message, not " + size);
    }
    this.size = size;
    this.free = new Semaphore(size);
  }

  /** Takes a place for one more message, waiting while {@code size} are in flight. */
  void enter() throws InterruptedException {
    if (!free.tryAcquire(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(
          "no outcome for " + TIMEOUT.toSeconds() + " s with " + size + " messages in flight");
    }
    throwIfFailed();
  }

  /** One message arrived where it was going (called by the receiving actor). */
  void complete() {
    free.release();
  }

  /** One message arrived with an outcome that makes the measurement wrong, such as a reject. */
  void fail(String why) {
    failure.compareAndSet(null, why);
    free.release();
  }

  /** Waits until no message is in flight; throws if one failed. */
  void drain() throws InterruptedException {
    if (!free.tryAcquire(size, TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(
          (size - free.availablePermits()) + " messages still in flight after "
              + TIMEOUT.toSeconds() + " s");
    }
    free.release(size);
    throwIfFailed();
  }

  private void throwIfFailed() {
    String failed = failure.get();
    if (failed != null) {
      throw new IllegalStateException(failed);
    }
  }
}
