package io.parley.gateway;

import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.event.Logging;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.impl.engine.ws.FrameEvent;
import org.apache.pekko.http.impl.engine.ws.FrameEventOrError;
import org.apache.pekko.http.impl.engine.ws.FrameHandler;
import org.apache.pekko.http.impl.engine.ws.FrameLogger;
import org.apache.pekko.http.impl.engine.ws.Protocol;
import org.apache.pekko.http.impl.engine.ws.UpgradeToWebSocketLowLevel;
import org.apache.pekko.http.impl.engine.ws.WebSocket;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.ws.WebSocketUpgrade;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;
import org.apache.pekko.http.scaladsl.settings.WebSocketSettings;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BidiShape;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Graph;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import org.apache.pekko.util.ByteString;
import scala.Option;
import scala.concurrent.duration.FiniteDuration;

/**
 * Serves a WebSocket at the frame level: the only class that uses Pekko HTTP's internal WebSocket
 * API ({@code org.apache.pekko.http.impl.engine.ws}), so that a Pekko upgrade that changes it breaks
 * here and in {@code FrameLevelWebSocketTest}, nowhere else.
 *
 * <p>Why: the public message API ({@code handleMessagesWith}) materializes sub-streams for every
 * message a client sends ({@code splitAfter}, {@code prefixAndTail}, {@code concatSubstreams};
 * akka-http issue 3376), which cost 40 % of a node's CPU at 10,000 messages/s and ~24 KB per idle
 * connection. Here Pekko's own WebSocket stack still does the protocol — frame parsing and
 * rendering, unmasking, UTF-8 decoding (invalid UTF-8 closes with 1007), ping and pong, the periodic
 * keep-alive ping, the close handshake and its timeout — exactly as its message API composes it,
 * minus the message layer on top. In its place {@link TextMessages}, one stage without sub-streams,
 * turns a message's parts into one {@link InboundMessage} and Parley's outbound strings into text
 * frames, and ends the connection with a {@link CloseStatus} Parley chooses (the message API always
 * closes with 1000; akka-http issue 2458).
 */
public final class FrameLevelWebSocket {

  /** How long a close waits for the client's: what Pekko's own stack gives it (3 s). */
  private static final FiniteDuration CLOSE_TIMEOUT = WebSocket.stack$default$3();

  private final WebSocketSettings settings;
  private final LoggingAdapter log;
  private final int maxMessageBytes;

  /**
   * Built once: a connection's handler flow stays referenced for as long as its socket is open,
   * and a blueprint of its own for every connection would cost each one a few KiB.
   */
  private final BidiFlow<FrameEvent, FrameHandler.Output, Object, FrameEvent, NotUsed> pekkoStack;

  public FrameLevelWebSocket(ActorSystem<?> system, int maxMessageBytes) {
    this.settings = ServerSettings.apply(system.settings().config()).websocketSettings();
    this.log = Logging.getLogger(system.classicSystem(), FrameLevelWebSocket.class);
    this.maxMessageBytes = maxMessageBytes;
    this.pekkoStack = pekkoStack();
  }

  /** Whether this Pekko HTTP offers the frame-level entry point on {@code upgrade}. */
  static boolean servesFrames(WebSocketUpgrade upgrade) {
    return upgrade instanceof UpgradeToWebSocketLowLevel;
  }

  /**
   * The response that upgrades the request to a WebSocket served by {@code messages}: it gets each
   * client message and sends strings, each a text frame. When it completes, the socket closes with
   * {@code closeStatus}, read then. Public for the benchmarks' transport floor ({@code
   * io.parley.benchmarks.floor}), which serves its relay through this same path.
   *
   * @throws IllegalStateException if this Pekko HTTP no longer offers the frame-level entry point
   */
  public HttpResponse handle(
      WebSocketUpgrade upgrade,
      Flow<InboundMessage, String, ?> messages,
      Supplier<CloseStatus> closeStatus,
      Optional<String> subprotocol) {
    if (!servesFrames(upgrade)) {
      throw new IllegalStateException(
          "Pekko HTTP's WebSocket upgrade is no longer an UpgradeToWebSocketLowLevel: "
              + upgrade.getClass().getName());
    }
    return ((UpgradeToWebSocketLowLevel) upgrade)
        .handleFrames(
            anyMaterializedValue(frames(messages, closeStatus)),
            Option.apply(subprotocol.orElse(null)));
  }

