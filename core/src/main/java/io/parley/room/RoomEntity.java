package io.parley.room;

import io.parley.presence.Member;
import io.parley.presence.Session;
import io.parley.ratelimit.RateLimitHandover;
import io.parley.ratelimit.RateLimits;
import io.parley.validation.FieldValidator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
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
 * connections of the room's sessions, once per node ({@link RoomFanout}). It routes and
 * persists: decisions are {@link RoomRules}, batching is {@link GroupCommit}, the check after a
 * start is {@link PresenceRecovery}, cursors are {@link CursorRelay}.
 */
public final class RoomEntity
    extends EventSourcedBehaviorWithEnforcedReplies<RoomCommand, RoomEvent, RoomState> {

  public static final EntityTypeKey<RoomCommand> TYPE_KEY =
      EntityTypeKey.create(RoomCommand.class, "Room");

  private final String roomId;
  private final ActorContext<RoomCommand> context;
  private final RoomTimers timers;
  private final Optional<ActorRef<ClusterSharding.ShardCommand>> shard;
  private final RoomSettings settings;
  private final RoomRules rules;
  private final Clock clock;

  /** The members' token buckets; handed to the room's next start on this node when it stops. */
  private final RateLimits rateLimits;

  private final RateLimitHandover rateLimitHandover;
  private final CommandRates commandRates;
  private final GroupCommit groupCommit;
  private final PresenceRecovery presenceRecovery;
  private final CursorRelay cursors;
  private final RoomFanout fanout;
  private final RoomMeters meters;

  /** The latest events, for connections that resume or missed some. */
  private final RecentEvents recentEvents;

  private final RegistryTags registryTags = new RegistryTags();

  /** Latest activity per member that changed nothing durable (cursors, pings); memory only. */
  private final Map<String, Instant> lastActivity = new HashMap<>();

  private RoomEntity(
      String roomId,
      ActorContext<RoomCommand> context,
      TimerScheduler<RoomCommand> timerScheduler,
      Optional<ActorRef<ClusterSharding.ShardCommand>> shard,
      RoomSettings settings,
      RoomRuntime runtime) {
    super(
        PersistenceId.of(TYPE_KEY.name(), roomId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
    this.roomId = roomId;
    this.context = context;
    this.shard = shard;
    this.settings = settings;
    this.clock = runtime.clock();
    this.meters = RoomMeters.of(context);
    this.rules = new RoomRules(new FieldValidator(settings.limits()), settings.membersPerRoom());
    this.timers =
        new RoomTimers(timerScheduler, settings.gracePeriod(), settings.passivateAfter());
    this.rateLimitHandover = runtime.rateLimitHandover();
    this.rateLimits =
        rateLimitHandover
            .take(roomId, clock.instant())
            .orElseGet(() -> new RateLimits(settings.rates()));
    this.commandRates = new CommandRates(rateLimits, meters.node());
    this.groupCommit = new GroupCommit(rules, runtime.eventCheck(), settings.stateBounds());
    this.presenceRecovery = new PresenceRecovery(settings.gracePeriod());
    this.cursors = new CursorRelay(settings.cursorInterval(), rateLimits, timers, meters.node());
    this.recentEvents = new RecentEvents(settings.recentEvents());
    this.fanout = new RoomFanout(roomId, ActorRefResolver.get(context.getSystem()));
  }

  /**
   * A room; under Cluster Sharding ({@code shard} present) it asks its shard to passivate it when
   * it has no members.
   */
  public static Behavior<RoomCommand> create(
      String roomId,
      RoomSettings settings,
      Optional<ActorRef<ClusterSharding.ShardCommand>> shard,
      RoomRuntime runtime) {
    return RoomObservation.around(
        roomId,
        Behaviors.setup(
            context ->
                Behaviors.withTimers(
                    timers -> new RoomEntity(roomId, context, timers, shard, settings, runtime))));
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
        .onSignal(RecoveryCompleted.instance(), this::checkRecoveredPresence)
        .onSignal(
            PostStop.instance(),
            state -> rateLimitHandover.park(roomId, rateLimits, clock.instant()))
        .build();
  }

  /**
   * Presence changes wait for the durable commands that arrived before them ({@link
   * #afterBatch}); a welcome or a read waits for the presence check after a start too ({@link
   * #afterPresenceCheck}).
   */
  @Override
  public CommandHandlerWithReply<RoomCommand, RoomEvent, RoomState> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(
            RoomCommand.OpenSession.class, afterPresenceCheck(this::onOpenSession))
        .onCommand(RoomCommand.CloseSession.class, afterBatch(this::onCloseSession))
        .onCommand(RoomCommand.GraceExpired.class, afterBatch(this::onGraceExpired))
        .onCommand(RoomCommand.Kick.class, afterBatch(this::onKick))
        .onCommand(RoomCommand.CloseRoom.class, afterBatch(this::onCloseRoom))
        .onCommand(
            RoomCommand.RecoveryWatchesChecked.class, afterBatch(this::onRecoveryWatchesChecked))
        .onCommand(RoomCommand.GetSnapshot.class, afterPresenceCheck(this::onGetSnapshot))
        .onCommand(RoomCommand.Inspect.class, afterPresenceCheck(this::onInspect))
        .onCommand(RoomCommand.Durable.class, this::onDurable)
        .onCommand(RoomCommand.WriteBatch.class, this::onWriteBatch)
        .onCommand(RoomCommand.Replay.class, this::onReplay)
        .onCommand(RoomCommand.SessionActive.class, this::onSessionActive)
        .onCommand(RoomCommand.MoveCursor.class, this::onMoveCursor)
        .onCommand(RoomCommand.HeldCursorDue.class, this::onHeldCursorDue)
        .onCommand(RoomCommand.FlushCursors.class, this::onFlushCursors)
        .onCommand(RoomCommand.PassivateIfEmpty.class, this::onPassivateIfEmpty)
        .onCommand(RoomCommand.Stop.class, this::onStop)
        .build();
  }

  @Override
  public EventHandler<RoomState, RoomEvent> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onAnyEvent(
            (state, event) -> {
              RoomState next = state.apply(event, settings.stateBounds());
              registryTags.track(next);
              return next;
            });
  }

  @Override
  public Set<String> tagsFor(RoomEvent event) {
    return registryTags.tagsFor(event);
  }

  // ---- presence

  /**
   * A join waits for the room's next write with the durable commands, in arrival order: joins
   * that arrive together (a reconnect storm, a class opening its room) cost one journal write.
   */
  private ReplyEffect<RoomEvent, RoomState> onOpenSession(
      RoomState state, RoomCommand.OpenSession command) {
    if (groupCommit.add(command)) {
      context.getSelf().tell(new RoomCommand.WriteBatch());
    }
    return Effect().noReply();
  }

  /** After the write: the connection is watched, then welcomed with the room it joined. */
  private void welcome(GroupCommit.Joined joined) {
    RoomCommand.OpenSession command = joined.command();
    context.watchWith(
        command.connection(),
        new RoomCommand.CloseSession(command.sessionId(), RoomCommand.SessionEnd.LOST));
    timers.cancelGrace(command.userId());
    afterChange(joined.after(), joined.event(), command.sessionId());
    fanout.welcome(
        command.connection(),
        new SessionReply.Welcome(command.sessionId(), joined.after().withActivity(lastActivity)));
  }

  private void refuse(GroupCommit.JoinRefused refused) {
    RoomCommand.OpenSession command = refused.command();
    refused
        .cause()
        .ifPresent(
            cause -> {
              RoomObservation.aboutSession(command.sessionId());
              context
                  .getLog()
                  .error(
                      "join of session {} refused, its event cannot be stored: {}",
                      command.sessionId(),
                      cause);
            });
    command
        .connection()
        .tell(new SessionReply.Refused(command.sessionId(), refused.code(), refused.message()));
  }

  private ReplyEffect<RoomEvent, RoomState> onCloseSession(
      RoomState state, RoomCommand.CloseSession command) {
    Decision decision =
        rules.closeSession(state, command.sessionId(), command.end(), clock.instant());
    Optional<Session> session =
        state
            .memberOfSession(command.sessionId())
            .map(member -> member.sessions().get(command.sessionId()));
    session.ifPresent(
        s -> {
          context.unwatch(s.connection());
          fanout.sessionClosed(s);
        });
    cursors.sessionClosed(command.sessionId());
    ReplyEffect<RoomEvent, RoomState> effect =
        persistPresence(decision, command, command.sessionId());
    if (command.end() == RoomCommand.SessionEnd.LEAVE && session.isPresent()) {
      // The connection waits for this before it stops, so that its termination (which the
      // room watches) cannot overtake the leave and turn it into a lost connection.
      session.get().connection().tell(new SessionReply.Left(command.sessionId()));
    }
    return effect;
  }

  // ---- moderation

  private ReplyEffect<RoomEvent, RoomState> onKick(RoomState state, RoomCommand.Kick command) {
    return endMembers(state, command, rules.kick(state, command.userId(), clock.instant()));
  }

  private ReplyEffect<RoomEvent, RoomState> onCloseRoom(
      RoomState state, RoomCommand.CloseRoom command) {
    return endMembers(state, command, rules.closeRoom(state, clock.instant()));
  }

  /**
   * Writes the leaves, then ends the sessions of the members who left: each connection is told
   * why after the answer to the command, both straight from the room, so that an administrator
   * who closes the room gets the ack before its own session ends.
   */
  private ReplyEffect<RoomEvent, RoomState> endMembers(
      RoomState state, RoomCommand.Moderation command, List<RoomEvent> leaves) {
    if (leaves.isEmpty()) {
      return Effect()
          .reply(command.replyTo(), new CommandReply.Accepted(command.commandId(), state.version()));
    }
    List<Map.Entry<Session, RoomEvent.LeaveReason>> ended = new ArrayList<>();
    for (RoomEvent event : leaves) {
      RoomEvent.MemberLeft left = (RoomEvent.MemberLeft) event;
      state
          .member(left.userId())
          .ifPresent(
              member ->
                  member.sessions().values().forEach(s -> ended.add(Map.entry(s, left.reason()))));
    }
    for (Map.Entry<Session, RoomEvent.LeaveReason> end : ended) {
      context.unwatch(end.getKey().connection());
      fanout.sessionClosed(end.getKey());
      cursors.sessionClosed(end.getKey().sessionId());
    }
    context.getLog().info("{} ended {} member(s)", command.getClass().getSimpleName(), leaves.size());
    return Effect()
        .persist(leaves)
        .thenRun(
            (RoomState next) -> {
              long version = next.version() - leaves.size();
              for (RoomEvent event : leaves) {
                version++;
                afterChange(next, event, version, null);
              }
              command.replyTo().tell(new CommandReply.Accepted(command.commandId(), next.version()));
              ended.forEach(
                  end ->
                      end.getKey()
                          .connection()
                          .tell(new SessionReply.Ended(end.getKey().sessionId(), end.getValue())));
            })
        .thenNoReply();
  }

  private ReplyEffect<RoomEvent, RoomState> onGraceExpired(
      RoomState state, RoomCommand.GraceExpired command) {
    return persistPresence(
        rules.graceExpired(state, command.userId(), clock.instant()), command, null);
  }

  private ReplyEffect<RoomEvent, RoomState> onRecoveryWatchesChecked(
      RoomState state, RoomCommand.RecoveryWatchesChecked command) {
    presenceRecovery.nextRound(command).ifPresent(context.getSelf()::tell);
    return persistPresence(new Decision.Ignore(), command, null);
  }

  /** Persists a presence change nobody waits an answer for, releasing reads it held back. */
  private ReplyEffect<RoomEvent, RoomState> persistPresence(
      Decision decision, RoomCommand command, String skipSessionId) {
    boolean releasesReads = presenceRecovery.handled(command);
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
    return (state, command) ->
        groupCommit.isEmpty() ? handler.apply(state, command) : Effect().stash();
  }

  /**
   * Whatever shows the room's members (a read, a welcome) waits for the presence fixes found at
   * a start, so that nobody is shown a member online whose connection is known gone.
   */
  private <C extends RoomCommand> BiFunction<RoomState, C, ReplyEffect<RoomEvent, RoomState>> afterPresenceCheck(
      BiFunction<RoomState, C, ReplyEffect<RoomEvent, RoomState>> handler) {
    return (state, command) ->
        presenceRecovery.holdsReads() ? Effect().stash() : handler.apply(state, command);
  }

  private void checkRecoveredPresence(RoomState state) {
    // a room recovered from a snapshot alone never ran its event handler
    registryTags.track(state);
    meters.recovered(state);
    PresenceRecovery.Plan plan = presenceRecovery.start(state, clock.instant(), this::clusterNodes);
    fanout.started(
        plan.watches().stream()
            .collect(
                Collectors.toMap(
                    watch -> watch.lost().sessionId(), PresenceRecovery.Watch::connection)));
    plan.watches().forEach(watch -> context.watchWith(watch.connection(), watch.lost()));
    plan.graces().forEach(grace -> timers.startGrace(grace.userId(), grace.left()));
    plan.fixes().forEach(context.getSelf()::tell);
    timers.passivateIfEmpty(state);
  }

  private Set<Address> clusterNodes() {
    return StreamSupport.stream(
            Cluster.get(context.getSystem()).state().getMembers().spliterator(), false)
        .map(org.apache.pekko.cluster.Member::address)
        .collect(Collectors.toSet());
  }

  // ---- durable commands

  /** Rate limits apply on arrival; the command then waits for the room's next write. */
  private ReplyEffect<RoomEvent, RoomState> onDurable(
      RoomState state, RoomCommand.Durable command) {
    Optional<CommandReply.Rejected> limited = commandRates.check(state, command, clock.instant());
    if (limited.isPresent()) {
      return Effect().reply(command.replyTo(), limited.get());
    }
    if (groupCommit.add(command)) {
      context.getSelf().tell(new RoomCommand.WriteBatch());
    }
    return Effect().noReply();
  }

  /**
   * Writes the waiting commands' events in one journal write. After the write each event is
   * delivered and then its command answered (a join welcomed), in arrival order.
   */
  private ReplyEffect<RoomEvent, RoomState> onWriteBatch(
      RoomState state, RoomCommand.WriteBatch write) {
    GroupCommit.Batch batch = groupCommit.decide(state, clock.instant());
    EffectBuilder<RoomEvent, RoomState> effect =
        batch.events().isEmpty() ? Effect().none() : Effect().persist(batch.events());
    return effect
        .thenRun(meters.journalWrite(batch.events().size()))
        .thenRun((RoomState written) -> batch.results().forEach(this::answer))
        .thenNoReply()
        .thenUnstashAll();
  }

  private void answer(GroupCommit.Result result) {
    if (result instanceof GroupCommit.Joined joined) {
      welcome(joined);
      return;
    }
    if (result instanceof GroupCommit.JoinRefused refused) {
      refuse(refused);
      return;
    }
    GroupCommit.Outcome outcome = (GroupCommit.Outcome) result;
    RoomCommand.Durable command = outcome.command();
    if (outcome instanceof GroupCommit.Applied applied) {
      afterChange(applied.after(), applied.event(), null);
    } else if (outcome instanceof GroupCommit.Refused refused && refused.cause().isPresent()) {
      RoomObservation.aboutSession(command.sessionId());
      context
          .getLog()
          .error(
              "command {} of session {} rejected, its event cannot be stored: {}",
              command.commandId(),
              command.sessionId(),
              refused.cause().get());
    }
    fanout.answer(command.replyTo(), outcome.reply());
  }

  // ---- reads, activity and cursors

  private ReplyEffect<RoomEvent, RoomState> onGetSnapshot(
      RoomState state, RoomCommand.GetSnapshot command) {
    return Effect().reply(command.replyTo(), state.withActivity(lastActivity));
  }

  private ReplyEffect<RoomEvent, RoomState> onInspect(
      RoomState state, RoomCommand.Inspect command) {
    return Effect()
        .reply(
            command.replyTo(),
            RoomInspection.of(
                roomId,
                context.getSystem().address(),
                state.withActivity(lastActivity),
                OverloadAwareMailbox.depth(context)));
  }

  private ReplyEffect<RoomEvent, RoomState> onReplay(RoomState state, RoomCommand.Replay command) {
    return Effect()
        .reply(
            command.replyTo(),
            new SessionReply.Missed(
                command.afterVersion(),
                recentEvents.after(command.afterVersion(), state.version())));
  }

  private ReplyEffect<RoomEvent, RoomState> onSessionActive(
      RoomState state, RoomCommand.SessionActive command) {
    state
        .memberOfSession(command.sessionId())
        .ifPresent(member -> lastActivity.merge(member.userId(), command.at(), RoomEntity::later));
    return Effect().noReply();
  }

  private ReplyEffect<RoomEvent, RoomState> onMoveCursor(
      RoomState state, RoomCommand.MoveCursor command) {
    Optional<Member> author = state.memberOfSession(command.sessionId());
    if (author.isPresent()) {
      Instant now = clock.instant();
      lastActivity.merge(author.get().userId(), now, RoomEntity::later);
      cursors.move(author.get().userId(), command, now).ifPresent(tick -> send(state, tick));
    }
    return Effect().noReply();
  }

  private ReplyEffect<RoomEvent, RoomState> onHeldCursorDue(
      RoomState state, RoomCommand.HeldCursorDue due) {
    state
        .memberOfSession(due.sessionId())
        .flatMap(author -> cursors.heldDue(due.sessionId(), author.userId(), clock.instant()))
        .ifPresent(tick -> send(state, tick));
    return Effect().noReply();
  }

  private ReplyEffect<RoomEvent, RoomState> onFlushCursors(
      RoomState state, RoomCommand.FlushCursors flush) {
    cursors.tick(clock.instant()).ifPresent(tick -> send(state, tick));
    return Effect().noReply();
  }

  private void send(RoomState state, CursorRelay.Tick tick) {
    fanout.cursors(state, tick.cursors(), tick.skipSession());
  }

  // ---- lifecycle

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
    afterChange(next, event, next.version(), skipSessionId);
  }

  /** As above for one of several events written together; {@code version} is its own. */
  private void afterChange(RoomState next, RoomEvent event, long version, String skipSessionId) {
    RoomUpdate.EventDelivered update = new RoomUpdate.EventDelivered(version, event);
    recentEvents.append(update);
    fanout.event(next, update, Optional.ofNullable(skipSessionId));
    if (event instanceof RoomEvent.MemberAway away) {
      timers.startGrace(away.userId());
    } else if (event instanceof RoomEvent.MemberLeft left) {
      timers.cancelGrace(left.userId());
      lastActivity.remove(left.userId());
      rateLimits.userLeft(left.userId(), clock.instant());
    }
    meters.membersChanged(next);
    timers.passivateIfEmpty(next);
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
