package io.parley.room;

import io.parley.ratelimit.RateLimits;
import io.parley.ratelimit.TokenBucket;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cursors of one room: relayed within each user's cursor rate and coalesced per tick
 * ({@link CursorTicks}), so a busy room sends one message per session and tick, not one per move
 * and session. A cursor over its user's rate is held back, one per session: a newer cursor of
 * the session replaces it (the replaced one is dropped), and when the user has a token again the
 * held one is relayed, so the excess is dropped yet the last position of a pointer that stops
 * still reaches the others. Memory only; cursors are never persisted.
 */
final class CursorRelay {

  private static final Logger log = LoggerFactory.getLogger(CursorRelay.class);

  /** The timers the relay needs; the room's timer scheduler, or a fake in tests. */
  interface Timers {
    boolean isActive(String key);

    void start(String key, RoomCommand message, Duration delay);
  }

  /**
   * A tick to send to every session of the room but {@code skipSession}: a session whose own
   * cursor is all the tick holds has nothing to receive.
   */
  record Tick(RoomUpdate.Cursors cursors, Optional<String> skipSession) {}

  static final String TICK_TIMER = "cursors";

  private final CursorTicks ticks;
  private final RateLimits rateLimits;
  private final Timers timers;
  /** Per session, the newest cursor over its user's rate, waiting for a token. */
  private final Map<String, RoomCommand.MoveCursor> held = new HashMap<>();
  /** The newest relayed cursor of each session since the last tick. */
  private final Map<String, RoomUpdate.CursorMoved> pending = new LinkedHashMap<>();

  private final RoomMetrics metrics;

  private long dropped;

  CursorRelay(Duration interval, RateLimits rateLimits, Timers timers) {
    this(interval, rateLimits, timers, RoomMetrics.unregistered());
  }

  /** Counts the cursors it coalesces, drops and holds back over the rate in {@code metrics}. */
  CursorRelay(Duration interval, RateLimits rateLimits, Timers timers, RoomMetrics metrics) {
    this.ticks = new CursorTicks(interval);
    this.rateLimits = rateLimits;
    this.timers = timers;
    this.metrics = metrics;
  }

  /** A session of {@code userId} moved its cursor; a tick to send now, if one is due. */
  Optional<Tick> move(String userId, RoomCommand.MoveCursor command, Instant now) {
    if (held.remove(command.sessionId()) != null) {
      dropped++;
      metrics.cursorsDropped.increment();
      log.debug("dropped a cursor of {} over its rate ({} dropped in this room)", userId, dropped);
    }
    return relayOrHold(userId, command, now);
  }

  /** The held cursor of a session may go now, if its user ({@code userId}) has a token. */
  Optional<Tick> heldDue(String sessionId, String userId, Instant now) {
    RoomCommand.MoveCursor command = held.remove(sessionId);
    return command == null ? Optional.empty() : relayOrHold(userId, command, now);
  }

  /** The tick timer fired: the pending cursors go. */
  Optional<Tick> tick(Instant now) {
    ticks.sent(now);
    if (pending.isEmpty()) {
      return Optional.empty();
    }
    List<RoomUpdate.CursorMoved> moved = List.copyOf(pending.values());
    pending.clear();
    Optional<String> onlyMover =
        moved.size() == 1 ? Optional.of(moved.get(0).sessionId()) : Optional.empty();
    return Optional.of(new Tick(new RoomUpdate.Cursors(moved), onlyMover));
  }

  /** A closing session takes its cursors with it, so every cursor sent is of a session in the room. */
  void sessionClosed(String sessionId) {
    held.remove(sessionId);
    pending.remove(sessionId);
  }

  private Optional<Tick> relayOrHold(String userId, RoomCommand.MoveCursor command, Instant now) {
    TokenBucket.Result taken = rateLimits.tryTake(userId, RateLimits.Kind.CURSORS, now);
    if (!taken.granted()) {
      metrics.rateLimitedCursors.increment();
      held.put(command.sessionId(), command);
      String timer = heldTimer(command.sessionId());
      if (!timers.isActive(timer)) {
        timers.start(timer, new RoomCommand.HeldCursorDue(command.sessionId()), taken.retryAfter());
      }
      return Optional.empty();
    }
    RoomUpdate.CursorMoved replaced =
        pending.put(
            command.sessionId(),
            new RoomUpdate.CursorMoved(
                userId, command.sessionId(), command.x(), command.y(), command.documentId()));
    if (replaced != null) {
      metrics.cursorsCoalesced.increment();
    }
    if (timers.isActive(TICK_TIMER)) {
      return Optional.empty();
    }
    Duration wait = ticks.waitBefore(now);
    if (wait.isZero()) {
      return tick(now);
    }
    timers.start(TICK_TIMER, new RoomCommand.FlushCursors(), wait);
    return Optional.empty();
  }

  private static String heldTimer(String sessionId) {
    return "cursor:" + sessionId;
  }
}