  /** {@code handleFrames} takes any materialized value: Java does not see Scala's variance. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Graph<FlowShape<FrameEvent, FrameEvent>, Object> anyMaterializedValue(
      Flow<FrameEvent, FrameEvent, NotUsed> frames) {
    return (Graph) frames;
  }

  /**
   * The same stack over bytes, with the frame parser and renderer {@code handleFrames} adds: what a
   * connection runs between its socket and {@code messages}, for tests and benchmarks.
   */
  public Flow<ByteString, ByteString, NotUsed> overBytes(
      Flow<InboundMessage, String, ?> messages, Supplier<CloseStatus> closeStatus) {
    return BidiFlow.fromGraph(WebSocket.framing()).join(frames(messages, closeStatus));
  }

  private Flow<FrameEvent, FrameEvent, NotUsed> frames(
      Flow<InboundMessage, String, ?> messages, Supplier<CloseStatus> closeStatus) {
    return pekkoStack
        .atop(
            BidiFlow.fromGraph(
                new TextMessages(maxMessageBytes, closeStatus, CLOSE_TIMEOUT)))
        .join(messages);
  }

  /**
   * {@code WebSocket.stack} of Pekko HTTP 1.3.0 for a server without its top layer, {@code
   * messageAPI}: the same layers in the same order with the same settings and close timeout.
   */
  private BidiFlow<FrameEvent, FrameHandler.Output, Object, FrameEvent, NotUsed> pekkoStack() {
    return BidiFlow.fromGraph(WebSocket.masking(true, settings.randomFactory()))
        .atop(BidiFlow.fromGraph(FrameLogger.logFramesIfEnabled(settings.logFrames())))
        .atop(BidiFlow.fromGraph(frameHandling()))
        .atop(BidiFlow.fromGraph(WebSocket.periodicKeepAlive(settings)));
  }

