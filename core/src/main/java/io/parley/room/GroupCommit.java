package io.parley.room;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The durable commands waiting for a room's next journal write, in arrival order. Whatever
 * arrives while a write is in flight goes into the next one, so a busy room pays one journal
 * round trip per batch, not per command. Memory only: a command lost with it (the room stopped
 * first) is never acked, and its client retries it under the same id.
 */
final class GroupCommit {

  /** What became of one command of a batch, in the batch's order. */
  sealed interface Outcome {
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

  /** The events to write together, and what each command gets once they are written. */
  record Batch(List<RoomEvent> events, List<Outcome> outcomes) {}

  private final RoomRules rules;
  private final EventCheck eventCheck;
  private final RoomState.Bounds bounds;
  private final List<RoomCommand.Durable> waiting = new ArrayList<>();

  GroupCommit(RoomRules rules, EventCheck eventCheck, RoomState.Bounds bounds) {
    this.rules = rules;
    this.eventCheck = eventCheck;
    this.bounds = bounds;
  }

  /** Queues a command; true when it is the first since the last write, so a write is due. */
  boolean add(RoomCommand.Durable command) {
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
    List<RoomCommand.Durable> commands = List.copyOf(waiting);
    waiting.clear();
    List<RoomEvent> events = new ArrayList<>(commands.size());
    List<Outcome> outcomes = new ArrayList<>(commands.size());
    RoomState running = state;
    for (RoomCommand.Durable command : commands) {
      Decision decision = rules.durable(running, command, now);
      if (decision instanceof Decision.Accept accept) {
        Optional<String> refusal = eventCheck.refusal(accept.event());
        if (refusal.isPresent()) {
          outcomes.add(
              new Refused(
                  command, RejectCode.NOT_STORED, "the room could not store this change", refusal));
          continue;
        }
        running = running.apply(accept.event(), bounds);
        events.add(accept.event());
        outcomes.add(new Applied(command, accept.event(), running));
      } else if (decision instanceof Decision.Duplicate duplicate) {
        outcomes.add(new Retried(command, duplicate.version()));
      } else if (decision instanceof Decision.Reject reject) {
        outcomes.add(new Refused(command, reject.code(), reject.message(), Optional.empty()));
      } else {
        throw new IllegalStateException("the rules ignored a durable command: " + command);
      }
    }
    return new Batch(events, outcomes);
  }
}
