package io.parley.room;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.parley.metrics.ParleyMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The meters of the rooms running on one node (names and meaning: docs/OPERATIONS.md). Every
 * series exists from the start, at zero, so that dashboards and alerts see it before the first
 * event. Made once per node ({@link ParleyMetrics#meters}); each running room has its {@link
 * RoomMeters}.
 */
public final class RoomMetrics {

  /** Journal write and room recovery latencies: from a millisecond to half a minute. */
  private static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
    Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
    Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
    Duration.ofSeconds(10), Duration.ofSeconds(30)
  };

  private static final double[] BATCH_BUCKETS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};

  private final AtomicLong roomsActive = new AtomicLong();
  private final AtomicLong membersOnline = new AtomicLong();
  final Timer recovery;
  final Timer journalWrite;
  final DistributionSummary batchSize;
  final Counter mailboxAnswered;
  final Counter mailboxDropped;
  final Counter stashAnswered;
  final Counter stashDropped;
  final Counter cursorsCoalesced;
  final Counter cursorsDropped;
  final Counter rateLimitedCommands;
  final Counter rateLimitedChat;
  final Counter rateLimitedCursors;

  private final Map<ActorRef<?>, RoomMeters> rooms = new ConcurrentHashMap<>();

  private RoomMetrics(MeterRegistry registry) {
    Gauge.builder("parley.rooms.active", roomsActive, AtomicLong::get)
        .description("Rooms running on this node (recovered, not yet stopped)")
        .strongReference(true)
        .register(registry);
    Gauge.builder("parley.members.online", membersOnline, AtomicLong::get)
        .description("Members online (with an open session) in the rooms running on this node")
        .strongReference(true)
        .register(registry);
    recovery =
        Timer.builder("parley.room.recovery")
            .description("Time a room takes to start: from its start to its state recovered from the journal")
            .serviceLevelObjectives(LATENCY_BUCKETS)
            .register(registry);
    journalWrite =
        Timer.builder("parley.journal.write")
            .description("Time of one journal write of a room's batch of durable commands (group commit)")
            .serviceLevelObjectives(LATENCY_BUCKETS)
            .register(registry);
    batchSize =
        DistributionSummary.builder("parley.journal.batch.size")
            .description("Events written together in one journal write of a room (group commit)")
            .baseUnit("events")
            .serviceLevelObjectives(BATCH_BUCKETS)
            .register(registry);
    mailboxAnswered = overloads(registry, "mailbox", "answered");
    mailboxDropped = overloads(registry, "mailbox", "dropped");
    stashAnswered = overloads(registry, "stash", "answered");
    stashDropped = overloads(registry, "stash", "dropped");
    cursorsCoalesced = cursors(registry, "coalesced");
    cursorsDropped = cursors(registry, "dropped");
    rateLimitedCommands = rateLimited(registry, "commands");
    rateLimitedChat = rateLimited(registry, "chat");
    rateLimitedCursors = rateLimited(registry, "cursors");
  }

  /** The node's room meters. */
  public static RoomMetrics of(ClassicActorSystemProvider system) {
    return ParleyMetrics.get(system).meters(RoomMetrics.class, RoomMetrics::new);
  }

  private static Counter overloads(MeterRegistry registry, String where, String outcome) {
    return Counter.builder("parley.room.overloads")
        .description(
            "Client messages a full room refused: where (mailbox, or the stash that holds them while"
                + " the room recovers or writes) and outcome (answered overloaded, or dropped:"
                + " cursors, activity reports, reads)")
        .tag("where", where)
        .tag("outcome", outcome)
        .register(registry);
  }

  private static Counter cursors(MeterRegistry registry, String outcome) {
    return Counter.builder("parley.cursors")
        .description(
            "Cursor moves not relayed as sent: coalesced (a newer one of the session replaced it"
                + " within a tick) or dropped (replaced while held back over the user's cursor rate)")
        .tag("outcome", outcome)
        .register(registry);
  }

  private static Counter rateLimited(MeterRegistry registry, String kind) {
    return Counter.builder("parley.rate.limited")
        .description(
            "Messages over a user's rate limit in a room: commands and chat are rejected"
                + " rate_limited, cursors are held back")
        .tag("kind", kind)
        .register(registry);
  }

  /** Meters nobody reads, for rules and relays made without a node (tests). */
  static RoomMetrics unregistered() {
    return new RoomMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
  }

  /** The meters of the room whose entity is {@code room}; the same object across its restarts. */
  RoomMeters room(ActorRef<?> room) {
    return rooms.computeIfAbsent(room, r -> new RoomMeters(this));
  }

  /** The room's entity stopped: it no longer counts. */
  void roomStopped(ActorRef<?> room) {
    RoomMeters meters = rooms.remove(room);
    if (meters != null) {
      meters.stopped();
    }
  }

  void roomsActive(long delta) {
    roomsActive.addAndGet(delta);
  }

  void membersOnline(long delta) {
    membersOnline.addAndGet(delta);
  }
}
