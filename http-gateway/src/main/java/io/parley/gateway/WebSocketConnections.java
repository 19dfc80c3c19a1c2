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
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSink;

/**
 * Builds the stream of one WebSocket: inbound text frames, size-checked and decoded, go to a new
 * {@link ConnectionActor}; what the actor sends goes out through a bounded queue.
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
  }

  /**
   * The flow of a new connection to {@code roomId}, whose id is already validated, with the
   * access its token gave it.
   *
   * <p>The two directions are not coupled the way {@code Flow.fromSinkAndSourceCoupled} couples
   * them: that cancels the outbound side, and drops the frames still queued for the client, the
   * moment the inbound side ends, which it does when the connection actor stops. Here the end of
   * the inbound side (the client closed, or the actor stopped) closes the outbound queue instead:
   * the client gets what is queued and the frame saying why, and the queue's drain timeout bounds
   * how long that may take.
   */
  public CompletionStage<Flow<Message, Message, NotUsed>> connect(
      String roomId, ConnectionLimiter.Lease lease, RoomAccess access) {
    OutboundQueue queue =
        OutboundQueue.open(system, settings.outboundBufferFrames(), settings.closeDrainTimeout());
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
                // no stream will ever end to release them
                queue.close();
                lease.release();
                throw new IllegalStateException("no connection actor could be started", failure);
              }
              return flow(connection, queue, lease);
            },
            system.executionContext());
  }

  private Flow<Message, Message, NotUsed> flow(
      ActorRef<SessionInbox> connection, OutboundQueue queue, ConnectionLimiter.Lease lease) {
    Sink<Message, NotUsed> inbound =
        Flow.<Message>create()
            .watchTermination(
                (notUsed, done) -> {
                  done.whenCompleteAsync((ok, failure) -> queue.close(), system.executionContext());
                  return NotUsed.getInstance();
                })
            .mapAsync(1, this::read)
            .map(metrics::frameIn)
            .to(
                ActorSink.actorRefWithBackpressure(
                    connection,
                    ConnectionActor.FrameArrived::new,
                    ConnectionActor.StreamStarted::new,
                    ConnectionActor.Ack.INSTANCE,
                    new ConnectionActor.StreamEnded(),
                    ConnectionActor.StreamFailed::new));
    Source<Message, NotUsed> frames =
        queue.frames().map(metrics::frameOut).map(text -> (Message) TextMessage.create(text));
    return Flow.fromSinkAndSource(inbound, frames)
        .watchTermination(
            (notUsed, done) -> {
              // only a socket that is really open is told to reconnect when the node drains
              drain.opened(connection);
              metrics.connectionOpened();
              done.whenCompleteAsync(
                  (ok, failure) -> {
                    metrics.connectionClosed();
                    lease.release();
                    drain.closed(connection);
                  },
                  system.executionContext());
              return NotUsed.getInstance();
            });
  }

  /**
   * Reads a whole frame, never holding more than the frame limit of it in memory. Callbacks on
   * Pekko's futures name the dispatcher: without an executor they would go to the common pool
   * (see {@code CommonPool}).
   */
  private CompletionStage<DecodeResult> read(Message message) {
    if (!message.isText()) {
      return message
          .asBinaryMessage()
          .getStreamedData()
          .runWith(Sink.ignore(), system)
          .thenApplyAsync(
              done -> tooLarge("binary frames are not supported; send JSON text frames"),
              system.executionContext());
    }
    TextMessage text = message.asTextMessage();
    if (text.isStrict()) {
      String strict = text.getStrictText();
      return CompletableFuture.completedFuture(
          exceedsLimit(strict) ? tooLarge(limitMessage()) : decoder.decode(strict));
    }
    return text.getStreamedText()
        .runWith(
            Sink.fold(
                new BoundedText(settings.maxFrameBytes()), BoundedText::append),
            system)
        .thenApplyAsync(
            collected ->
                collected.overflowed() ? tooLarge(limitMessage()) : decoder.decode(collected.text()),
            system.executionContext());
  }

  private boolean exceedsLimit(String text) {
    return text.length() > settings.maxFrameBytes()
        || (text.length() * 3L > settings.maxFrameBytes()
            && text.getBytes(StandardCharsets.UTF_8).length > settings.maxFrameBytes());
  }

  private String limitMessage() {
    return "frame larger than " + settings.maxFrameBytes() + " bytes";
  }

  private static DecodeResult tooLarge(String message) {
    return new DecodeResult.Malformed(ErrorCode.BAD_FRAME, Optional.empty(), message, Optional.empty());
  }

  /** Collects a streamed text frame up to a limit, then only counts what follows. */
  private static final class BoundedText {
    private final int limit;
    private final StringBuilder text = new StringBuilder();
    private long bytes;

    BoundedText(int limit) {
      this.limit = limit;
    }

    BoundedText append(String chunk) {
      bytes += chunk.getBytes(StandardCharsets.UTF_8).length;
      if (bytes <= limit) {
        text.append(chunk);
      }
      return this;
    }

    boolean overflowed() {
      return bytes > limit;
    }

    String text() {
      return text.toString();
    }
  }
}
