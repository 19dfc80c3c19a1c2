package io.parley.persistence;

import io.parley.room.RoomEntity;
import io.parley.room.RoomEvent;
import io.parley.room.RoomUpdate;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * A room's past events: for a connection that resumes from further back than its room keeps in
 * memory.
 */
@FunctionalInterface
public interface RoomHistory {

  /** The events of {@code roomId} with versions from {@code fromVersion} to {@code toVersion}. */
  CompletionStage<List<RoomUpdate.EventDelivered>> events(
      String roomId, long fromVersion, long toVersion);

  /** The history in the journal, read with Pekko Persistence Query. */
  static RoomHistory fromJournal(ActorSystem<?> system) {
    JdbcReadJournal journal =
        PersistenceQuery.get(system)
            .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    return (roomId, fromVersion, toVersion) ->
        journal
            .currentEventsByPersistenceId(
                PersistenceId.of(RoomEntity.TYPE_KEY.name(), roomId).id(), fromVersion, toVersion)
            .map(
                envelope ->
                    new RoomUpdate.EventDelivered(
                        envelope.sequenceNr(), (RoomEvent) envelope.event()))
            .runWith(Sink.seq(), system);
  }
}
