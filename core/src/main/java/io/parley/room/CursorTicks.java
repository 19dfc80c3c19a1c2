package io.parley.room;

import java.time.Duration;
import java.time.Instant;

/**
 * When a room sends the cursors it coalesced: at once if it sent none within the last interval,
 * so a lone move is not delayed, and otherwise when the interval since the last send is over,
 * so a busy room sends at most one batch per interval. An interval of zero sends every move at
 * once.
 */
final class CursorTicks {

  private final Duration interval;
  private Instant lastSent;

  CursorTicks(Duration interval) {
    this.interval = interval;
  }

  /** How long the cursors that are waiting at {@code now} should wait more; zero: send now. */
  Duration waitBefore(Instant now) {
    if (lastSent == null) {
      return Duration.ZERO;
    }
    Instant next = lastSent.plus(interval);
    return now.isBefore(next) ? Duration.between(now, next) : Duration.ZERO;
  }

  void sent(Instant at) {
    lastSent = at;
  }
}
