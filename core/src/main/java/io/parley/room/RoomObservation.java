package io.parley.room;

import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * What is around every room's behaviour for its operators: the logging context of every line it
 * logs, and its end in the node's meters.
 *
 * <p>The logging context ({@code roomId}; {@code sessionId} and {@code userId} of the session a
 * message is about) is set for every message the room's actor takes, Pekko's own included: a
 * room's side effects after a journal write and its recovery run on the journal's answers, which
 * are not {@link RoomCommand}s, and {@code Behaviors.withMdc(RoomCommand.class, …)} would leave
 * them without one.
 */
final class RoomObservation {

  private RoomObservation() {}

  /** {@code room}, logging with its context and counted out of the node's meters when it stops. */
  @SuppressWarnings("unchecked")
  static Behavior<RoomCommand> around(String roomId, Behavior<RoomCommand> room) {
    Behavior<Object> anyMessage = (Behavior<Object>) (Behavior<?>) room;
    Behavior<Object> observed =
        Behaviors.intercept(
            StopCounted::new,
            Behaviors.withMdc(
                Object.class, Map.of("roomId", roomId), RoomObservation::aboutSession, anyMessage));
    return (Behavior<RoomCommand>) (Behavior<?>) observed;
  }

  /** The session and user a message is about, as far as the message says. */
  static Map<String, String> aboutSession(Object message) {
    Map<String, String> mdc = new HashMap<>(2);
    if (message instanceof RoomCommand.OpenSession open) {
      mdc.put("sessionId", open.sessionId());
      mdc.put("userId", open.userId());
    } else if (message instanceof RoomCommand.CloseSession close) {
      mdc.put("sessionId", close.sessionId());
    } else if (message instanceof RoomCommand.Durable durable) {
      mdc.put("sessionId", durable.sessionId());
    } else if (message instanceof RoomCommand.MoveCursor cursor) {
      mdc.put("sessionId", cursor.sessionId());
    } else if (message instanceof RoomCommand.SessionActive active) {
      mdc.put("sessionId", active.sessionId());
    } else if (message instanceof RoomCommand.HeldCursorDue due) {
      mdc.put("sessionId", due.sessionId());
    } else if (message instanceof RoomCommand.GraceExpired grace) {
      mdc.put("userId", grace.userId());
    }
    return mdc;
  }

  /**
   * Puts the session a side effect is about into the logging context of the message being
   * handled (a journal answer carries none), for the lines that follow.
   */
  static void aboutSession(String sessionId) {
    org.slf4j.MDC.put("sessionId", sessionId);
  }

  /** Takes the room out of the node's meters when its actor stops (moved, passivated, crashed). */
  private static final class StopCounted extends BehaviorInterceptor<Object, Object> {

    StopCounted() {
      super(Object.class);
    }

    @Override
    public Behavior<Object> aroundReceive(
        TypedActorContext<Object> ctx, Object msg, ReceiveTarget<Object> target) {
      return target.apply(ctx, msg);
    }

    @Override
    public Behavior<Object> aroundSignal(
        TypedActorContext<Object> ctx, Signal signal, SignalTarget<Object> target) {
      if (signal instanceof PostStop) {
        RoomMetrics.of(ctx.asJava().getSystem()).roomStopped(ctx.asJava().getSelf());
      }
      return target.apply(ctx, signal);
    }
  }
}
