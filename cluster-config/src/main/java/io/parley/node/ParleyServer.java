package io.parley.node;

import com.typesafe.config.Config;
import io.parley.gateway.EventStreams;
import io.parley.gateway.GatewaySettings;
import io.parley.gateway.RoomRoutes;
import io.parley.gateway.Spawner;
import io.parley.gateway.WebSocketConnections;
import io.parley.limits.ConnectionLimiter;
import io.parley.persistence.JournalDatabase;
import io.parley.persistence.LiveRoomEvents;
import io.parley.persistence.RoomHistory;
import io.parley.protocol.FrameDecoder;
import io.parley.protocol.FrameEncoder;
import io.parley.room.RoomSettings;
import io.parley.room.Rooms;
import io.parley.validation.FieldValidator;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.SpawnProtocol;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running Parley node: database migrated, cluster joined, rooms sharded, HTTP bound. */
public final class ParleyServer {

  private static final Logger log = LoggerFactory.getLogger(ParleyServer.class);

  private final ActorSystem<SpawnProtocol.Command> system;
  private final Rooms rooms;
  private final ServerBinding binding;

  private ParleyServer(
      ActorSystem<SpawnProtocol.Command> system, Rooms rooms, ServerBinding binding) {
    this.system = system;
    this.rooms = rooms;
    this.binding = binding;
  }

  /**
   * Starts a node on a fully resolved configuration. Blocks until the HTTP listener is bound;
   * on failure nothing is left running.
   */
  public static ParleyServer start(Config config) {
    JournalDatabase database = JournalDatabase.fromConfig(config);
    if (config.getBoolean("parley.database.migrate-on-start")) {
      int applied = database.migrate();
      log.info("journal database {} ready ({} migrations applied)", database, applied);
    }
    ActorSystem<SpawnProtocol.Command> system =
        ActorSystem.create(
            NodeGuardian.create(), "parley", database.pekkoConfig().withFallback(config));
    try {
      Spawner spawner = NodeGuardian.spawner(system);
      Config parley = system.settings().config().getConfig("parley");
      RoomSettings roomSettings = RoomSettings.fromConfig(parley);
      GatewaySettings gateway = GatewaySettings.fromConfig(parley);
      FieldValidator validator = new FieldValidator(roomSettings.limits());
      FrameEncoder encoder = new FrameEncoder();
      Rooms rooms = Rooms.start(system, roomSettings);
      spawner.spawn(rooms.overloadResponder(system), "room-overload").toCompletableFuture().get();
      WebSocketConnections connections =
          new WebSocketConnections(
              system,
              spawner,
              rooms,
              RoomHistory.fromJournal(system),
              gateway,
              new FrameDecoder(validator),
              encoder,
              Clock.systemUTC());
      EventStreams eventStreams =
          new EventStreams(rooms, new LiveRoomEvents(system), encoder, gateway);
      RoomRoutes routes =
          new RoomRoutes(
              rooms,
              connections,
              new ConnectionLimiter(gateway.connectionLimits()),
              eventStreams,
              validator,
              encoder,
              gateway);
      ServerBinding binding =
          Http.get(system)
              .newServerAt(gateway.host(), gateway.port())
              .bind(routes.routes())
              .toCompletableFuture()
              .get()
              .addToCoordinatedShutdown(Duration.ofSeconds(5), system);
      return new ParleyServer(system, rooms, binding);
    } catch (Exception e) {
      system.terminate();
      throw new IllegalStateException("Parley could not start: " + e.getMessage(), e);
    }
  }

  public int port() {
    return binding.localAddress().getPort();
  }

  public String host() {
    return binding.localAddress().getHostString();
  }

  public ActorSystem<SpawnProtocol.Command> system() {
    return system;
  }

  public Rooms rooms() {
    return rooms;
  }

  /** Stops the node through coordinated shutdown (unbind, leave the cluster, stop rooms). */
  public CompletionStage<Done> stop() {
    system.terminate();
    return system.getWhenTerminated();
  }
}
