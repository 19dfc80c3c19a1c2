package io.parley.gateway;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The frames waiting to be written to one client, bounded in number: what a client does not read
 * can never take more than the buffer. The frame that says why the connection closes is kept
 * apart and always comes last, so it still reaches a client that resumes reading after the queued
 * frames were dropped.
 *
 * <p>The {@link ConnectionActor} offers from its thread; the connection's {@link ConnectionStage}
 * takes from the stream's, and bounds in time how long a closed queue may still hold frames. It is
 * a plain thread-safe queue rather than a stream of its own, so that a connection runs one stream
 * interpreter, not two: the stage is woken through {@link Listener} only when it waits for a frame
 * (and once at the close), never per frame while the client keeps up. A linked queue, because an
 * idle connection's buffer is empty: an array of the buffer's capacity would cost 4 KiB each.
 */
final class OutboundQueue {

  /** Wakes the stage that writes the frames; called from the thread that offers or closes. */
  interface Listener {
    void wake();
  }

  private final Queue<String> frames = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final int capacity;
  private final AtomicReference<LastFrame> lastFrame = new AtomicReference<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Set by the stage, when it finds the queue empty, to be woken by the next offer. */
  private final AtomicBoolean waiting = new AtomicBoolean();

  private volatile Listener listener;

  OutboundQueue(int capacity) {
    this.capacity = capacity;
  }

  /** Queues a frame; false when the queue is full (the client is not keeping up) or closed. */
  boolean offer(String frame) {
    if (closed.get()) {
      return false;
    }
    if (size.incrementAndGet() > capacity) {
      size.decrementAndGet();
      return false;
    }
    frames.add(frame);
    if (waiting.compareAndSet(true, false)) {
      wake();
    }
    return true;
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
    return size.get();
  }

  int capacity() {
    return capacity;
  }

  /**
   * Ends the frames after those already queued and the last frame; the socket then closes with
   * {@link #closeStatus()}. The stage drops what the client has not read by the drain timeout (it
   * resumes from the last version it applied), but still writes the last frame. Safe to call from
   * any thread, more than once.
   */
  void close() {
    if (closed.compareAndSet(false, true)) {
      // always, not only when the stage waits: the drain timeout starts now
      wake();
    }
  }

  boolean isClosed() {
    return closed.get();
  }

  // ---- the stage's side

  /** The stage that writes the frames, once it runs; it looks at the queue after this. */
  void listen(Listener stage) {
    listener = stage;
  }

  /** The next frame to write, or null: then the next offer wakes the stage. */
  String poll() {
    String frame = frames.poll();
    if (frame == null) {
      waiting.set(true);
      // an offer between the poll and the flag did not see the flag: look once more
      frame = frames.poll();
      if (frame != null) {
        waiting.set(false);
      }
    }
    if (frame != null) {
      size.decrementAndGet();
    }
    return frame;
  }

  /** The frame that says why, if one was set. */
  String lastFrame() {
    LastFrame last = lastFrame.get();
    return last == null ? null : last.frame();
  }

  /** Drops the frames still queued (the drain timeout passed, or the stream ended); closes. */
  void drop() {
    closed.set(true);
    while (frames.poll() != null) {
      size.decrementAndGet();
    }
  }

  private void wake() {
    Listener stage = listener;
    if (stage != null) {
      stage.wake();
    }
  }

  private record LastFrame(String frame, CloseStatus status) {}
}
