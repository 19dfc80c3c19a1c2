package io.parley.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RateLimitHandoverTest {

  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

  /** Commands refill in 2 s, chat in 5 s, cursors in 1.5 s: all full 5 s after the last use. */
  private static final RateLimits.Settings SETTINGS =
      new RateLimits.Settings(
          new RateLimits.Rate(20, 10), new RateLimits.Rate(5, 1), new RateLimits.Rate(30, 20));

  private final RateLimitHandover handover = new RateLimitHandover();

  @Test
  void theLongestRefillOfTheRatesIsWhenEveryBucketIsFullAgain() {
    assertEquals(Duration.ofSeconds(5), SETTINGS.fullRefill());
  }

  @Test
  void aRoomTakesBackTheBucketsItParkedOnceAndOnlyItself() {
    RateLimits limits = new RateLimits(SETTINGS);
    handover.park("r1", limits, NOW);

    assertTrue(handover.take("r2", NOW).isEmpty());
    assertSame(limits, handover.take("r1", NOW.plusSeconds(1)).orElseThrow());
    assertTrue(handover.take("r1", NOW.plusSeconds(1)).isEmpty());
  }

  @Test
  void bucketsThatWouldBeFullAgainAreNotHandedBack() {
    handover.park("r1", new RateLimits(SETTINGS), NOW);

    assertTrue(handover.take("r1", NOW.plus(SETTINGS.fullRefill())).isEmpty());
  }

  @Test
  void parkingSweepsTheRoomsWhoseBucketsAreFullAgain() {
    handover.park("r1", new RateLimits(SETTINGS), NOW);
    handover.park("r2", new RateLimits(SETTINGS), NOW.plusSeconds(3));
    assertEquals(2, handover.parkedRooms());

    handover.park("r3", new RateLimits(SETTINGS), NOW.plusSeconds(6));

    assertEquals(2, handover.parkedRooms());
    assertFalse(handover.take("r1", NOW.plusSeconds(6)).isPresent());
    assertTrue(handover.take("r2", NOW.plusSeconds(6)).isPresent());
  }
}
