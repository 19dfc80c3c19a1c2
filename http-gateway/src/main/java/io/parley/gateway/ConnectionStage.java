package io.parley.gateway;

import io.parley.protocol.DecodeResult;
import io.parley.room.SessionInbox;
import java.time.Duration;
import java.util.function.Function;
import org.apache.pekko.actor.Terminated;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.stream.stage.TimerGraphStageLogic;
import scala.Tuple2;
import scala.concurrent.duration.FiniteDuration;
import scala.jdk.javaapi.DurationConverters;
import scala.runtime.BoxedUnit;

/**
 * The one Parley stage of a WebSocket's stream, between {@link FrameLevelWebSocket}'s messages and
 * the {@link ConnectionActor}. One stage, because an idle connection pays for every stage it has
 * (a stage logic, its ports and connections, its async-callback set), and for an outbound queue
 * that is a stream of its own, an interpreter and an actor more: W3 measured 51 KiB of heap per
 * idle connection with a chain of eight stages and such a queue, 40 KiB with this stage.
 *
 * <p>In: each client message, decoded, goes to the actor as a {@link ConnectionActor.FrameArrived};
 * the next one is read only once the actor acknowledged it, so a client cannot flood the actor. The
 * end of the client's messages becomes {@link ConnectionActor.StreamEnded} (or {@link
 * ConnectionActor.StreamFailed}), and closes the outbound side. The acknowledgements come through
 * the stage's actor, which also watches the connection actor: if that stops without closing the
 * outbound side (it failed), the stage closes it, and then reads and drops what the client sends.
 * Acknowledging through the stage actor costs one message per frame, as an async callback would,
 * and no more memory, since the watch needs the stage actor anyway.
 *
 * <p>Out: the frames the actor offers to the {@link OutboundQueue}, in order. Once it is closed,
 * the frames still queued, then the last frame, then the end of the stream (the socket closes with
 * the queue's {@link OutboundQueue#closeStatus()}); frames still queued {@code drainTimeout} after
 * the close are dropped, but not the last frame.
 *
 * <p>The connection counts as open from the stage's start to its stop ({@link Lifecycle}).
 */
final class ConnectionStage extends GraphStage<FlowShape<InboundMessage, String>> {

  /** What happens when the connection's stream starts and stops, and for each frame written. */
  interface Lifecycle {
    void opened();

    void frameOut(String frame);

    void closed();
  }

  private static final Object DRAIN_TIMEOUT = "drain-timeout";

  private final Inlet<InboundMessage> in = Inlet.create("ConnectionStage.in");
  private final Outlet<String> out = Outlet.create("ConnectionStage.out");
  private final FlowShape<InboundMessage, String> shape = FlowShape.of(in, out);

  private final ActorRef<SessionInbox> connection;
  private final OutboundQueue queue;
  private final FiniteDuration drainTimeout;
  private final Function<InboundMessage, DecodeResult> decode;
  private final Lifecycle lifecycle;

  /**
   * @param decode reads a client message (and counts it)
   * @param drainTimeout how long a closed queue's client gets to read what is queued for it
   */
  ConnectionStage(
      ActorRef<SessionInbox> connection,
      OutboundQueue queue,
      Duration drainTimeout,
      Function<InboundMessage, DecodeResult> decode,
      Lifecycle lifecycle) {
    this.connection = connection;
    this.queue = queue;
    this.drainTimeout = DurationConverters.toScala(drainTimeout);
    this.decode = decode;
    this.lifecycle = lifecycle;
  }

  @Override
  public FlowShape<InboundMessage, String> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new TimerGraphStageLogic(shape) {
      private ActorRef<ConnectionActor.Ack> acks;
      private AsyncCallback<BoxedUnit> woken;
      private boolean awaitingAck;
      private boolean draining;
      private boolean dropped;

      {
        setHandler(
            in,
            new AbstractInHandler() {
              @Override
              public void onPush() {
                DecodeResult result = decode.apply(grab(in));
                awaitingAck = true;
                connection.tell(new ConnectionActor.FrameArrived(acks, result));
              }

              @Override
              public void onUpstreamFinish() {
                // closed first: the actor that hears of the end finds nothing more to queue
                queue.close();
                connection.tell(new ConnectionActor.StreamEnded());
              }

              @Override
              public void onUpstreamFailure(Throwable cause) {
                queue.close();
                connection.tell(new ConnectionActor.StreamFailed(cause));
              }
            });
        setHandler(
            out,
            new AbstractOutHandler() {
              @Override
              public void onPull() {
                write();
              }

              @Override
              public void onDownstreamFinish(Throwable cause) {
                // the socket is closing: the actor still hears of the end of the client's messages
                queue.drop();
              }
            });
      }

      @Override
      public void preStart() {
        lifecycle.opened();
        GraphStageLogic.StageActor self = getStageActor(this::fromActor);
        self.watch(Adapter.toClassic(connection));
        acks = Adapter.toTyped(self.ref());
        woken = createAsyncCallback(unit -> onWoken());
        queue.listen(() -> woken.invoke(BoxedUnit.UNIT));
        pull(in);
        // the actor may have closed the queue before the stream started
        onWoken();
      }

      private BoxedUnit fromActor(Tuple2<org.apache.pekko.actor.ActorRef, Object> message) {
        if (message._2() == ConnectionActor.Ack.INSTANCE) {
          // one acknowledgement for each frame: a second one would let two frames be in flight
          if (awaitingAck && !isClosed(in)) {
            awaitingAck = false;
            pull(in);
          }
        } else if (message._2() instanceof Terminated) {
          // it failed: nobody reads what the client sends, and nobody closes the queue
          queue.close();
          if (!isClosed(in)) {
            cancel(in);
          }
        }
        return BoxedUnit.UNIT;
      }

      private void onWoken() {
        if (queue.isClosed() && !draining) {
          draining = true;
          scheduleOnce(DRAIN_TIMEOUT, drainTimeout);
        }
        write();
      }

      @Override
      public void onTimer(Object key) {
        dropped = true;
        queue.drop();
        write();
      }

      /** Writes the next frame if the client wants one and there is one; ends the stream after the last. */
      private void write() {
        if (!isAvailable(out)) {
          return;
        }
        String frame = dropped ? null : queue.poll();
        if (frame != null) {
          lifecycle.frameOut(frame);
          push(out, frame);
        } else if (draining) {
          String last = queue.lastFrame();
          if (last != null) {
            lifecycle.frameOut(last);
            push(out, last);
          }
          complete(out);
        }
      }

      @Override
      public void postStop() {
        queue.drop();
        lifecycle.closed();
      }
    };
  }
}
