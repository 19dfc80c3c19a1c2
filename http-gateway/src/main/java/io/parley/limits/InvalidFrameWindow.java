package io.parley.limits;

import java.time.Duration;

/**
 * Counts a connection's invalid frames in a sliding-by-reset window: a client that keeps sending
 * them after being told what is wrong is abusive, not mistaken.
 */
public final class InvalidFrameWindow {

  private final int max;
  private final long windowNanos;
  private long windowStart;
  private int count;

  public InvalidFrameWindow(int max, Duration window) {
    this.max = max;
    this.windowNanos = window.toNanos();
  }

  /** Records one invalid frame at {@code nowNanos}; true when the limit is now exceeded. */
  public boolean record(long nowNanos) {
    if (count == 0 || nowNanos - windowStart >= windowNanos) {
      windowStart = nowNanos;
      count = 0;
    }
    count++;
    return count > max;
  }
}
