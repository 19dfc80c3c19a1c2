package io.parley.gateway;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.SharedKillSwitch;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The frames waiting to be written to one client, bounded in number and, once the connection
 * closes, in time: what a client does not read can never take more than the buffer, nor hold it
 * longer than the drain timeout. The frame that says why the connection closes is kept apart and
 * always comes last, so it still reaches a client that resumes reading after the queued frames
 * were dropped.
 */
final class OutboundQueue {

  private final BoundedSourceQueue<String> queue;
  private final int capacity;
  private final Source<String, NotUsed> frames;
  private final SharedKillSwitch queuedFrames = KillSwitches.shared("outbound-queued-frames");
  private final AtomicReference<LastFrame> lastFrame = new AtomicReference<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Executor afterDrainTimeout;

  /**
   * @param afterDrainTimeout runs a task once the drain timeout has passed: how long a closing
   *     connection's client gets to read what is queued for it
   */
  OutboundQueue(
      Pair<BoundedSourceQueue<String>, Source<String, NotUsed>> queued,
      int capacity,
      Executor afterDrainTimeout) {
    this.queue = queued.first();
    this.capacity = capacity;
    this.afterDrainTimeout = afterDrainTimeout;
    this.frames =
        queued
            .second()
            .via(queuedFrames.flow())
            // Lazily: plain concat would prefetch from both sides, reading the last frame at once.
            .concatLazy(Source.lazySource(this::lastFrameIfAny));
  }

  /** A queue of {@code capacity} frames, dropped if still queued {@code drainTimeout} after the close. */
  static OutboundQueue open(ActorSystem<?> system, int capacity, Duration drainTimeout) {
    return new OutboundQueue(
        Source.<String>queue(capacity).preMaterialize(system),
        capacity,
        task -> system.scheduler().scheduleOnce(drainTimeout, task, system.executionContext()));
  }

  /** The frames to write, in order, the last frame after the others; it ends once closed and written. */
  Source<String, NotUsed> frames() {
    return frames;
  }

  private Source<String, NotUsed> lastFrameIfAny() {
    return Optional.ofNullable(lastFrame.get())
        .map(last -> Source.single(last.frame()))
        .orElseGet(Source::empty);
  }

  /** Queues a frame; false when the queue is full (the client is not keeping up). */
  boolean offer(String frame) {
    return queue.offer(frame) == QueueOfferResult.enqueued();
  }

  /**
   * Sets the frame that explains why the connection closes, and the status of the close that
   * follows it; the first one set wins.
   */
  void offerLast(String frame, CloseStatus status) {
    lastFrame.compareAndSet(null, new LastFrame(frame, status));
  }

  /** The status to close with once the frames are written: the last frame's, else normal. */
  CloseStatus closeStatus() {
    LastFrame last = lastFrame.get();
    return last == null ? CloseStatus.NORMAL : last.status();
  }

  /** Frames queued and not yet written. */
  int size() {
    return queue.size();
  }

  int capacity() {
    return capacity;
  }

  /**
   * Ends the stream after the frames already queued and the last frame; the socket then closes
   * with {@link #closeStatus()}. A client that has not read the queued frames by the drain timeout loses them (it
   * resumes from the last version it applied) but still gets the last frame before the close.
   * Safe to call from any thread, more than once.
   */
  void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      queue.complete();
    } catch (IllegalStateException alreadyEnded) {
      // The stream ended first (the client went away, or the node is stopping): there is
      // nothing left to close. Checking isCompleted() first would race with that.
    }
    afterDrainTimeout.execute(queuedFrames::shutdown);
  }

  private record LastFrame(String frame, CloseStatus status) {}
}
