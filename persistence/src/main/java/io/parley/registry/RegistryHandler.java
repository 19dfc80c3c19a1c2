package io.parley.registry;

import io.micrometer.core.instrument.Timer;
import io.parley.room.RoomEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;

/** Applies a group of tagged room events to the registry's table, in the projection's transaction. */
final class RegistryHandler extends JdbcHandler<List<EventEnvelope<RoomEvent>>, RegistrySession> {

  private final Timer lag;
  private final Clock clock;

  RegistryHandler(Timer lag, Clock clock) {
    this.lag = lag;
    this.clock = clock;
  }

  @Override
  public void process(RegistrySession session, List<EventEnvelope<RoomEvent>> envelopes)
      throws Exception {
    List<RegistryChange> changes =
        RegistryChanges.needed(
            envelopes.stream()
                .map(envelope -> RegistryChange.of(roomId(envelope), envelope.event()))
                .toList());
    session.withConnection(
        connection -> {
          for (RegistryChange change : changes) {
            PublicRoomsTable.apply(connection, change);
          }
          return null;
        });
    long now = clock.millis();
    envelopes.forEach(
        envelope -> lag.record(Duration.ofMillis(Math.max(0, now - envelope.timestamp()))));
  }

  /** A room's persistence id is {@code Room|<room id>}. */
  private static String roomId(EventEnvelope<RoomEvent> envelope) {
    String persistenceId = envelope.persistenceId();
    return persistenceId.substring(persistenceId.indexOf('|') + 1);
  }
}
