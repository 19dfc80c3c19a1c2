package io.parley.benchmarks.jmh;

import io.parley.room.RoomEvent;
import io.parley.room.RoomState;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The room's state fold, {@link RoomState#apply}: what the entity runs for every event it persists
 * and every event it replays while recovering. Starts from a busy room in its steady state
 * ({@link BusyRoom#fillUp}: {@code keys} keys set, 50 chat messages, 1,000 remembered commands,
 * 5 members), the default bounds of {@code parley.room}.
 */
public class RoomStateBenchmark {

  /** Events folded per call of {@link #replay}: long enough to make one call a few milliseconds. */
  static final int REPLAY_EVENTS = 1_000;

  /** Events of each kind prepared for {@link #applyOne}, taken in turn; a power of two. */
  private static final int PREPARED = 1_024;

  private static final int MEMBERS = 5;

  /** One kind of event, each applied alone to the same steady state. */
  public enum EventKind {
    /** One key set to a small JSON object (a key the room has). */
    SET,
    /** A chat message (the history is full: the oldest drops out). */
    CHAT,
    /** A new member joins. */
    JOIN,
    /** A member leaves. */
    LEAVE
  }

  @State(Scope.Benchmark)
  public static class Replay {
    /** Keys the room holds; each event that sets one copies all of them. */
    @Param("1000")
    public int keys;

    RoomState.Bounds bounds;
    RoomState steady;
    List<RoomEvent> events;

    @Setup
    public void prepare() {
      bounds = ParleyDefaults.roomSettings().stateBounds();
      BusyRoom room = new BusyRoom(MEMBERS, keys);
      steady = room.fillUp(bounds);
      events = room.next(REPLAY_EVENTS);
    }
  }

  @State(Scope.Benchmark)
  public static class OneEvent {
    @Param("1000")
    public int keys;

    @Param
    public EventKind event;

    RoomState.Bounds bounds;
    RoomState steady;
    RoomEvent[] events;
    int next;

    @Setup
    public void prepare() {
      bounds = ParleyDefaults.roomSettings().stateBounds();
      steady = new BusyRoom(MEMBERS, keys).fillUp(bounds);
      events = new RoomEvent[PREPARED];
      Instant at = Instant.parse("2026-02-01T00:00:00Z");
      for (int i = 0; i < PREPARED; i++) {
        // Each applies to the steady state (none to the result of another): members that exist
        // leave, users that do not join, and command ids are new, as a live command's would be.
        String author = BusyRoom.member(i % MEMBERS);
        events[i] =
            switch (event) {
              case SET -> BusyRoom.keySet(author, "n" + i, i % keys, i, at);
              case CHAT -> BusyRoom.chat(author, "n" + i, at);
              case JOIN -> BusyRoom.joined("visitor-" + i, at);
              case LEAVE -> BusyRoom.left(author, at);
            };
      }
    }
  }

  /**
   * Events per second of the fold over the continuation of the busy room's history (44 key sets,
   * 5 chat messages and a presence change in 50): the rate at which a recovery replays a long
   * room's journal, and the fold's share of each persisted command.
   */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(REPLAY_EVENTS)
  public RoomState replay(Replay replay) {
    return BusyRoom.fold(replay.steady, replay.events, replay.bounds);
  }

  /** The cost of one event of a kind, applied to the busy room. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public RoomState applyOne(OneEvent one) {
    RoomEvent event = one.events[one.next++ & (PREPARED - 1)];
    return one.steady.apply(event, one.bounds);
  }
}
