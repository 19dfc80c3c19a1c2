package io.parley.limits;

import java.time.Duration;
import java.time.Instant;

/**
 * Counts a connection's invalid frames in a sliding-by-reset window: a client that keeps sending
 * them after being told what is wrong is abusive, not mistaken.
 */
public final class InvalidFrameWindow {

  private final int max;
  private final Duration window;
  private Instant windowStart;
  private int count;

  public InvalidFrameWindow(int max, Duration window) {
    this.max = max;
    this.window = window;
  }

  /** Records one invalid frame at {@code now}; true when the limit is now exceeded. */
  public boolean record(Instant now) {
    if (count == 0 || !now.isBefore(windowStart.plus(window))) {
      windowStart = now;
      count = 0;
    }
    count++;
    return count > max;
  }
}
