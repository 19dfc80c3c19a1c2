package io.parley.registry;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Timer;
import io.parley.metrics.ParleyMetrics;
import io.parley.persistence.JournalDatabase;
import io.parley.room.RegistryTags;
import io.parley.room.RoomEvent;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.GroupedProjection;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/**
 * The public room registry: a read side of the rooms' events, eventually consistent. A Pekko
 * Projection reads the events tagged {@link RegistryTags#TAG} from the journal and keeps one row
 * per public room (title, member count, last activity) in {@code parley_public_room}, storing its
 * offset in the same transaction (Pekko Projection JDBC). It runs once in the cluster, as a
 * sharded daemon process, and moves to another node when its node leaves; every node answers
 * reads from the table.
 */
public final class PublicRoomRegistry implements PublicRooms {

  static final String NAME = "public-room-registry";

  private final HikariDataSource dataSource;
  private final Executor blocking;
  private final RegistrySettings settings;

  private PublicRoomRegistry(
      HikariDataSource dataSource, Executor blocking, RegistrySettings settings) {
    this.dataSource = dataSource;
    this.blocking = blocking;
    this.settings = settings;
  }

  /**
   * Starts the projection (on one node of the cluster) and the reads of this node. The tables
   * come from the migrations (V3).
   */
  public static PublicRoomRegistry start(ActorSystem<?> system, JournalDatabase database) {
    RegistrySettings settings =
        RegistrySettings.fromConfig(system.settings().config().getConfig("parley"));
    HikariDataSource dataSource = database.pool("parley-registry", settings.poolSize());
    system.getWhenTerminated().thenRun(dataSource::close);
    Timer lag =
        Timer.builder("parley.registry.lag")
            .description(
                "Time from a public room's event written to the journal to the registry"
                    + " updated with it (the projection's lag)")
            .serviceLevelObjectives(
                Duration.ofMillis(100),
                Duration.ofMillis(250),
                Duration.ofMillis(500),
                Duration.ofSeconds(1),
                Duration.ofMillis(2500),
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                Duration.ofSeconds(30),
                Duration.ofMinutes(1))
            .register(ParleyMetrics.get(system).registry());
    SourceProvider<Offset, EventEnvelope<RoomEvent>> events =
        EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), RegistryTags.TAG);
    GroupedProjection<Offset, EventEnvelope<RoomEvent>> projection =
        JdbcProjection.groupedWithin(
                ProjectionId.of(NAME, RegistryTags.TAG),
                events,
                () -> new RegistrySession(dataSource),
                () -> new RegistryHandler(lag, Clock.systemUTC()),
                system)
            .withGroup(settings.groupSize(), settings.groupWithin());
    ShardedDaemonProcess.get(system)
        .init(
            ProjectionBehavior.Command.class,
            NAME,
            1,
            instance -> ProjectionBehavior.create(projection),
            ShardedDaemonProcessSettings.create(system),
            Optional.of(ProjectionBehavior.stopMessage()));
    Executor blocking =
        system
            .dispatchers()
            .lookup(DispatcherSelector.fromConfig("pekko.projection.jdbc.blocking-jdbc-dispatcher"));
    return new PublicRoomRegistry(dataSource, blocking, settings);
  }

  public RegistrySettings settings() {
    return settings;
  }

  @Override
  public CompletionStage<PublicRoomPage> page(int limit, Optional<String> after) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection connection = dataSource.getConnection()) {
            return PublicRoomsTable.page(connection, limit, after);
          } catch (java.sql.SQLException e) {
            throw new IllegalStateException("the public room registry could not be read", e);
          }
        },
        blocking);
  }
}
