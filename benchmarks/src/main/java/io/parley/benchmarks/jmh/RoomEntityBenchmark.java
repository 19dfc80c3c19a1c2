package io.parley.benchmarks.jmh;

import io.parley.room.KeyOp;
import io.parley.room.RoomCommand;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * Commands through a live {@link io.parley.room.RoomEntity} ({@link LiveRoom}: in-memory journal),
 * sent as a connection actor sends them. Each call sends {@value #MESSAGES_PER_CALL} messages and
 * returns once the room has handled all of them, so the score counts only completed messages.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RoomEntityBenchmark {

  static final int MESSAGES_PER_CALL = 1_000;

  /** Cursor moves sent before each snapshot read in {@link #cursor}; divides the call's. */
  static final int MOVES_PER_READ = 500;

  /** Keys the writer sets in turn: a room of 1,000 keys, as in the W5 history. */
  static final int KEYS = 1_000;

  /**
   * A room with one member, whose session sends durable {@code set} commands, each acknowledged to
   * its connection: {@code outstanding = 1} is a client that waits for each ack before sending the
   * next, more keeps the room's queue fed.
   */
  @State(Scope.Benchmark)
  public static class DurableRoom {
    /** Commands sent and not yet acknowledged, at most; within the room's mailbox capacity. */
    @Param({"1", "64"})
    public int outstanding;

    LiveRoom room;
    InFlightWindow acks;
    LiveRoom.JoinedSession writer;
    long sent;

    @Setup
    public void start() throws Exception {
      room = LiveRoom.start();
      requireWithinMailbox(outstanding, room);
      acks = new InFlightWindow(outstanding);
      writer = room.join("writer", acks);
      // Every key set once before measuring, so that every measured command meets the room of
      // 1,000 keys (and a full window of remembered commands) that it would meet in a busy room.
      for (int i = 0; i < KEYS; i++) {
        acks.enter();
        room.tell(nextSet());
      }
      acks.drain();
    }

    /** A {@code set} of the next key to a small JSON object, under a new command id. */
    RoomCommand.ChangeKeys nextSet() {
      long n = sent++;
      long item = n % KEYS;
      KeyOp set = new KeyOp.Set(BusyRoom.key(item), BusyRoom.smallValue(item, n), Optional.empty());
      return new RoomCommand.ChangeKeys(
          "c" + n, writer.sessionId(), List.of(set), writer.replyTo());
    }

    @TearDown
    public void stop() throws IOException {
      room.close();
    }
  }

  /**
   * A room with two members: one moves its cursor; the room coalesces the moves and sends the
   * newest one to the other member's connection once per cursor tick ({@code
   * parley.room.cursor-interval}).
   */
  @State(Scope.Benchmark)
  public static class CursorRoom {
    LiveRoom room;
    LiveRoom.JoinedSession mover;
    long moves;

    @Setup
    public void start() throws Exception {
      room = LiveRoom.start();
      requireWithinMailbox(MOVES_PER_READ + 1, room);
      // Neither member sends a durable command: nothing waits on the window.
      InFlightWindow noCommands = new InFlightWindow(1);
      mover = room.join("mover", noCommands);
      room.join("watcher", noCommands);
    }

    RoomCommand.MoveCursor nextMove() {
      long n = moves++;
      return new RoomCommand.MoveCursor(
          mover.sessionId(), n % 1920, n % 1080, Optional.of("doc-1"));
    }

    @TearDown
    public void stop() throws IOException {
      room.close();
    }
  }

  private static void requireWithinMailbox(int inFlight, LiveRoom room) {
    if (inFlight > room.mailboxCapacity()) {
      throw new IllegalArgumentException(
          inFlight + " messages in flight are more than the room's mailbox capacity of "
              + room.mailboxCapacity() + ": the room would refuse the excess");
    }
  }

  /**
   * Acknowledged durable commands per second: each {@code set} is decided, persisted, folded,
   * sent as an event to the room's session and acknowledged to its connection.
   */
  @Benchmark
  @OperationsPerInvocation(MESSAGES_PER_CALL)
  public void durableSet(DurableRoom durable) throws InterruptedException {
    for (int i = 0; i < MESSAGES_PER_CALL; i++) {
      durable.acks.enter();
      durable.room.tell(durable.nextSet());
    }
    durable.acks.drain();
  }

  /**
   * Cursor moves per second the room takes in: each is checked against its user's rate and kept
   * as its session's newest, and the room's cursor ticks, which send the newest to the other
   * session, run between them as they fall due. Never persisted. The moves go in groups of
   * {@value #MOVES_PER_READ}, each followed by a snapshot read whose answer says the room handled
   * them (a move has no answer of its own); a group never fills the room's mailbox, where a move
   * would be dropped.
   */
  @Benchmark
  @OperationsPerInvocation(MESSAGES_PER_CALL)
  public void cursor(CursorRoom cursors) throws Exception {
    for (int group = 0; group < MESSAGES_PER_CALL / MOVES_PER_READ; group++) {
      for (int i = 0; i < MOVES_PER_READ; i++) {
        cursors.room.tell(cursors.nextMove());
      }
      cursors.room.awaitHandled();
    }
  }
}
