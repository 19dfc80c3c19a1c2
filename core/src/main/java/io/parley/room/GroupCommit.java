package io.parley.room;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The commands waiting for a room's next journal write, in arrival order: durable commands and
 * joins ({@code OpenSession}). Whatever arrives while a write is in flight goes into the next
 * one, so a busy room pays one journal round trip per batch, not per command, and a reconnect
 * storm one per room rather than one per member. Memory only: a command lost with it (the room
 * stopped first) is never acked, and its client retries it under the same id; a join lost with
 * it times out, and its client connects again.
 */
final class GroupCommit {

  /** What became of one waiting command, in the batch's order. */
  sealed interface Result permits Outcome, Joined, JoinRefused {}

  /** What became of one durable command of a batch. */
  sealed interface Outcome extends Result {
    RoomCommand.Durable command();

    /** The answer its sender gets once the batch is written. */
    CommandReply reply();
  }

  /** Its event is in the batch; {@code after} is the room once it is applied. */
  record Applied(RoomCommand.Durable command, RoomEvent event, RoomState after) implements Outcome {
    @Override
    public CommandReply reply() {
      return new CommandReply.Accepted(command.commandId(), after.version());
    }
  }

  /**
   * A retry of a command already applied (before, or earlier in this batch) at {@code version}:
   * its event was delivered then, so only the original ack is repeated.
   */
  record Retried(RoomCommand.Durable command, long version) implements Outcome {
    @Override
    public CommandReply reply() {
      return new CommandReply.Accepted(command.commandId(), version);
    }
  }

  /** Refused by the rules, or its event could not be stored ({@code cause} says why). */
  record Refused(
      RoomCommand.Durable command, RejectCode code, String message, Optional<String> cause)
      implements Outcome {
    @Override
    public CommandReply reply() {
      return new CommandReply.Rejected(command.commandId(), code, message);
    }
  }

  /** A join whose event is in the batch; {@code after} is the room its welcome shows. */
  record Joined(RoomCommand.OpenSession command, RoomEvent event, RoomState after)
      implements Result {}

  /**
   * A join the rules refused (the room is full, say), or whose event could not be stored
   * ({@code cause} says why).
   */
  record JoinRefused(
      RoomCommand.OpenSession command, RejectCode code, String message, Optional<String> cause)
      implements Result {}

  /** The events to write together, and what each command gets once they are written. */
  record Batch(List<RoomEvent> events, List<Result> results) {}

  private final RoomRules rules;
  private final EventCheck eventCheck;
  private final RoomState.Bounds bounds;
  private final List<RoomCommand> waiting = new ArrayList<>();

  GroupCommit(RoomRules rules, EventCheck eventCheck, RoomState.Bounds bounds) {
    this.rules = rules;
    this.eventCheck = eventCheck;
    this.bounds = bounds;
  }

  /** Queues a command; true when it is the first since the last write, so a write is due. */
  boolean add(RoomCommand.Durable command) {
    return queue(command);
  }

  /** Queues a join; true when it is the first since the last write, so a write is due. */
  boolean add(RoomCommand.OpenSession join) {
    return queue(join);
  }

  private boolean queue(RoomCommand command) {
    waiting.add(command);
    return waiting.size() == 1;
  }

  boolean isEmpty() {
    return waiting.isEmpty();
  }

  /**
   * Decides the waiting commands in arrival order, each against the state the ones before it
   * produced, and empties the queue. An event the journal would refuse is left out, and only its
   * own command is refused: the journal writes a batch as one unit.
   */
  Batch decide(RoomState state, Instant now) {
    List<RoomCommand> commands = List.copyOf(waiting);
    waiting.clear();
    List<RoomEvent> events = new ArrayList<>(commands.size());
    List<Result> results = new ArrayList<>(commands.size());
    RoomState running = state;
    for (RoomCommand command : commands) {
      Result result =
          command instanceof RoomCommand.OpenSession join
              ? join(running, join, now)
              : durable(running, (RoomCommand.Durable) command, now);
      if (result instanceof Applied applied) {
        running = applied.after();
        events.add(applied.event());
      } else if (result instanceof Joined joined) {
        running = joined.after();
        events.add(joined.event());
      }
      results.add(result);
    }
    return new Batch(events, results);
  }

  private Result durable(RoomState running, RoomCommand.Durable command, Instant now) {
    Decision decision = rules.durable(running, command, now);
    if (decision instanceof Decision.Accept accept) {
      Optional<String> refusal = eventCheck.refusal(accept.event());
      if (refusal.isPresent()) {
        return new Refused(
            command, RejectCode.NOT_STORED, "the room could not store this change", refusal);
      }
      return new Applied(command, accept.event(), running.apply(accept.event(), bounds));
    }
    if (decision instanceof Decision.Duplicate duplicate) {
      return new Retried(command, duplicate.version());
    }
    if (decision instanceof Decision.Reject reject) {
      return new Refused(command, reject.code(), reject.message(), Optional.empty());
    }
    throw new IllegalStateException("the rules ignored a durable command: " + command);
  }

  private Result join(RoomState running, RoomCommand.OpenSession join, Instant now) {
    Decision decision = rules.openSession(running, join, now);
    if (decision instanceof Decision.Accept accept) {
      Optional<String> refusal = eventCheck.refusal(accept.event());
      if (refusal.isPresent()) {
        return new JoinRefused(
            join, RejectCode.NOT_STORED, "the room could not store this join", refusal);
      }
      return new Joined(join, accept.event(), running.apply(accept.event(), bounds));
    }
    if (decision instanceof Decision.Reject reject) {
      return new JoinRefused(join, reject.code(), reject.message(), Optional.empty());
    }
    throw new IllegalStateException("the rules neither accepted nor refused a join: " + join);
  }
}
