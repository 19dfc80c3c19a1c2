package io.parley.gateway;

import io.parley.auth.Authentication;
import io.parley.auth.RoomAccess;
import io.parley.limits.ConnectionLimiter;
import io.parley.persistence.RoomHistory;
import io.parley.protocol.DecodeResult;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.FrameDecoder;
import io.parley.protocol.FrameEncoder;
import io.parley.room.Rooms;
import io.parley.room.SessionInbox;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgrade;
import org.apache.pekko.stream.javadsl.Flow;

/**
 * Builds the stream of one WebSocket: inbound messages, size-checked ({@link FrameLevelWebSocket}),
 * go through one {@link ConnectionStage}, which decodes them for a new {@link ConnectionActor} and
 * writes what the actor queues in a bounded {@link OutboundQueue}.
 */
public final class WebSocketConnections {

  private final ActorSystem<?> system;
  private final Spawner spawner;
  private final Rooms rooms;
  private final RoomHistory history;
  private final GatewaySettings settings;
  private final FrameDecoder decoder;
  private final FrameEncoder encoder;
  private final Clock clock;
  private final GatewayDrain drain;
  private final Authentication authentication;
  private final GatewayMetrics metrics;
  private final FrameLevelWebSocket frameLevel;

  public WebSocketConnections(
      ActorSystem<?> system,
      Spawner spawner,
      Rooms rooms,
      RoomHistory history,
      GatewaySettings settings,
      FrameDecoder decoder,
      FrameEncoder encoder,
      Clock clock,
      GatewayDrain drain,
      Authentication authentication) {
    this.system = system;
    this.spawner = spawner;
    this.rooms = rooms;
    this.history = history;
    this.settings = settings;
    this.decoder = decoder;
    this.encoder = encoder;
    this.clock = clock;
    this.drain = drain;
    this.authentication = authentication;
    this.metrics = GatewayMetrics.of(system);
    this.frameLevel = new FrameLevelWebSocket(system, settings.maxFrameBytes());
  }

  /**
   * The response that upgrades a request for {@code roomId}, whose id is already validated, to a
   * WebSocket with the access its token gave it; it fails, releasing the lease, if no connection
   * actor could be started.
   *
   * <p>The end of the inbound side (the client closed, or the actor stopped) does not cancel the
   * outbound side: it closes the outbound queue, so the client gets what is queued and the frame
   * saying why, then the close with its status, and the drain timeout bounds how long that may
   * take.
   */
  public CompletionStage<HttpResponse> connect(
      WebSocketUpgrade upgrade,
      Optional<String> subprotocol,
      String roomId,
      ConnectionLimiter.Lease lease,
      RoomAccess access) {
    if (!FrameLevelWebSocket.servesFrames(upgrade)) {
      lease.release();
      return CompletableFuture.failedFuture(
          new IllegalStateException("this Pekko HTTP does not serve WebSocket frames"));
    }
    OutboundQueue queue = new OutboundQueue(settings.outboundBufferFrames());
    return spawner
        .spawn(
            ConnectionActor.create(
                roomId,
                rooms.room(roomId),
                history,
                queue,
                lease,
                settings,
                encoder,
                clock,
                access,
                authentication),
            "connection-" + UUID.randomUUID())
        .handleAsync(
            (connection, failure) -> {
              if (failure != null) {
                // no stream will ever end to release it
                lease.release();
                throw new IllegalStateException("no connection actor could be started", failure);
              }
              return frameLevel.handle(
                  upgrade, flow(connection, queue, lease), queue::closeStatus, subprotocol);
            },
            system.executionContext());
  }

  private Flow<InboundMessage, String, NotUsed> flow(
      ActorRef<SessionInbox> connection, OutboundQueue queue, ConnectionLimiter.Lease lease) {
    return Flow.fromGraph(
        new ConnectionStage(
            connection,
            queue,
            settings.closeDrainTimeout(),
            message -> metrics.frameIn(read(message)),
            new ConnectionStage.Lifecycle() {
              @Override
              public void opened() {
                // only a socket that is really open is told to reconnect when the node drains
                drain.opened(connection);
                metrics.connectionOpened();
              }

              @Override
              public void frameOut(String frame) {
                metrics.frameOut(frame);
              }

              @Override
              public void closed() {
                metrics.connectionClosed();
                lease.release();
                drain.closed(connection);
              }
            }));
  }

  /** A whole message, already bounded by the frame limit ({@link MessageAssembler}). */
  private DecodeResult read(InboundMessage message) {
    if (message instanceof InboundMessage.Text text) {
      return decoder.decode(text.text());
    }
    return switch ((InboundMessage.Refused) message) {
      case BINARY -> badFrame("binary frames are not supported; send JSON text frames");
      case TOO_LARGE -> badFrame("frame larger than " + settings.maxFrameBytes() + " bytes");
    };
  }

  private static DecodeResult badFrame(String message) {
    return new DecodeResult.Malformed(ErrorCode.BAD_FRAME, Optional.empty(), message, Optional.empty());
  }
}
