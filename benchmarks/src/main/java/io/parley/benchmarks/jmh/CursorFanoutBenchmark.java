package io.parley.benchmarks.jmh;

import io.parley.protocol.EncodedCursorTick;
import io.parley.protocol.FrameEncoder;
import io.parley.room.RoomUpdate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One cursor tick handed to the receivers of a room whose sessions are all on one node: the
 * node's fan-out writes the tick once, then each receiver gets the shared frame or, when its own
 * cursor is in the tick, a frame without it. {@code perReceiverEncoding} is how that second case
 * was done before: the receiver's own frame written again by {@link FrameEncoder#cursors};
 * {@code cursorsWrittenOnce} is {@link EncodedCursorTick}, which cuts the receiver's cursor out
 * of the shared frame. Nothing is held back (the outbound buffers have room).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CursorFanoutBenchmark {

  /** Sessions of the room, all on this node. */
  @Param({"10", "100"})
  int roomSize;

  /** Cursors in the tick: the sessions that moved in the tick's interval. */
  @Param({"1", "5", "10"})
  int cursorsInTick;

  private final FrameEncoder encoder = new FrameEncoder();
  private List<RoomUpdate.CursorMoved> tick;
  private List<String> receivers;

  @Setup
  public void prepare() {
    tick = new ArrayList<>();
    for (int i = 0; i < cursorsInTick; i++) {
      String userId = BusyRoom.member(i);
      tick.add(
          new RoomUpdate.CursorMoved(
              userId, BusyRoom.sessionOf(userId), 100.5 + i, 40.25 * i, Optional.of("doc-1")));
    }
    // The room leaves out the mover of a tick of one cursor (CursorRelay's skipSession).
    receivers = new ArrayList<>();
    for (int i = cursorsInTick == 1 ? 1 : 0; i < roomSize; i++) {
      receivers.add(BusyRoom.sessionOf(BusyRoom.member(i)));
    }
  }

  /** Before: the shared frame, and a frame written by Jackson for each receiver that moved. */
  @Benchmark
  public void perReceiverEncoding(Blackhole out) {
    String shared = encoder.cursors(tick);
    for (String receiver : receivers) {
      if (tick.stream().noneMatch(c -> c.sessionId().equals(receiver))) {
        out.consume(shared);
        continue;
      }
      // as ConnectionActor.onCursors held them: the newest per session, its own left out
      Map<String, RoomUpdate.CursorMoved> held = new LinkedHashMap<>();
      for (RoomUpdate.CursorMoved cursor : tick) {
        if (!cursor.sessionId().equals(receiver)) {
          held.put(cursor.sessionId(), cursor);
        }
      }
      if (!held.isEmpty()) {
        out.consume(encoder.cursors(held.values()));
      }
    }
  }

  /** After: each cursor written once; a receiver that moved gets the shared frame cut. */
  @Benchmark
  public void cursorsWrittenOnce(Blackhole out) {
    EncodedCursorTick encoded = EncodedCursorTick.of(encoder, tick);
    for (String receiver : receivers) {
      encoded.frameFor(receiver).ifPresent(out::consume);
    }
  }
}
