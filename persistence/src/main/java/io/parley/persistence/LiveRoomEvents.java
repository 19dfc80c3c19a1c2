package io.parley.persistence;

import io.parley.room.RoomEntity;
import io.parley.room.RoomEvent;
import io.parley.room.RoomUpdate;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A room's events as they reach the journal, from a given version on and without end: the
 * journal is the source of truth, so a reader neither misses nor doubles an event when the room
 * restarts or moves. New events show up within {@code jdbc-read-journal.refresh-interval}.
 */
public final class LiveRoomEvents {

  private final JdbcReadJournal journal;

  public LiveRoomEvents(ActorSystem<?> system) {
    this.journal =
        PersistenceQuery.get(system)
            .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
  }

  public Source<RoomUpdate.EventDelivered, NotUsed> from(String roomId, long fromVersion) {
    return journal
        .eventsByPersistenceId(
            PersistenceId.of(RoomEntity.TYPE_KEY.name(), roomId).id(), fromVersion, Long.MAX_VALUE)
        .map(
            envelope ->
                new RoomUpdate.EventDelivered(envelope.sequenceNr(), (RoomEvent) envelope.event()));
  }
}
