package io.parley.benchmarks.recovery;

import io.parley.room.RoomEntity;
import io.parley.room.RoomEvent;
import io.parley.room.RoomSettings;
import io.parley.room.RoomState;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * Writes a room's history fast: the room's own persistence id, event handler and retention
 * criteria, so the journal rows and snapshots are exactly those the room would have written, but
 * events come in batches ({@code persistAll}, one journal write each) instead of one command per
 * event through {@link RoomEntity}'s rules.
 */
final class HistoryWriter extends EventSourcedBehavior<HistoryWriter.Append, RoomEvent, RoomState> {

  /** Persists {@code events} atomically and replies with the state after them. */
  record Append(List<RoomEvent> events, ActorRef<RoomState> replyTo) {}

  private final RoomSettings settings;
  private final boolean snapshots;

  private HistoryWriter(String roomId, RoomSettings settings, boolean snapshots) {
    super(PersistenceId.of(RoomEntity.TYPE_KEY.name(), roomId));
    this.settings = settings;
    this.snapshots = snapshots;
  }

  static Behavior<Append> create(String roomId, RoomSettings settings, boolean snapshots) {
    return new HistoryWriter(roomId, settings, snapshots);
  }

  @Override
  public RoomState emptyState() {
    return RoomState.empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return snapshots
        ? RetentionCriteria.snapshotEvery(settings.snapshotEvery(), settings.snapshotsKept())
        : RetentionCriteria.disabled();
  }

  @Override
  public CommandHandler<Append, RoomEvent, RoomState> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(
            Append.class,
            append -> Effect().persist(append.events()).thenReply(append.replyTo(), state -> state))
        .build();
  }

  @Override
  public EventHandler<RoomState, RoomEvent> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onAnyEvent((state, event) -> state.apply(event, settings.stateBounds()));
  }
}
