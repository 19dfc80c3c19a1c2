package io.parley.room;

import io.parley.presence.Member;
import io.parley.presence.MemberStatus;
import io.parley.presence.Session;
import io.parley.ratelimit.RateLimitHandover;
import io.parley.ratelimit.RateLimits;
import io.parley.ratelimit.TokenBucket;
import io.parley.validation.FieldValidator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One room, event sourced and sharded by room id. It orders every durable change, acknowledges a
 * command only after its event is in the journal, and pushes each persisted event to the
 * connections of the room's sessions. Decisions live in {@link RoomRules}; this class
 * orchestrates: the journal, the connection watches, the grace and passivation timers.
 */
public final class RoomEntity
    extends EventSourcedBehaviorWithEnforcedReplies<RoomCommand, RoomEvent, RoomState> {

  public static final EntityTypeKey<RoomCommand> TYPE_KEY =
      EntityTypeKey.create(RoomCommand.class, "Room");

  private static final String PASSIVATION_TIMER = "passivation";
  private static final String CURSOR_TIMER = "cursors";

  private final ActorContext<RoomCommand> context;
  private final TimerScheduler<RoomCommand> timers;
  private final Optional<ActorRef<ClusterSharding.ShardCommand>> shard;
  private final RoomSettings settings;
  private final RoomRules rules;
  private final Clock clock;

  /** Latest activity per member that changed nothing durable (cursors, pings); memory only. */
  private final Map<String, Instant> lastActivity = new HashMap<>();

  /** The latest events, for connections that resume or missed some. */
  private final RecentEvents recentEvents;

  /**
   * The token buckets of the members, shared by all sessions of a user: reconnecting does not
   * refill them. Memory only, handed to the room's next start on this node when it stops.
   */
  private final RateLimits rateLimits;

  private final RateLimitHandover rateLimitHandover;

  /** Keeps an event the journal would refuse out of a write (and only its command fails). */
  private final EventCheck eventCheck;

  private final String roomId;

  /**
   * Per session, the newest cursor that arrived over its user's rate, waiting for a token
   * ({@link RoomCommand.HeldCursorDue}). At most one per session; memory only.
   */
  private final Map<String, RoomCommand.MoveCursor> heldCursors = new HashMap<>();

  /**
   * Durable commands that arrived since the last journal write, in arrival order, waiting for
   * {@link RoomCommand.WriteBatch}; memory only (a command lost with it is never acked, and its
   * client retries it under the same id).
   */
  private final List<RoomCommand.Durable> batch = new ArrayList<>();

  /** The newest relayed cursor of each session since the last cursor tick; memory only. */
  private final Map<String, RoomUpdate.CursorMoved> pendingCursors = new LinkedHashMap<>();

  private final CursorTicks cursorTicks;

  /** Cursors dropped for going over their user's rate since the room started (logged at debug). */
  private long droppedCursors;

  /**
   * Presence fixes found during recovery (sessions whose connection is gone, graces that ran
   * out while the room was stopped) and not yet persisted. Reads wait for them, so that no
   * reader ever sees a member online whose connection is known to be gone.
   */
  private final Set<RoomCommand> pendingRecoveryFixes = new HashSet<>();

  private RoomEntity(
      String roomId,
      ActorContext<RoomCommand> context,
      TimerScheduler<RoomCommand> timers,
      Optional<ActorRef<ClusterSharding.ShardCommand>> shard,
      RoomSettings settings,
      Clock clock,
      RateLimitHandover rateLimitHandover,
      EventCheck eventCheck) {
    super(
        PersistenceId.of(TYPE_KEY.name(), roomId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
    this.roomId = roomId;
    this.context = context;
    this.timers = timers;
    this.shard = shard;
    this.settings = settings;
    this.rules = new RoomRules(new FieldValidator(settings.limits()), settings.membersPerRoom());
    this.recentEvents = new RecentEvents(settings.recentEvents());
    this.rateLimitHandover = rateLimitHandover;
    this.rateLimits =
        rateLimitHandover
            .take(roomId, clock.instant())
            .orElseGet(() -> new RateLimits(settings.rates()));
    this.eventCheck = eventCheck;
    this.cursorTicks = new CursorTicks(settings.cursorInterval());
    this.clock = clock;
  }

  /**
   * A room; under Cluster Sharding ({@code shard} present) it asks its shard to passivate it when
   * it has no members. {@code rateLimitHandover} is the node's, shared by all its rooms.
   */
  public static Behavior<RoomCommand> create(
      String roomId,
      RoomSettings settings,
      Optional<ActorRef<ClusterSharding.ShardCommand>> shard,
      Clock clock,
      RateLimitHandover rateLimitHandover,
      EventCheck eventCheck) {
    return Behaviors.withMdc(
        RoomCommand.class,
        Map.of("roomId", roomId),
        Behaviors.setup(
            context ->
                Behaviors.withTimers(
                    timers ->
                        new RoomEntity(
                            roomId,
                            context,
                            timers,
                            shard,
                            settings,
                            clock,
                            rateLimitHandover,
                            eventCheck))));
  }

  /** A room that checks events by serializing them, with a handover of its own. */
  public static Behavior<RoomCommand> create(
      String roomId,
      RoomSettings settings,
      Optional<ActorRef<ClusterSharding.ShardCommand>> shard,
      Clock clock) {
    return Behaviors.setup(
        context ->
            create(
                roomId,
                settings,
                shard,
                clock,
                new RateLimitHandover(),
                EventCheck.serializable(context.getSystem())));
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
        .onSignal(RecoveryCompleted.instance(), this::verifyRecoveredPresence)
        .onSignal(
            PostStop.instance(),
            state -> rateLimitHandover.park(roomId, rateLimits, clock.instant()))
        .build();
  }

  @Override
  public CommandHandlerWithReply<RoomCommand, RoomEvent, RoomState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(RoomCommand.OpenSession.class, afterBatch(afterRecoveryFixes(this::onOpenSession)))
        .onCommand(RoomCommand.CloseSession.class, afterBatch(this::onCloseSession))
        .onCommand(RoomCommand.GraceExpired.class, afterBatch(this::onGraceExpired))
        .onCommand(RoomCommand.SessionActive.class, this::onSessionActive)
        .onCommand(RoomCommand.MoveCursor.class, this::onMoveCursor)
        .onCommand(RoomCommand.HeldCursorDue.class, this::onHeldCursorDue)
        .onCommand(RoomCommand.FlushCursors.class, this::onFlushCursors)
        .onCommand(RoomCommand.GetSnapshot.class, this::onGetSnapshot)
        .onCommand(
            RoomCommand.Replay.class,
            (state, c) ->
                Effect()
                    .reply(
                        c.replyTo(),
                        new SessionReply.Missed(
                            c.afterVersion(),
                            recentEvents.after(c.afterVersion(), state.version()))))
        .onCommand(RoomCommand.PassivateIfEmpty.class, this::onPassivateIfEmpty)
        .onCommand(
            RoomCommand.RecoveryWatchesChecked.class, afterBatch(this::onRecoveryWatchesChecked))
        .onCommand(RoomCommand.WriteBatch.class, this::onWriteBatch)
        .onCommand(RoomCommand.Stop.class, this::onStop)
        .onCommand(RoomCommand.Durable.class, this::onDurable)
        .build();
  }

  @Override
  public EventHandler<RoomState, RoomEvent> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onAnyEvent((state, event) -> state.apply(event, settings.stateBounds()));
  }

  private ReplyEffect<RoomEvent, RoomState> onOpenSession(
      RoomState state, RoomCommand.OpenSession command) {
    Decision decision = rules.openSession(state, command, clock.instant());
    if (decision instanceof Decision.Accept accept) {
      return Effect()
          .persist(accept.event())
          .thenRun(
              (RoomState next) -> {
                context.watchWith(
                    command.connection(),
                    new RoomCommand.CloseSession(command.sessionId(), RoomCommand.SessionEnd.LOST));
                timers.cancel(graceTimer(command.userId()));
                afterChange(next, accept.event(), command.sessionId());
              })
          .thenReply(
              command.connection(),
              next -> new SessionReply.Welcome(command.sessionId(), next.withActivity(lastActivity)));
    }
    Decision.Reject reject = (Decision.Reject) decision;
    return Effect()
        .reply(
            command.connection(),
            new SessionReply.Refused(command.sessionId(), reject.code(), reject.message()));
  }

  private ReplyEffect<RoomEvent, RoomState> onCloseSession(
      RoomState state, RoomCommand.CloseSession command) {
    Decision decision =
        rules.closeSession(state, command.sessionId(), command.end(), clock.instant());
    Optional<Session> session =
        state
            .memberOfSession(command.sessionId())
            .map(member -> member.sessions().get(command.sessionId()));
    session.ifPresent(s -> context.unwatch(s.connection()));
    heldCursors.remove(command.sessionId());
    pendingCursors.remove(command.sessionId());
    ReplyEffect<RoomEvent, RoomState> effect =
        persistWithoutReply(decision, command, command.sessionId());
    if (command.end() == RoomCommand.SessionEnd.LEAVE && session.isPresent()) {
      // The connection waits for this before it stops, so that its termination (which the
      // room watches) cannot overtake the leave and turn it into a lost connection.
      ActorRef<SessionInbox> connection = session.get().connection();
      connection.tell(new SessionReply.Left(command.sessionId()));
    }
    return effect;
  }

  private ReplyEffect<RoomEvent, RoomState> onGraceExpired(
      RoomState state, RoomCommand.GraceExpired command) {
    return persistWithoutReply(
        rules.graceExpired(state, command.userId(), clock.instant()), command, null);
  }

  /** Persists a presence change nobody waits an answer for, releasing reads it held back. */
  private ReplyEffect<RoomEvent, RoomState> persistWithoutReply(
      Decision decision, RoomCommand command, String skipSessionId) {
    boolean releasesReads = pendingRecoveryFixes.remove(command) && pendingRecoveryFixes.isEmpty();
    EffectBuilder<RoomEvent, RoomState> effect =
        decision instanceof Decision.Accept accept
            ? Effect()
                .persist(accept.event())
                .thenRun((RoomState next) -> afterChange(next, accept.event(), skipSessionId))
            : Effect().none();
    ReplyEffect<RoomEvent, RoomState> done = effect.thenNoReply();
    return releasesReads ? done.thenUnstashAll() : done;
  }

  /**
   * A presence change waits until the durable commands that arrived before it are written, so
   * that, for instance, a change sent just before a leave is applied, not refused.
   */
  private <C extends RoomCommand> BiFunction<RoomState, C, ReplyEffect<RoomEvent, RoomState>> afterBatch(
      BiFunction<RoomState, C, ReplyEffect<RoomEvent, RoomState>> handler) {
    return (state, command) -> batch.isEmpty() ? handler.apply(state, command) : Effect().stash();
  }

  /**
   * A welcome carries a snapshot: like every read, it waits for the presence fixes found at
   * recovery, so that no new session is shown a member online whose connection is known gone.
   */
  private <C extends RoomCommand> BiFunction<RoomState, C, ReplyEffect<RoomEvent, RoomState>> afterRecoveryFixes(
      BiFunction<RoomState, C, ReplyEffect<RoomEvent, RoomState>> handler) {
    return (state, command) ->
        pendingRecoveryFixes.isEmpty() ? handler.apply(state, command) : Effect().stash();
  }

  /**
   * Rate limits are applied on arrival; the command then waits for the room's next write
   * (group commit): whatever arrives while a write is in flight goes into the next one, so a busy
   * room pays one journal round trip per batch, not per command, and an idle one adds only a
   * message to itself.
   */
  private ReplyEffect<RoomEvent, RoomState> onDurable(
      RoomState state, RoomCommand.Durable command) {
    Optional<ReplyEffect<RoomEvent, RoomState>> limited = rateLimited(state, command);
    if (limited.isPresent()) {
      return limited.get();
    }
    if (batch.isEmpty()) {
      context.getSelf().tell(new RoomCommand.WriteBatch());
    }
    batch.add(command);
    return Effect().noReply();
  }

  /**
   * Decides the waiting durable commands in arrival order, each against the state the ones before
   * it produced, and writes all their events in one journal write. After the write each event is
   * delivered and then its command acked, in order; retries get their original ack and refused
   * commands their rejection, in the same order. An event the journal would refuse is left out
   * and only its command is rejected ({@link RejectCode#NOT_STORED}): the others are written.
   */
  private ReplyEffect<RoomEvent, RoomState> onWriteBatch(
      RoomState state, RoomCommand.WriteBatch write) {
    Instant now = clock.instant();
    List<RoomEvent> events = new ArrayList<>(batch.size());
    List<Runnable> afterWrite = new ArrayList<>(batch.size());
    RoomState running = state;
    for (RoomCommand.Durable command : batch) {
      Decision decision = storable(rules.durable(running, command, now), command);
      if (decision instanceof Decision.Accept accept) {
        running = running.apply(accept.event(), settings.stateBounds());
        RoomState after = running;
        events.add(accept.event());
        afterWrite.add(
            () -> {
              afterChange(after, accept.event(), null);
              command.replyTo().tell(new CommandReply.Accepted(command.commandId(), after.version()));
            });
      } else if (decision instanceof Decision.Duplicate duplicate) {
        // A retry of a command already in the journal (or earlier in this batch): its event was
        // delivered when it was applied, so only the original ack is repeated.
        afterWrite.add(
            () ->
                command
                    .replyTo()
                    .tell(new CommandReply.Accepted(command.commandId(), duplicate.version())));
      } else {
        Decision.Reject reject = (Decision.Reject) decision;
        afterWrite.add(
            () ->
                command
                    .replyTo()
                    .tell(
                        new CommandReply.Rejected(
                            command.commandId(), reject.code(), reject.message())));
      }
    }
    batch.clear();
    EffectBuilder<RoomEvent, RoomState> effect =
        events.isEmpty() ? Effect().none() : Effect().persist(events);
    return effect
        .thenRun((RoomState written) -> afterWrite.forEach(Runnable::run))
        .thenNoReply()
        .thenUnstashAll();
  }

  private Decision storable(Decision decision, RoomCommand.Durable command) {
    if (!(decision instanceof Decision.Accept accept)) {
      return decision;
    }
    Optional<String> refusal = eventCheck.refusal(accept.event());
    if (refusal.isEmpty()) {
      return decision;
    }
    context
        .getLog()
        .error(
            "command {} of session {} rejected: its event cannot be stored: {}",
            command.commandId(),
            command.sessionId(),
            refusal.get());
    return new Decision.Reject(RejectCode.NOT_STORED, "the room could not store this change");
  }

  /**
   * Every durable command of a member takes a token of its user's bucket, whatever it turns out
   * to be (a retry or an invalid command too: each costs the room work): chat from the chat
   * bucket, the others from the commands bucket. Without one, the command is rejected with the
   * time until the next token. A command from a session that is not open is left to the rules.
   */
  private Optional<ReplyEffect<RoomEvent, RoomState>> rateLimited(
      RoomState state, RoomCommand.Durable command) {
    Optional<Member> author = state.memberOfSession(command.sessionId());
    if (author.isEmpty()) {
      return Optional.empty();
    }
    boolean chat = command instanceof RoomCommand.PostChat;
    TokenBucket.Result taken =
        rateLimits.tryTake(
            author.get().userId(),
            chat ? RateLimits.Kind.CHAT : RateLimits.Kind.COMMANDS,
            clock.instant());
    if (taken.granted()) {
      return Optional.empty();
    }
    String message =
        (chat ? "too many chat messages" : "too many changes")
            + "; retry in "
            + ceilMillis(taken.retryAfter())
            + " ms";
    return Optional.of(
        Effect()
            .reply(
                command.replyTo(),
                new CommandReply.Rejected(
                    command.commandId(),
                    RejectCode.RATE_LIMITED,
                    message,
                    Optional.of(taken.retryAfter()))));
  }

  private static long ceilMillis(Duration duration) {
    long millis = duration.toMillis();
    return duration.equals(Duration.ofMillis(millis)) ? millis : millis + 1;
  }

  private ReplyEffect<RoomEvent, RoomState> onSessionActive(
      RoomState state, RoomCommand.SessionActive command) {
    state
        .memberOfSession(command.sessionId())
        .ifPresent(member -> lastActivity.merge(member.userId(), command.at(), RoomEntity::later));
    return Effect().noReply();
  }

  /**
   * Relays a cursor to the other sessions, within its user's cursor rate. A cursor over the rate
   * is held back, one per session: a newer cursor of the session replaces it (the replaced one
   * is dropped), and when the user has a token again the held one is relayed. So the excess is
   * dropped, yet the last position of a pointer that stops still reaches the others.
   */
  private ReplyEffect<RoomEvent, RoomState> onMoveCursor(
      RoomState state, RoomCommand.MoveCursor command) {
    Optional<Member> author = state.memberOfSession(command.sessionId());
    if (author.isPresent()) {
      Instant now = clock.instant();
      lastActivity.merge(author.get().userId(), now, RoomEntity::later);
      if (heldCursors.remove(command.sessionId()) != null) {
        cursorDropped(author.get().userId());
      }
      relayOrHold(state, author.get().userId(), command, now);
    }
    return Effect().noReply();
  }

  private ReplyEffect<RoomEvent, RoomState> onHeldCursorDue(
      RoomState state, RoomCommand.HeldCursorDue due) {
    RoomCommand.MoveCursor held = heldCursors.remove(due.sessionId());
    Optional<Member> author = state.memberOfSession(due.sessionId());
    if (held != null && author.isPresent()) {
      relayOrHold(state, author.get().userId(), held, clock.instant());
    }
    return Effect().noReply();
  }

  private void relayOrHold(
      RoomState state, String userId, RoomCommand.MoveCursor command, Instant now) {
    TokenBucket.Result taken = rateLimits.tryTake(userId, RateLimits.Kind.CURSORS, now);
    if (taken.granted()) {
      pendingCursors.put(
          command.sessionId(),
          new RoomUpdate.CursorMoved(
              userId, command.sessionId(), command.x(), command.y(), command.documentId()));
      if (!timers.isTimerActive(CURSOR_TIMER)) {
        Duration wait = cursorTicks.waitBefore(now);
        if (wait.isZero()) {
          flushCursors(state, now);
        } else {
          timers.startSingleTimer(CURSOR_TIMER, new RoomCommand.FlushCursors(), wait);
        }
      }
      return;
    }
    heldCursors.put(command.sessionId(), command);
    String timer = cursorTimer(command.sessionId());
    if (!timers.isTimerActive(timer)) {
      timers.startSingleTimer(timer, new RoomCommand.HeldCursorDue(command.sessionId()), taken.retryAfter());
    }
  }

  private ReplyEffect<RoomEvent, RoomState> onFlushCursors(
      RoomState state, RoomCommand.FlushCursors flush) {
    flushCursors(state, clock.instant());
    return Effect().noReply();
  }

  /**
   * Sends the pending cursors, one message to each session. A session that closes takes its
   * pending cursor with it ({@link #onCloseSession}), so every cursor here is of a session
   * still in the room.
   */
  private void flushCursors(RoomState state, Instant now) {
    cursorTicks.sent(now);
    if (pendingCursors.isEmpty()) {
      return;
    }
    List<RoomUpdate.CursorMoved> moved = List.copyOf(pendingCursors.values());
    pendingCursors.clear();
    RoomUpdate.Cursors tick = new RoomUpdate.Cursors(moved);
    // a session whose own cursor is all the tick holds has nothing to receive
    String onlyMover = moved.size() == 1 ? moved.get(0).sessionId() : null;
    forEachSession(state, onlyMover, session -> session.connection().tell(tick));
  }

  private void cursorDropped(String userId) {
    droppedCursors++;
    context
        .getLog()
        .debug("dropped a cursor of {} over its rate ({} dropped in this room)", userId, droppedCursors);
  }

  private ReplyEffect<RoomEvent, RoomState> onGetSnapshot(
      RoomState state, RoomCommand.GetSnapshot command) {
    if (!pendingRecoveryFixes.isEmpty()) {
      return Effect().stash();
    }
    return Effect().reply(command.replyTo(), state.withActivity(lastActivity));
  }

  /**
   * Watching a connection on this node that is already gone queues its {@code CloseSession} while
   * the message that completed recovery is handled, behind round 1 of this check. Round 2,
   * queued by round 1, comes after it: when round 2 arrives, every such session is closed, and
   * the reads held back since recovery can be answered.
   */
  private ReplyEffect<RoomEvent, RoomState> onRecoveryWatchesChecked(
      RoomState state, RoomCommand.RecoveryWatchesChecked command) {
    if (command.round() < 2) {
      recoveryFix(new RoomCommand.RecoveryWatchesChecked(command.round() + 1));
    }
    return persistWithoutReply(new Decision.Ignore(), command, null);
  }

  /**
   * Under sharding the room stops through its shard, which keeps the messages sent meanwhile
   * and hands them to the next incarnation; alone (in tests) it just stops.
   */
  private ReplyEffect<RoomEvent, RoomState> onStop(RoomState state, RoomCommand.Stop command) {
    if (shard.isPresent()) {
      shard.get().tell(new ClusterSharding.Passivate<>(context.getSelf()));
      return Effect().noReply();
    }
    return Effect().stop().thenNoReply();
  }

  private ReplyEffect<RoomEvent, RoomState> onPassivateIfEmpty(
      RoomState state, RoomCommand.PassivateIfEmpty command) {
    if (state.members().isEmpty()) {
      shard.ifPresent(s -> s.tell(new ClusterSharding.Passivate<>(context.getSelf())));
    }
    return Effect().noReply();
  }

  /** Runs after an event is in the journal: deliver it, then keep the timers in step. */
  private void afterChange(RoomState next, RoomEvent event, String skipSessionId) {
    RoomUpdate.EventDelivered update = new RoomUpdate.EventDelivered(next.version(), event);
    recentEvents.append(update);
    forEachSession(next, skipSessionId, session -> session.connection().tell(update));
    if (event instanceof RoomEvent.MemberAway away) {
      timers.startSingleTimer(
          graceTimer(away.userId()),
          new RoomCommand.GraceExpired(away.userId()),
          settings.gracePeriod());
    } else if (event instanceof RoomEvent.MemberLeft left) {
      timers.cancel(graceTimer(left.userId()));
      lastActivity.remove(left.userId());
      rateLimits.userLeft(left.userId(), clock.instant());
    }
    schedulePassivation(next);
  }

  private void schedulePassivation(RoomState state) {
    if (state.members().isEmpty()) {
      timers.startSingleTimer(
          PASSIVATION_TIMER, new RoomCommand.PassivateIfEmpty(), settings.passivateAfter());
    } else {
      timers.cancel(PASSIVATION_TIMER);
    }
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
   * A recovered room does not know which of the connections it remembers are still there. A
   * connection on this node or on a current cluster member is watched: if it is gone, the watch
   * says so at once; if it is alive, its session carries on untouched. A connection on a node
   * that is no longer in the cluster (a process that was killed and replaced) is gone: its
   * session is closed now. Graces that ran out while the room was stopped end now too.
   */
  private void verifyRecoveredPresence(RoomState state) {
    // after a journal failure the room recovers again in the same actor: start the check anew
    pendingRecoveryFixes.clear();
    Instant now = clock.instant();
    Set<Address> clusterNodes = null;
    boolean watching = false;
    for (Member member : state.members().values()) {
      if (member.status() == MemberStatus.AWAY) {
        Duration left =
            Duration.between(now, member.awaySince().orElse(now).plus(settings.gracePeriod()));
        RoomCommand.GraceExpired expire = new RoomCommand.GraceExpired(member.userId());
        if (left.isNegative() || left.isZero()) {
          recoveryFix(expire);
        } else {
          timers.startSingleTimer(graceTimer(member.userId()), expire, left);
        }
      }
      for (Session session : member.sessions().values()) {
        RoomCommand.CloseSession lost =
            new RoomCommand.CloseSession(session.sessionId(), RoomCommand.SessionEnd.LOST);
        Address address = session.connection().path().address();
        if (!address.hasLocalScope() && clusterNodes == null) {
          clusterNodes = clusterNodes();
        }
        if (address.hasLocalScope() || clusterNodes.contains(address)) {
          context.watchWith(session.connection(), lost);
          watching = true;
        } else {
          recoveryFix(lost);
        }
      }
    }
    if (watching) {
      recoveryFix(new RoomCommand.RecoveryWatchesChecked(1));
    }
    schedulePassivation(state);
  }

  private void recoveryFix(RoomCommand fix) {
    pendingRecoveryFixes.add(fix);
    context.getSelf().tell(fix);
  }

  private Set<Address> clusterNodes() {
    return StreamSupport.stream(
            Cluster.get(context.getSystem()).state().getMembers().spliterator(), false)
        .map(org.apache.pekko.cluster.Member::address)
        .collect(Collectors.toSet());
  }

  private static String graceTimer(String userId) {
    return "grace:" + userId;
  }

  private static String cursorTimer(String sessionId) {
    return "cursor:" + sessionId;
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
