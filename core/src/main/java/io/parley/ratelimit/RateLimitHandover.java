package io.parley.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rate-limit buckets of the rooms that stopped on this node, kept for the next start of the
 * same room: a room that restarts for whatever reason (a crash, a journal failure, passivation)
 * takes its users' drained buckets back instead of handing them fresh ones, so nobody can reset
 * a rate limit by making the room restart. A room's buckets are kept only until they would all
 * be full again ({@link RateLimits.Settings#fullRefill()}), since a full bucket is the same as a
 * new one; so what is kept never outgrows the rooms stopped within one refill time.
 *
 * <p>Thread-safe. A room hands its buckets over when it stops and takes them when it starts, and
 * sharding never runs two incarnations of a room on a node at once, so a {@link RateLimits} is
 * still used by one room at a time.
 */
public final class RateLimitHandover {

  private record Parked(RateLimits limits, Instant fullBy) {}

  private final Map<String, Parked> parked = new ConcurrentHashMap<>();

  /** Keeps the buckets of a room that stops at {@code now}. */
  public void park(String roomId, RateLimits limits, Instant now) {
    parked.values().removeIf(entry -> !entry.fullBy().isAfter(now));
    Duration refill = limits.settings().fullRefill();
    parked.put(roomId, new Parked(limits, now.plus(refill)));
  }

  /** The buckets a room left when it last stopped, if they are not all full again by now. */
  public Optional<RateLimits> take(String roomId, Instant now) {
    Parked entry = parked.remove(roomId);
    return entry != null && entry.fullBy().isAfter(now)
        ? Optional.of(entry.limits())
        : Optional.empty();
  }

  /** Rooms whose buckets are kept. */
  public int parkedRooms() {
    return parked.size();
  }
}
