package io.parley.room;

import io.parley.ratelimit.RateLimitHandover;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What the rooms of one node share: the clock, the rate-limit buckets of rooms that stopped, and
 * the check of events against the journal's serializer.
 */
public record RoomRuntime(Clock clock, RateLimitHandover rateLimitHandover, EventCheck eventCheck) {

  /** The node's runtime: the system clock and the system's serializers. */
  public static RoomRuntime of(ActorSystem<?> system) {
    return withClock(system, Clock.systemUTC());
  }

  public static RoomRuntime withClock(ActorSystem<?> system, Clock clock) {
    return new RoomRuntime(clock, new RateLimitHandover(), EventCheck.serializable(system));
  }
}
