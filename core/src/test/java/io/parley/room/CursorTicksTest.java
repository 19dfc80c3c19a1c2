package io.parley.room;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CursorTicksTest {

  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private final CursorTicks ticks = new CursorTicks(Duration.ofMillis(50));

  @Test
  void theFirstMoveIsSentAtOnce() {
    assertEquals(Duration.ZERO, ticks.waitBefore(T0));
  }

  @Test
  void movesWithinTheIntervalWaitForItsEnd() {
    ticks.sent(T0);
    assertEquals(Duration.ofMillis(50), ticks.waitBefore(T0));
    assertEquals(Duration.ofMillis(30), ticks.waitBefore(T0.plusMillis(20)));
  }

  @Test
  void aMoveAfterAQuietIntervalIsSentAtOnce() {
    ticks.sent(T0);
    assertEquals(Duration.ZERO, ticks.waitBefore(T0.plusMillis(50)));
    assertEquals(Duration.ZERO, ticks.waitBefore(T0.plusSeconds(5)));
  }

  @Test
  void aZeroIntervalNeverWaits() {
    CursorTicks everyMove = new CursorTicks(Duration.ZERO);
    everyMove.sent(T0);
    assertEquals(Duration.ZERO, everyMove.waitBefore(T0));
  }
}