  /** Renders {@code FrameStart}s, which are {@code FrameEvent}s: Java does not see Scala's variance. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private Graph<BidiShape<FrameEventOrError, FrameHandler.Output, Object, FrameEvent>, NotUsed>
      frameHandling() {
    return (Graph) WebSocket.frameHandling(true, CLOSE_TIMEOUT, log);
  }

  /**
   * The layer Pekko's {@code messageAPI} would be, without a sub-stream per message. Up: a
   * message's parts (from {@code FrameHandler}) become one {@link InboundMessage}; what is not a
   * message part (a pong to send, the peer's close, a protocol error's close) goes down to
   * {@code FrameOutHandler}, as the message API's bypass does. Down: each string becomes a text
   * frame; the end of the strings becomes the close, then the close timeout ends the stage.
   */
  private static final class TextMessages
      extends GraphStage<BidiShape<FrameHandler.Output, InboundMessage, String, Object>> {

    private static final Object CLOSE_TIMEOUT = "close-timeout";

    private final Inlet<FrameHandler.Output> fromClient = Inlet.create("TextMessages.fromClient");
    private final Outlet<InboundMessage> toParley = Outlet.create("TextMessages.toParley");
    private final Inlet<String> fromParley = Inlet.create("TextMessages.fromParley");
    private final Outlet<Object> toClient = Outlet.create("TextMessages.toClient");
    private final BidiShape<FrameHandler.Output, InboundMessage, String, Object> shape =
        BidiShape.of(fromClient, toParley, fromParley, toClient);

    private final int maxMessageBytes;
    private final Supplier<CloseStatus> closeStatus;
    private final FiniteDuration closeTimeout;

    TextMessages(int maxMessageBytes, Supplier<CloseStatus> closeStatus, FiniteDuration closeTimeout) {
      this.maxMessageBytes = maxMessageBytes;
      this.closeStatus = closeStatus;
      this.closeTimeout = closeTimeout;
    }

    @Override
    public BidiShape<FrameHandler.Output, InboundMessage, String, Object> shape() {
      return shape;
    }

    @Override
    public TimerGraphStageLogic createLogic(Attributes attributes) {
      return new TimerGraphStageLogic(shape) {
        private final MessageAssembler message = new MessageAssembler(maxMessageBytes);
        private boolean peerClosed;
        private boolean closing;

        {
          setHandler(
              fromClient,
              new AbstractInHandler() {
                @Override
                public void onPush() {
                  fromClient(grab(fromClient));
                }

                @Override
                public void onUpstreamFinish() {
                  complete(toParley);
                }
              });
          setHandler(
              toParley,
              new AbstractOutHandler() {
                @Override
                public void onPull() {
                  pullClient();
                }

                @Override
                public void onDownstreamFinish(Throwable cause) {
                  // Like the message API: the connection stays up for what Parley still sends,
                  // and pings and the close are still answered.
                  pullClient();
                }
              });
          setHandler(
              fromParley,
              new AbstractInHandler() {
                @Override
                public void onPush() {
                  emit(toClient, textFrame(grab(fromParley)));
                }

                @Override
                public void onUpstreamFinish() {
                  if (peerClosed) {
                    // FrameOutHandler answers the client's close once it sees this
                    emit(toClient, FrameHandler.UserHandlerCompleted$.MODULE$);
                  } else if (!closing) {
                    CloseStatus status = closeStatus.get();
                    emit(
                        toClient,
                        new FrameHandler.ActivelyCloseWithCode(
                            Option.<Object>apply(status.code()), status.reason()));
                    startClosing();
                  }
                }

                @Override
                public void onUpstreamFailure(Throwable cause) {
                  // closes with 1011 and logs the cause, as for a failing message handler
                  emit(toClient, new FrameHandler.UserHandlerErredOut(cause));
                  startClosing();
                }
              });
          setHandler(
              toClient,
              new AbstractOutHandler() {
                @Override
                public void onPull() {
                  if (!hasBeenPulled(fromParley) && !isClosed(fromParley)) {
                    pull(fromParley);
                  }
                }
              });
        }

        @Override
        public void preStart() {
          pull(fromClient);
        }

        private void fromClient(FrameHandler.Output part) {
          if (part instanceof FrameHandler.TextMessagePart text) {
            message.text(text.data());
            pullClient();
          } else if (part instanceof FrameHandler.BinaryMessagePart) {
            message.binary();
            pullClient();
          } else if (part == FrameHandler.MessageEnd$.MODULE$) {
            InboundMessage whole = message.finish();
            if (isClosed(toParley)) {
              pullClient();
            } else {
              // toParley's next pull asks for the next message
              emit(toParley, whole);
            }
          } else {
            if (part instanceof FrameHandler.PeerClosed) {
              peerClosed = true;
              complete(toParley);
            } else if (part instanceof FrameHandler.ActivelyCloseWithCode) {
              // a protocol error (1002, or 1007 for invalid UTF-8): FrameOutHandler sends the close
              complete(toParley);
              startClosing();
            }
            emit(toClient, part, this::pullClient);
          }
        }

        /**
         * The close is sent: FrameOutHandler waits for the client's close, for which Pekko's
         * message API gives it the close timeout by sending ticks. Ending this stage at the
         * timeout ends FrameOutHandler, and the connection, the same way.
         */
        private void startClosing() {
          closing = true;
          scheduleOnce(CLOSE_TIMEOUT, closeTimeout);
        }

        @Override
        public void onTimer(Object key) {
          completeStage();
        }

        private void pullClient() {
          if (!hasBeenPulled(fromClient) && !isClosed(fromClient)) {
            pull(fromClient);
          }
        }
      };
    }

    /** RFC 6455's text opcode; Java cannot name Scala's {@code Opcode.Text} object. */
    private static final Protocol.Opcode TEXT = Protocol.Opcode$.MODULE$.forCode((byte) 1);

    private static FrameEvent textFrame(String text) {
      return FrameEvent.fullFrame(
          TEXT,
          Option.empty(),
          ByteString.fromString(text),
          true,
          false,
          false,
          false);
    }
  }
}
