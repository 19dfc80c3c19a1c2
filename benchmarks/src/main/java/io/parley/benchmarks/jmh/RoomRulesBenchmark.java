package io.parley.benchmarks.jmh;

import io.parley.room.Decision;
import io.parley.room.KeyOp;
import io.parley.room.RoomCommand;
import io.parley.room.RoomRules;
import io.parley.room.RoomSettings;
import io.parley.room.RoomState;
import io.parley.validation.FieldValidator;
import java.time.Instant;
import java.util.List;
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

/**
 * The room's decision on a durable command, {@link RoomRules#durable}, the step before the fold:
 * find the author's session, look the command id up in the window of remembered commands (a new
 * id is a miss, which compares the whole window), validate the fields (a value is written as JSON
 * to measure it), check the expected versions. On the busy room of {@link RoomStateBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RoomRulesBenchmark {

  /** Commands prepared per kind, taken in turn; a power of two. */
  private static final int PREPARED = 1_024;

  private static final int MEMBERS = 5;

  @State(Scope.Benchmark)
  public static class BusyRoomRules {
    @Param("1000")
    public int keys;

    RoomRules rules;
    RoomState steady;
    RoomCommand.ChangeKeys[] sets;
    RoomCommand.PostChat[] chats;
    Instant now;
    int next;

    @Setup
    public void prepare() {
      RoomSettings settings = ParleyDefaults.roomSettings();
      rules = new RoomRules(new FieldValidator(settings.limits()), settings.membersPerRoom());
      steady = new BusyRoom(MEMBERS, keys).fillUp(settings.stateBounds());
      now = Instant.parse("2026-02-01T00:00:00Z");
      sets = new RoomCommand.ChangeKeys[PREPARED];
      chats = new RoomCommand.PostChat[PREPARED];
      for (int i = 0; i < PREPARED; i++) {
        String session = BusyRoom.sessionOf(BusyRoom.member(i % MEMBERS));
        long item = i % keys;
        // Compare-and-set against the version the steady state holds: accepted, as most are.
        KeyOp set =
            new KeyOp.Set(
                BusyRoom.key(item),
                BusyRoom.smallValue(item, i),
                Optional.of(steady.keyVersion(BusyRoom.key(item))));
        // Reply addresses are not used by the rules.
        sets[i] = new RoomCommand.ChangeKeys("n" + i, session, List.of(set), null);
        chats[i] =
            new RoomCommand.PostChat("n" + i, session, "see the new layout, third column", null);
      }
      requireAccepted(rules.durable(steady, sets[0], now));
      requireAccepted(rules.durable(steady, chats[0], now));
    }

    private static void requireAccepted(Decision decision) {
      if (!(decision instanceof Decision.Accept)) {
        throw new IllegalStateException("the prepared commands must be accepted, not " + decision);
      }
    }
  }

  /** A {@code set} of one key with a small JSON value and an expected version. */
  @Benchmark
  public Decision decideSet(BusyRoomRules room) {
    return room.rules.durable(room.steady, room.sets[room.next++ & (PREPARED - 1)], room.now);
  }

  /** A chat message. */
  @Benchmark
  public Decision decideChat(BusyRoomRules room) {
    return room.rules.durable(room.steady, room.chats[room.next++ & (PREPARED - 1)], room.now);
  }
}
