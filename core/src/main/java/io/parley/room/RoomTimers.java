package io.parley.room;

import java.time.Duration;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/** The named timers of a room: grace periods, passivation and the cursor relay's. */
final class RoomTimers implements CursorRelay.Timers {

  private static final String PASSIVATION = "passivation";

  private final TimerScheduler<RoomCommand> timers;
  private final Duration gracePeriod;
  private final Duration passivateAfter;

  RoomTimers(TimerScheduler<RoomCommand> timers, Duration gracePeriod, Duration passivateAfter) {
    this.timers = timers;
    this.gracePeriod = gracePeriod;
    this.passivateAfter = passivateAfter;
  }

  /** A member went away: it leaves when its grace period is over. */
  void startGrace(String userId) {
    startGrace(userId, gracePeriod);
  }

  /** An away member whose grace was partly over when the room started. */
  void startGrace(String userId, Duration left) {
    timers.startSingleTimer(graceKey(userId), new RoomCommand.GraceExpired(userId), left);
  }

  void cancelGrace(String userId) {
    timers.cancel(graceKey(userId));
  }

  /** A room with no members passivates after a while; one with members never does. */
  void passivateIfEmpty(RoomState state) {
    if (state.members().isEmpty()) {
      timers.startSingleTimer(PASSIVATION, new RoomCommand.PassivateIfEmpty(), passivateAfter);
    } else {
      timers.cancel(PASSIVATION);
    }
  }

  @Override
  public boolean isActive(String key) {
    return timers.isTimerActive(key);
  }

  @Override
  public void start(String key, RoomCommand message, Duration delay) {
    timers.startSingleTimer(key, message, delay);
  }

  private static String graceKey(String userId) {
    return "grace:" + userId;
  }
}
