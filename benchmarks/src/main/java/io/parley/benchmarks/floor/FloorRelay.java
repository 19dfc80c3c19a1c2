package io.parley.benchmarks.floor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.parley.gateway.FrameLevelWebSocket;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgrade;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport floor: the smallest room relay on the path a Parley node serves WebSockets by
 * ({@code Http.newServerAt}, the same routing, {@link FrameLevelWebSocket} with Pekko's own
 * WebSocket stack, Parley's Pekko HTTP settings), with nothing of Parley behind it: no
 * validation, no room actors, no persistence, no authentication, only room id → connected
 * sockets. The benchmark clients run against it unchanged, so that a node's figure minus the
 * floor's is what Parley itself costs. See benchmarks/README.md, "The transport floor".
 *
 * <pre>
 * java -cp &lt;benchmarks classpath&gt; io.parley.benchmarks.floor.FloorRelay --port N [--host H]
 * </pre>
 */
public final class FloorRelay implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FloorRelay.class);

  private final ActorSystem<Void> system;
  private final ServerBinding binding;
  private final FloorRooms rooms;

  private FloorRelay(ActorSystem<Void> system, ServerBinding binding, FloorRooms rooms) {
    this.system = system;
    this.binding = binding;
    this.rooms = rooms;
  }

  /** Binds the relay on {@code host}:{@code port} (0: a free port) and returns once it listens. */
  public static FloorRelay start(String host, int port) throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "floor", config());
    try {
      Config gateway = system.settings().config().getConfig("parley.gateway");
      int maxFrameBytes = (int) gateway.getBytes("max-frame-size").longValue();
      int outboundBuffer = gateway.getInt("outbound-buffer");
      long heartbeatMs = gateway.getDuration("heartbeat-interval").toMillis();
      ObjectMapper json = new ObjectMapper();
      FloorRooms rooms = new FloorRooms();
      FloorFrames frames = new FloorFrames(json, heartbeatMs);
      FrameLevelWebSocket frameLevel = new FrameLevelWebSocket(system, maxFrameBytes);
      Routes routes =
          new Routes(
              (upgrade, roomId) -> {
                FloorSocket socket = new FloorSocket(roomId, rooms, frames, json);
                return frameLevel.handle(
                    upgrade, socket.flow(outboundBuffer), socket::closeStatus, Optional.empty());
              });
      ServerBinding binding =
          Http.get(system)
              .newServerAt(host, port)
              .bind(routes.route())
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      return new FloorRelay(system, binding, rooms);
    } catch (Exception e) {
      system.terminate();
      throw e;
    }
  }

  /**
   * Parley's Pekko HTTP settings (its gateway.conf: keep-alive pings, connection limit) and its
   * gateway defaults (frame limit, outbound buffer, heartbeat interval), under -D overrides.
   */
  private static Config config() {
    return ConfigFactory.defaultOverrides()
        .withFallback(ConfigFactory.parseResources("parley/floor.conf"))
        .withFallback(ConfigFactory.parseResources("parley/gateway.conf"))
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  public int port() {
    return binding.localAddress().getPort();
  }

  /** Rooms with at least one connected socket. */
  int rooms() {
    return rooms.size();
  }

  @Override
  public void close() throws Exception {
    binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  public static void main(String[] args) throws Exception {
    String host = "127.0.0.1";
    int port = -1;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[i + 1]);
        case "--host" -> host = args[i + 1];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (port < 0 || args.length % 2 != 0) {
      throw new IllegalArgumentException("usage: FloorRelay --port N [--host 127.0.0.1]");
    }
    FloorRelay relay = start(host, port);
    log.info("transport floor listening on {}:{}", host, relay.port());
    // until SIGTERM: Pekko's shutdown hook terminates the system
    relay.system.getWhenTerminated().toCompletableFuture().join();
  }

  /** What a request for room {@code roomId}'s WebSocket is answered with. */
  @FunctionalInterface
  interface Connector {
    HttpResponse connect(WebSocketUpgrade upgrade, String roomId);
  }

  /** {@code GET /v1/rooms/{roomId}/ws}, the path of a node's WebSockets. */
  private static final class Routes extends AllDirectives {

    private final Connector connector;

    Routes(Connector connector) {
      this.connector = connector;
    }

    Route route() {
      return pathPrefix(
          "v1",
          () ->
              pathPrefix(
                  "rooms",
                  () ->
                      pathPrefix(
                          roomId ->
                              path(
                                  "ws",
                                  () ->
                                      extractWebSocketUpgrade(
                                          upgrade ->
                                              complete(connector.connect(upgrade, roomId)))))));
    }
  }
}
