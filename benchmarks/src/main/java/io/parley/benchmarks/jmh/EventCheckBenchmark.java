package io.parley.benchmarks.jmh;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.room.EventCheck;
import io.parley.room.KeyOp;
import io.parley.room.RoomEvent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the room's check that the journal can store an event ({@link EventCheck#serializable})
 * costs per event: it serializes the event once more with the journal's serializer before each
 * group-commit write, so that an event that cannot be stored fails only its own command.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EventCheckBenchmark {

  private ActorSystem<Void> system;
  private EventCheck check;
  private RoomEvent set;
  private RoomEvent chat;

  @Setup
  public void start() {
    system = ActorSystem.create(Behaviors.empty(), "jmh-event-check");
    check = EventCheck.serializable(system);
    ObjectNode value = JsonNodeFactory.instance.objectNode();
    value.put("x", 120.5).put("y", 88).put("label", "a sticky note on the board");
    Instant at = Instant.parse("2026-12-01T12:00:00Z");
    set = new RoomEvent.KeysChanged("user-17", "c-123", List.of(new KeyOp.Set("note:42", value, Optional.empty())), at);
    chat = new RoomEvent.ChatPosted("user-17", "c-124", "shall we move the release to Thursday?", at);
  }

  @TearDown
  public void stop() {
    system.terminate();
  }

  @Benchmark
  public Optional<String> checkSet() {
    return check.refusal(set);
  }

  @Benchmark
  public Optional<String> checkChat() {
    return check.refusal(chat);
  }
}
