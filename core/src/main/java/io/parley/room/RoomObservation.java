package io.parley.room;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.MDC;

/**
 * What is around every room's behaviour for its operators: the logging context of every line it
 * logs, and its end in the node's meters.
 *
 * <p>The logging context ({@code roomId}; {@code sessionId} and {@code userId} of the session a
 * message is about) is set for every message the room's actor takes, Pekko's own included: a
 * room's side effects after a journal write and its recovery run on the journal's answers, which
 * are not {@link RoomCommand}s, and {@code Behaviors.withMdc(RoomCommand.class, …)} would leave
 * them without one. The user of a session comes from the message or from the room's members
 * ({@link RoomMeters#userOfSession}).
 */
final class RoomObservation {

  private RoomObservation() {}

  /** {@code room}, logging with its context and counted out of the node's meters when it stops. */
  @SuppressWarnings("unchecked")
  static Behavior<RoomCommand> around(String roomId, Behavior<RoomCommand> room) {
    Behavior<Object> anyMessage = (Behavior<Object>) (Behavior<?>) room;
    Behavior<Object> observed = Behaviors.intercept(() -> new Observed(roomId), anyMessage);
    return (Behavior<RoomCommand>) (Behavior<?>) observed;
  }

  /** The session a message is about, as far as the message says; null if none. */
  static String sessionOf(Object message) {
    if (message instanceof RoomCommand.OpenSession open) {
      return open.sessionId();
    } else if (message instanceof RoomCommand.CloseSession close) {
      return close.sessionId();
    } else if (message instanceof RoomCommand.Durable durable) {
      return durable.sessionId();
    } else if (message instanceof RoomCommand.MoveCursor cursor) {
      return cursor.sessionId();
    } else if (message instanceof RoomCommand.SessionActive active) {
      return active.sessionId();
    } else if (message instanceof RoomCommand.HeldCursorDue due) {
      return due.sessionId();
    }
    return null;
  }

  /**
   * Puts the session a side effect is about into the logging context of the message being
   * handled (a journal answer carries none), for the lines that follow.
   */
  static void aboutSession(String sessionId) {
    MDC.put("sessionId", sessionId);
  }

  /**
   * Sets the logging context around every message and signal, and takes the room out of the
   * node's meters when its actor stops (moved, passivated, crashed).
   */
  private static final class Observed extends BehaviorInterceptor<Object, Object> {

    private final String roomId;
    private RoomMeters meters;

    Observed(String roomId) {
      super(Object.class);
      this.roomId = roomId;
    }

    @Override
    public Behavior<Object> aroundStart(TypedActorContext<Object> ctx, PreStartTarget<Object> target) {
      try {
        MDC.put("roomId", roomId);
        return target.start(ctx);
      } finally {
        MDC.clear();
      }
    }

    @Override
    public Behavior<Object> aroundReceive(
        TypedActorContext<Object> ctx, Object msg, ReceiveTarget<Object> target) {
      try {
        MDC.put("roomId", roomId);
        String sessionId = sessionOf(msg);
        String userId =
            msg instanceof RoomCommand.OpenSession open
                ? open.userId()
                : msg instanceof RoomCommand.GraceExpired grace
                    ? grace.userId()
                    : sessionId == null ? null : meters(ctx.asJava()).userOfSession(sessionId);
        if (sessionId != null) {
          MDC.put("sessionId", sessionId);
        }
        if (userId != null) {
          MDC.put("userId", userId);
        }
        return target.apply(ctx, msg);
      } finally {
        MDC.clear();
      }
    }

    @Override
    public Behavior<Object> aroundSignal(
        TypedActorContext<Object> ctx, Signal signal, SignalTarget<Object> target) {
      try {
        MDC.put("roomId", roomId);
        if (signal instanceof PostStop) {
          RoomMetrics.of(ctx.asJava().getSystem()).roomStopped(ctx.asJava().getSelf());
        }
        return target.apply(ctx, signal);
      } finally {
        MDC.clear();
      }
    }

    private RoomMeters meters(ActorContext<Object> context) {
      if (meters == null) {
        meters = RoomMetrics.of(context.getSystem()).room(context.getSelf());
      }
      return meters;
    }

    @Override
    public boolean isSame(BehaviorInterceptor<Object, Object> other) {
      return other instanceof Observed;
    }
  }
}
