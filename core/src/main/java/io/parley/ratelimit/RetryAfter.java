package io.parley.ratelimit;

import java.time.Duration;

/** How a wait is told to clients: in whole milliseconds, rounded up. */
public final class RetryAfter {

  private RetryAfter() {}

  /** {@code wait} in whole milliseconds, rounded up so that a client waiting that long is in time. */
  public static long millis(Duration wait) {
    long millis = wait.toMillis();
    return wait.equals(Duration.ofMillis(millis)) ? millis : millis + 1;
  }
}
