package io.parley.node;

import com.typesafe.config.Config;
import io.parley.admin.AdminSettings;
import io.parley.admin.AdminTargets;
import io.parley.admin.RoomDirectory;
import io.parley.auth.AuthSettings;
import io.parley.auth.Authentication;
import io.parley.cluster.ClusterFormation;
import io.parley.cluster.JournalOwnership;
import io.parley.gateway.ClientRoutes;
import io.parley.gateway.EncodedUpdates;
import io.parley.gateway.EventStreams;
import io.parley.gateway.GatewayDrain;
import io.parley.gateway.PublicRoomRoutes;
import io.parley.gateway.GatewayMetrics;
import io.parley.gateway.HttpErrorHandling;
import io.parley.gateway.HttpErrors;
import io.parley.gateway.GatewaySettings;
import io.parley.gateway.RoomRoutes;
import io.parley.gateway.Spawner;
import io.parley.gateway.WebSocketConnections;
import io.parley.limits.ConnectionLimiter;
import io.parley.node.health.Draining;
import io.parley.node.logging.ConsoleToLog;
import io.parley.node.logging.NodeLogContext;
import io.parley.node.metrics.NodeMeters;
import io.parley.persistence.JournalDatabase;
import io.parley.registry.PublicRoomRegistry;
import io.parley.persistence.LiveRoomEvents;
import io.parley.persistence.RoomHistory;
import io.parley.protocol.FrameDecoder;
import io.parley.protocol.FrameEncoder;
import io.parley.room.FanoutMessage;
import io.parley.room.FanoutStats;
import io.parley.room.NodeFanout;
import io.parley.room.RoomSettings;
import io.parley.room.Rooms;
import io.parley.validation.FieldValidator;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.SpawnProtocol;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Parley node: database migrated, management started, cluster joining, rooms sharded,
 * HTTP bound.
 */
public final class ParleyServer {

  private static final Logger log = LoggerFactory.getLogger(ParleyServer.class);

  /** The actor system's name, part of every node's address: the same on every node. */
  public static final String SYSTEM_NAME = "parley";

  private final ActorSystem<SpawnProtocol.Command> system;
  private final Rooms rooms;
  private final ServerBinding binding;
  private final String managementUri;

  private ParleyServer(
      ActorSystem<SpawnProtocol.Command> system,
      Rooms rooms,
      ServerBinding binding,
      String managementUri) {
    this.system = system;
    this.rooms = rooms;
    this.binding = binding;
    this.managementUri = managementUri;
  }

  /**
   * Starts a node on a fully resolved configuration. Blocks until the HTTP listener is bound;
   * on failure nothing is left running.
   */
  public static ParleyServer start(Config config) {
    return ConsoleToLog.during(() -> startNode(config));
  }

