package io.parley.gateway;

import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;

/**
 * The frames waiting to be written to one client, bounded: what a client does not read can never
 * take more than the buffer. Written to by the connection actor only.
 */
final class OutboundQueue {

  /** Slots kept free for the frame that explains why the connection closes. */
  static final int RESERVED_FOR_LAST_FRAME = 1;

  private final BoundedSourceQueue<String> queue;
  private final int capacity;

  /** {@code queue} must hold {@code capacity} + {@link #RESERVED_FOR_LAST_FRAME} frames. */
  OutboundQueue(BoundedSourceQueue<String> queue, int capacity) {
    this.queue = queue;
    this.capacity = capacity;
  }

  /** Queues a frame; false when the queue is full (the client is not keeping up). */
  boolean offer(String frame) {
    return queue.size() < capacity && queue.offer(frame) == QueueOfferResult.enqueued();
  }

  /** Queues the last frame before a close, into the reserved slot if need be. */
  void offerLast(String frame) {
    queue.offer(frame);
  }

  /** Frames queued and not yet written. */
  int size() {
    return queue.size();
  }

  int capacity() {
    return capacity;
  }

  /** Ends the stream after the frames already queued; the socket then closes normally. */
  void close() {
    try {
      queue.complete();
    } catch (IllegalStateException alreadyEnded) {
      // The stream ended first (the client went away, or the node is stopping): there is
      // nothing left to close. Checking isCompleted() first would race with that.
    }
  }
}
