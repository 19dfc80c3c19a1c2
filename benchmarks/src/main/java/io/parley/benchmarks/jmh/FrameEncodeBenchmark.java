package io.parley.benchmarks.jmh;

import io.parley.protocol.FrameEncoder;
import io.parley.room.RoomEvent;
import io.parley.room.RoomState;
import io.parley.room.RoomUpdate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The gateway writing the server's frames: {@link FrameEncoder}, once per frame per connection
 * (an event reaching the ten sessions of a room is written ten times).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FrameEncodeBenchmark {

  /** The modest room whose snapshot the welcome carries. */
  static final int ROOM_MEMBERS = 10;

  static final int ROOM_KEYS = 100;

  private final FrameEncoder encoder = new FrameEncoder();
  private final FrameEncoder.Heartbeat heartbeat =
      new FrameEncoder.Heartbeat(Duration.ofSeconds(15), Duration.ofSeconds(45));

  private RoomEvent.KeysChanged keySet;
  private List<RoomUpdate.CursorMoved> cursors;
  private RoomState modestRoom;

  @Setup
  public void prepare() {
    Instant at = Instant.parse("2026-02-01T00:00:00Z");
    keySet = BusyRoom.keySet(BusyRoom.member(3), "c1742", 42, 1742, at);
    // One flush of a connection in a room of ten where everyone moves: the nine others' cursors.
    cursors = new ArrayList<>();
    for (int i = 1; i < ROOM_MEMBERS; i++) {
      String userId = BusyRoom.member(i);
      cursors.add(
          new RoomUpdate.CursorMoved(
              userId, BusyRoom.sessionOf(userId), 100.5 + i, 40.25 * i, Optional.of("doc-1")));
    }
    // 10 members, 100 keys of about 70 bytes each, 50 chat messages.
    modestRoom =
        new BusyRoom(ROOM_MEMBERS, ROOM_KEYS).fillUp(ParleyDefaults.roomSettings().stateBounds());
  }

  /** A {@code state.changed} event of one key set to a small JSON object. */
  @Benchmark
  public String encodeEvent() {
    return encoder.event(1742, keySet);
  }

  /** A {@code cursors} batch of nine cursors. */
  @Benchmark
  public String encodeCursors() {
    return encoder.cursors(cursors);
  }

  /** A {@code welcome} with the snapshot of the modest room (about 25 KB of JSON). */
  @Benchmark
  public String encodeWelcome() {
    return encoder.welcome(
        "demo",
        "s-user-0",
        BusyRoom.member(0),
        modestRoom,
        heartbeat,
        new FrameEncoder.Grant("write", Optional.empty()));
  }
}
