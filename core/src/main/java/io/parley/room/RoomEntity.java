package io.parley.room;

import io.parley.presence.Member;
import io.parley.presence.Session;
import io.parley.validation.FieldValidator;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One room, event sourced and sharded by room id. It orders every durable change, acknowledges a
 * command only after its event is in the journal, and pushes each persisted event to the
 * connections of the room's sessions. Decisions live in {@link RoomRules}; this class
 * orchestrates.
 */
public final class RoomEntity
    extends EventSourcedBehaviorWithEnforcedReplies<RoomCommand, RoomEvent, RoomState> {

  public static final EntityTypeKey<RoomCommand> TYPE_KEY =
      EntityTypeKey.create(RoomCommand.class, "Room");

  private final ActorContext<RoomCommand> context;
  private final RoomSettings settings;
  private final RoomRules rules;
  private final Clock clock;

  private RoomEntity(
      String roomId, ActorContext<RoomCommand> context, RoomSettings settings, Clock clock) {
    super(
        PersistenceId.of(TYPE_KEY.name(), roomId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
    this.context = context;
    this.settings = settings;
    this.rules = new RoomRules(new FieldValidator(settings.limits()));
    this.clock = clock;
  }

  public static Behavior<RoomCommand> create(String roomId, RoomSettings settings) {
    return create(roomId, settings, Clock.systemUTC());
  }

  public static Behavior<RoomCommand> create(String roomId, RoomSettings settings, Clock clock) {
    return Behaviors.withMdc(
        RoomCommand.class,
        Map.of("roomId", roomId),
        Behaviors.setup(context -> new RoomEntity(roomId, context, settings, clock)));
  }

  @Override
  public RoomState emptyState() {
    return RoomState.empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), settings.snapshotsKept());
  }

  @Override
  public SignalHandler<RoomState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::watchRecoveredSessions)
        .build();
  }

  @Override
  public CommandHandlerWithReply<RoomCommand, RoomEvent, RoomState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(RoomCommand.OpenSession.class, this::onOpenSession)
        .onCommand(RoomCommand.CloseSession.class, this::onCloseSession)
        .onCommand(RoomCommand.MoveCursor.class, this::onMoveCursor)
        .onCommand(RoomCommand.GetSnapshot.class, (state, c) -> Effect().reply(c.replyTo(), state))
        .onCommand(RoomCommand.Durable.class, this::onDurable)
        .build();
  }

  @Override
  public EventHandler<RoomState, RoomEvent> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onAnyEvent((state, event) -> state.apply(event, settings.chatHistory()));
  }

  private ReplyEffect<RoomEvent, RoomState> onOpenSession(
      RoomState state, RoomCommand.OpenSession command) {
    Decision decision = rules.openSession(state, command, clock.instant());
    if (decision instanceof Decision.Accept accept) {
      return Effect()
          .persist(accept.event())
          .thenRun(
              (RoomState next) -> {
                context.watchWith(command.connection(), new RoomCommand.CloseSession(command.sessionId()));
                deliver(next, accept.event(), command.sessionId());
              })
          .thenReply(command.connection(), next -> new SessionReply.Welcome(command.sessionId(), next));
    }
    Decision.Reject reject = (Decision.Reject) decision;
    return Effect()
        .reply(
            command.connection(),
            new SessionReply.Refused(command.sessionId(), reject.code(), reject.message()));
  }

  private ReplyEffect<RoomEvent, RoomState> onCloseSession(
      RoomState state, RoomCommand.CloseSession command) {
    Decision decision = rules.closeSession(state, command.sessionId(), clock.instant());
    if (!(decision instanceof Decision.Accept accept)) {
      return Effect().noReply();
    }
    state
        .memberOfSession(command.sessionId())
        .map(member -> member.sessions().get(command.sessionId()))
        .ifPresent(session -> context.unwatch(session.connection()));
    return Effect()
        .persist(accept.event())
        .thenRun((RoomState next) -> deliver(next, accept.event(), command.sessionId()))
        .thenNoReply();
  }

  private ReplyEffect<RoomEvent, RoomState> onDurable(
      RoomState state, RoomCommand.Durable command) {
    Decision decision = rules.durable(state, command, clock.instant());
    if (decision instanceof Decision.Accept accept) {
      return Effect()
          .persist(accept.event())
          .thenRun((RoomState next) -> deliver(next, accept.event(), null))
          .thenReply(
              command.replyTo(), next -> new CommandReply.Accepted(command.commandId(), next.version()));
    }
    Decision.Reject reject = (Decision.Reject) decision;
    return Effect()
        .reply(
            command.replyTo(),
            new CommandReply.Rejected(command.commandId(), reject.code(), reject.message()));
  }

  private ReplyEffect<RoomEvent, RoomState> onMoveCursor(
      RoomState state, RoomCommand.MoveCursor command) {
    state
        .memberOfSession(command.sessionId())
        .ifPresent(
            author -> {
              RoomUpdate cursor =
                  new RoomUpdate.CursorMoved(
                      author.userId(), command.sessionId(), command.x(), command.y(), command.documentId());
              forEachSession(state, command.sessionId(), session -> session.connection().tell(cursor));
            });
    return Effect().noReply();
  }

  /** Sends a persisted event to every session of the room except {@code skipSessionId}. */
  private void deliver(RoomState next, RoomEvent event, String skipSessionId) {
    RoomUpdate update = new RoomUpdate.EventDelivered(next.version(), event);
    forEachSession(next, skipSessionId, session -> session.connection().tell(update));
  }

  private static void forEachSession(
      RoomState state, String skipSessionId, Consumer<Session> action) {
    for (Member member : state.members().values()) {
      for (Session session : member.sessions().values()) {
        if (!session.sessionId().equals(skipSessionId)) {
          action.accept(session);
        }
      }
    }
  }

  /**
   * A recovered room does not know whether the connections it remembers are still there. Watching
   * them tells it: a connection that is gone (its process died, its node left) is reported as
   * terminated and its session is closed; a live one carries on untouched.
   */
  private void watchRecoveredSessions(RoomState state) {
    for (Member member : state.members().values()) {
      for (Session session : member.sessions().values()) {
        context.watchWith(session.connection(), new RoomCommand.CloseSession(session.sessionId()));
      }
    }
  }
}