  private static ParleyServer startNode(Config config) {
    JournalDatabase database = JournalDatabase.fromConfig(config);
    // before anything starts: a configuration unsafe to run refuses here
    AuthSettings authSettings = AuthSettings.fromConfig(config.getConfig("parley"));
    authSettings.refusal().ifPresent(refusal -> {
      throw new IllegalStateException(refusal);
    });
    if (config.getBoolean("parley.database.migrate-on-start")) {
      int applied = database.migrate();
      log.info("journal database {} ready ({} migrations applied)", database, applied);
    }
    Config nodeConfig =
        ClusterFormation.seedNodes(config, SYSTEM_NAME)
            .withFallback(database.pekkoConfig())
            .withFallback(config);
    ActorSystem<SpawnProtocol.Command> system =
        ActorSystem.create(NodeGuardian.create(), SYSTEM_NAME, nodeConfig);
    try {
      String node = Cluster.get(system).selfMember().address().toString();
      NodeLogContext.node(node);
      NodeMeters.register(system);
      // readiness goes false as soon as coordinated shutdown starts
      Draining.get(system);
      String managementUri = ManagementServer.start(system);
      ClusterFormation.startBootstrap(system);
      Spawner spawner = NodeGuardian.spawner(system);
      Config parley = system.settings().config().getConfig("parley");
      RoomSettings roomSettings = RoomSettings.fromConfig(parley);
      GatewaySettings gateway = GatewaySettings.fromConfig(parley);
      FieldValidator validator = new FieldValidator(roomSettings.limits());
      FrameEncoder encoder = new FrameEncoder();
      Authentication authentication =
          Authentication.start(authSettings, validator, Clock.systemUTC());
      // one cluster per journal: joined, and the journal held by this cluster, before any room
      JournalOwnership.guard(system, database);
      GatewayDrain drain = new GatewayDrain(gateway);
      Rooms rooms = Rooms.start(system, roomSettings);
      PublicRoomRegistry registry = PublicRoomRegistry.start(system, database);
      spawner.spawn(rooms.overloadResponder(system), "room-overload").toCompletableFuture().get();
      ActorRef<FanoutMessage> fanout =
          spawner
              .spawn(
                  NodeFanout.create(
                      parley.getInt("room.fanout-lanes"),
                      EncodedUpdates.encodedWith(encoder),
                      FanoutStats.get(system)),
                  NodeFanout.NAME)
              .toCompletableFuture()
              .get();
      spawner.spawn(NodeLossWatch.create(fanout), "node-loss-watch").toCompletableFuture().get();
      WebSocketConnections connections =
          new WebSocketConnections(
              system,
              spawner,
              rooms,
              RoomHistory.fromJournal(system),
              gateway,
              new FrameDecoder(validator),
              encoder,
              Clock.systemUTC(),
              drain,
              authentication);
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
              gateway,
              drain,
              authentication,
              GatewayMetrics.of(system));
      // made once: Pekko's directives ask for the inner route at every request
      PublicRoomRoutes publicRooms =
          new PublicRoomRoutes(
              registry,
              registry.settings(),
              validator,
              encoder,
              authentication,
              GatewayMetrics.of(system));
      Route served =
          Directives.concat(new ClientRoutes().routes(), publicRooms.routes(), routes.routes());
      ServerBinding binding =
          Http.get(system)
              .newServerAt(gateway.host(), gateway.port())
              .bind(
                  // every refusal and failure of the port in the JSON shape of HttpErrors
                  new HttpErrorHandling(new HttpErrors(), GatewayMetrics.of(system)::httpError)
                      .around(() -> served))
              .toCompletableFuture()
              .get();
      GracefulShutdown.register(system, binding, drain, gateway.drainTimeout());
      spawner
          .spawn(
              RoomDirectory.create(rooms, AdminSettings.fromConfig(parley).askTimeout()),
              "room-directory")
          .toCompletableFuture()
          .get();
      AdminTargets.get(system)
          .attach(new AdminTargets.Node(rooms, drain, authentication, validator));
      logAuthentication(authentication, binding);
      logStartAndStop(system, node, binding, managementUri, database, authentication);
      return new ParleyServer(system, rooms, binding, managementUri);
    } catch (Exception e) {
      system.terminate();
      throw new IllegalStateException("Parley could not start: " + e.getMessage(), e);
    }
  }

  /**
   * One line when the node serves (what, where, which database, which mode), one when it stops:
   * the first and last lines an operator looks for.
   */
  private static void logStartAndStop(
      ActorSystem<?> system,
      String node,
      ServerBinding binding,
      String managementUri,
      JournalDatabase database,
      Authentication authentication) {
    Config parley = system.settings().config().getConfig("parley");
    String mode = authentication.settings().production() ? "production" : "development";
    log.info(
        "Parley started: node {}, HTTP http://{}:{}, management {}, journal {}, cluster mode {},"
            + " {} mode, authentication {}",
        node,
        binding.localAddress().getHostString(),
        binding.localAddress().getPort(),
        managementUri,
        database,
        parley.getString("cluster.mode"),
        mode,
        authentication.required() ? "on (JWT)" : "OFF");
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "parley-log-stop",
            () -> {
              log.info(
                  "Parley stopped: node {} ({}); the actor system terminates",
                  node,
                  CoordinatedShutdown.get(system)
                      .getShutdownReason()
                      .map(Object::toString)
                      .orElse("stopped"));
              return CompletableFuture.completedFuture(Done.getInstance());
            });
  }

  private static void logAuthentication(Authentication authentication, ServerBinding binding) {
    AuthSettings settings = authentication.settings();
    String mode = settings.production() ? "production" : "development";
    if (!authentication.required()) {
      log.warn(
          "{} mode, authentication OFF (PARLEY_AUTH_MODE=none): any client may say it is anyone",
          mode);
      return;
    }
    log.info(
        "{} mode, tokens required: HS256 {}, JWKS {}, issuer {}, audience {}",
        mode,
        settings.hs256Secret().isPresent()
            ? "(configured secret)"
            : authentication.developmentTokens().isPresent() ? "(development secret)" : "off",
        settings.jwksUrl().orElse("off"),
        settings.issuer().orElse("(any)"),
        settings.audience().orElse("(any)"));
    if (authentication.developmentTokens().isPresent()) {
      String base =
          "http://"
              + binding.localAddress().getHostString()
              + ":"
              + binding.localAddress().getPort();
      log.info(
          "DEVELOPMENT ONLY - get a token: curl '{}/v1/dev/token?userId=ann&name=Ann' (answers"
              + " loopback clients; rooms=*:write unless ?rooms=team-*:write,lobby:read), then"
              + " connect to ws://{}:{}/v1/rooms/<roomId>/ws?access_token=<token>",
          base,
          binding.localAddress().getHostString(),
          binding.localAddress().getPort());
    }
  }

  /** Where Pekko Management answers, e.g. {@code http://127.0.0.1:7626}. */
  public String managementUri() {
    return managementUri;
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
