package io.parley.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.parley.ratelimit.RateLimits;
import io.parley.ratelimit.RateLimits.Rate;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Cursors coalesced per tick and held over the rate, on explicit instants and a fake timer
 * scheduler. A test fires a timer by taking it out ({@link FakeTimers#fire}), as the room's
 * scheduler does before it delivers the message.
 */
class CursorRelayTest {

  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final Duration INTERVAL = Duration.ofMillis(50);

  /** Cursors: 2 at once, then one every 100 ms, per user. */
  private static final RateLimits.Settings RATES =
      new RateLimits.Settings(new Rate(100, 100), new Rate(100, 100), new Rate(2, 10));

  /** The timers the relay started and that have not fired, by key. */
  static final class FakeTimers implements CursorRelay.Timers {
    record Started(RoomCommand message, Duration delay) {}

    final Map<String, Started> active = new LinkedHashMap<>();
    int starts;

    @Override
    public boolean isActive(String key) {
      return active.containsKey(key);
    }

    @Override
    public void start(String key, RoomCommand message, Duration delay) {
      starts++;
      active.put(key, new Started(message, delay));
    }

    RoomCommand fire(String key) {
      Started started = active.remove(key);
      assertThat(started).as("timer %s", key).isNotNull();
      return started.message();
    }
  }

  private final FakeTimers timers = new FakeTimers();
  private final CursorRelay relay = new CursorRelay(INTERVAL, new RateLimits(RATES), timers);

  private static RoomCommand.MoveCursor move(String sessionId, double x, double y) {
    return new RoomCommand.MoveCursor(sessionId, x, y, Optional.empty());
  }

  private static RoomUpdate.CursorMoved moved(String userId, String sessionId, double x, double y) {
    return new RoomUpdate.CursorMoved(userId, sessionId, x, y, Optional.empty());
  }

  private static CursorRelay.Tick tick(Optional<String> skip, RoomUpdate.CursorMoved... cursors) {
    return new CursorRelay.Tick(new RoomUpdate.Cursors(List.of(cursors)), skip);
  }

  private static Instant at(long millis) {
    return T0.plusMillis(millis);
  }

  @Test
  void theFirstMoveOfAQuietRoomIsSentAtOnce() {
    assertThat(relay.move("alice", move("a1", 1, 2), T0))
        .contains(tick(Optional.of("a1"), moved("alice", "a1", 1, 2)));
    assertThat(timers.active).isEmpty();
  }

  @Test
  void aMoveCarriesItsDocument() {
    RoomCommand.MoveCursor onDoc = new RoomCommand.MoveCursor("a1", 1, 2, Optional.of("doc-7"));

    assertThat(relay.move("alice", onDoc, T0))
        .contains(
            new CursorRelay.Tick(
                new RoomUpdate.Cursors(
                    List.of(new RoomUpdate.CursorMoved("alice", "a1", 1, 2, Optional.of("doc-7")))),
                Optional.of("a1")));
  }

  @Test
  void movesWithinTheIntervalWaitForTheTickWhichSendsTheNewestOfEachSession() {
    relay.move("alice", move("a1", 1, 1), T0);

    assertThat(relay.move("bob", move("b1", 10, 10), at(10))).isEmpty();
    assertThat(timers.active)
        .containsExactly(
            entry(
                CursorRelay.TICK_TIMER,
                new FakeTimers.Started(new RoomCommand.FlushCursors(), Duration.ofMillis(40))));
    assertThat(relay.move("alice", move("a1", 2, 2), at(20))).isEmpty();
    assertThat(relay.move("bob", move("b1", 11, 11), at(30))).isEmpty();
    assertThat(timers.starts).as("the tick timer is started once").isEqualTo(1);

    assertThat(timers.fire(CursorRelay.TICK_TIMER)).isEqualTo(new RoomCommand.FlushCursors());
    assertThat(relay.tick(at(50)))
        .contains(tick(Optional.empty(), moved("bob", "b1", 11, 11), moved("alice", "a1", 2, 2)));
    assertThat(relay.tick(at(100))).as("nothing moved since").isEmpty();
  }

  @Test
  void aTickHoldingOnlyOneSessionsCursorSkipsThatSession() {
    relay.move("alice", move("a1", 1, 1), T0);
    relay.move("alice", move("a1", 2, 2), at(10));

    timers.fire(CursorRelay.TICK_TIMER);
    assertThat(relay.tick(at(50))).contains(tick(Optional.of("a1"), moved("alice", "a1", 2, 2)));
  }

  @Test
  void aMoveAfterAQuietIntervalIsSentAtOnce() {
    relay.move("alice", move("a1", 1, 1), T0);

    assertThat(relay.move("bob", move("b1", 5, 5), at(50)))
        .contains(tick(Optional.of("b1"), moved("bob", "b1", 5, 5)));
    assertThat(timers.active).isEmpty();
  }

  @Test
  void overItsUsersRateACursorIsHeldAndATimerStartedForTheRetryAfter() {
    relay.move("alice", move("a1", 1, 1), T0);
    relay.move("alice", move("a1", 2, 2), T0);

    assertThat(relay.move("alice", move("a1", 3, 3), T0)).isEmpty();

    assertThat(timers.active)
        .containsEntry(
            "cursor:a1",
            new FakeTimers.Started(new RoomCommand.HeldCursorDue("a1"), Duration.ofMillis(100)));
    timers.fire(CursorRelay.TICK_TIMER);
    assertThat(relay.tick(at(50))).contains(tick(Optional.of("a1"), moved("alice", "a1", 2, 2)));
  }

  @Test
  void theRateIsPerUserAcrossItsSessions() {
    relay.move("alice", move("a1", 1, 1), T0);
    relay.move("alice", move("a2", 2, 2), T0);

    assertThat(relay.move("alice", move("a2", 3, 3), T0)).isEmpty();
    assertThat(relay.move("bob", move("b1", 4, 4), T0)).isEmpty();

    assertThat(timers.active).containsOnlyKeys(CursorRelay.TICK_TIMER, "cursor:a2");
    timers.fire(CursorRelay.TICK_TIMER);
    assertThat(relay.tick(at(50)))
        .contains(tick(Optional.empty(), moved("alice", "a2", 2, 2), moved("bob", "b1", 4, 4)));
  }

  @Test
  void aNewerMoveReplacesTheHeldOneAndTheHeldOneGoesWhenATokenIsBack() {
    relay.move("alice", move("a1", 1, 1), T0);
    relay.move("alice", move("a1", 2, 2), T0);
    relay.move("alice", move("a1", 3, 3), T0);

    assertThat(relay.move("alice", move("a1", 4, 4), at(10))).isEmpty();
    assertThat(timers.starts).as("the tick timer and one held timer").isEqualTo(2);
    assertThat(timers.active.get("cursor:a1").delay()).isEqualTo(Duration.ofMillis(100));

    timers.fire(CursorRelay.TICK_TIMER);
    assertThat(relay.tick(at(50))).contains(tick(Optional.of("a1"), moved("alice", "a1", 2, 2)));

    assertThat(timers.fire("cursor:a1")).isEqualTo(new RoomCommand.HeldCursorDue("a1"));
    assertThat(relay.heldDue("a1", "alice", at(100)))
        .contains(tick(Optional.of("a1"), moved("alice", "a1", 4, 4)));
    assertThat(relay.heldDue("a1", "alice", at(1000))).as("sent once").isEmpty();
  }

  @Test
  void aHeldCursorDueBeforeItsUserHasATokenIsHeldAgainForTheRest() {
    relay.move("alice", move("a1", 1, 1), T0);
    relay.move("alice", move("a1", 2, 2), T0);
    relay.move("alice", move("a1", 3, 3), T0);
    timers.fire("cursor:a1");

    assertThat(relay.heldDue("a1", "alice", at(60))).isEmpty();

    assertThat(timers.active)
        .containsEntry(
            "cursor:a1",
            new FakeTimers.Started(new RoomCommand.HeldCursorDue("a1"), Duration.ofMillis(40)));
    timers.fire(CursorRelay.TICK_TIMER);
    relay.tick(at(60));
    timers.fire("cursor:a1");
    assertThat(relay.heldDue("a1", "alice", at(110)))
        .contains(tick(Optional.of("a1"), moved("alice", "a1", 3, 3)));
  }

  @Test
  void aHeldCursorDueWhileATickIsWaitingGoesWithThatTick() {
    relay.move("alice", move("a1", 1, 1), T0);
    relay.move("alice", move("a1", 2, 2), T0);
    relay.move("alice", move("a1", 3, 3), T0);
    timers.fire(CursorRelay.TICK_TIMER);
    relay.tick(at(50));
    relay.move("bob", move("b1", 9, 9), at(60));
    assertThat(timers.active.get(CursorRelay.TICK_TIMER).delay()).isEqualTo(Duration.ofMillis(40));

    timers.fire("cursor:a1");
    assertThat(relay.heldDue("a1", "alice", at(100))).isEmpty();

    timers.fire(CursorRelay.TICK_TIMER);
    assertThat(relay.tick(at(100)))
        .contains(tick(Optional.empty(), moved("bob", "b1", 9, 9), moved("alice", "a1", 3, 3)));
  }

  @Test
  void aHeldCursorDueWithNothingHeldSendsNothing() {
    assertThat(relay.heldDue("a1", "alice", T0)).isEmpty();
    assertThat(timers.active).isEmpty();
  }

  @Test
  void aClosedSessionTakesItsPendingAndHeldCursorsWithIt() {
    relay.move("alice", move("a1", 1, 1), T0);
    relay.move("alice", move("a1", 2, 2), T0);
    relay.move("alice", move("a1", 3, 3), T0);
    relay.move("bob", move("b1", 9, 9), at(10));

    relay.sessionClosed("a1");

    timers.fire(CursorRelay.TICK_TIMER);
    assertThat(relay.tick(at(50))).contains(tick(Optional.of("b1"), moved("bob", "b1", 9, 9)));
    timers.fire("cursor:a1");
    assertThat(relay.heldDue("a1", "alice", at(100))).isEmpty();
    assertThat(timers.active).isEmpty();
  }
}
