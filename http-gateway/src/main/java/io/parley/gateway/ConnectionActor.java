package io.parley.gateway;

import io.parley.auth.Authentication;
import io.parley.auth.FramePermission;
import io.parley.auth.HelloIdentity;
import io.parley.auth.Identity;
import io.parley.auth.Permission;
import io.parley.auth.RoomAccess;
import io.parley.auth.Verification;
import io.parley.limits.ConnectionLimiter;
import io.parley.limits.InvalidFrameWindow;
import io.parley.persistence.RoomHistory;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.DecodeResult;
import io.parley.protocol.EncodedCursorTick;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.FrameEncoder;
import io.parley.room.CommandReply;
import io.parley.room.RejectCode;
import io.parley.room.RoomCommand;
import io.parley.room.RoomEvent;
import io.parley.room.RoomUpdate;
import io.parley.room.SessionInbox;
import io.parley.room.SessionReply;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * One WebSocket connection: it speaks the protocol, turning client frames into room commands and
 * room updates into server frames. It is the session's actor: the room watches it, so when the
 * connection goes, so does the session. Catching up on missed events is {@link CatchUp}; the
 * order of delivery is {@link DeliveryOrder}.
 *
 * <p>Inbound frames arrive one at a time from the connection's {@link ConnectionStage}, which
 * waits for an {@link Ack} of each before it reads the next: that bounds what a client can push at
 * it; while the session is being opened the one waiting frame is held back. What it sends goes
 * into the {@link OutboundQueue} the stage writes from.
 */
public final class ConnectionActor {

  /** Lets the connection's stage send the next frame. */
  public enum Ack {
    INSTANCE
  }

  record FrameArrived(ActorRef<Ack> ack, DecodeResult result) implements SessionInbox {}

  record StreamEnded() implements SessionInbox {}

  record StreamFailed(Throwable cause) implements SessionInbox {}

  /**
   * The node is shutting down ({@link GatewayDrain}): the client is told to reconnect after
   * {@code retryAfter} and the connection closes.
   */
  record Reconnect(Duration retryAfter) implements SessionInbox {}

  /** No {@code hello} arrived within {@code hello-timeout}. */
  private record HelloTimedOut() implements SessionInbox {}

  /** The room did not answer the {@code hello} within {@code command-timeout}. */
  private record JoinTimedOut() implements SessionInbox {}

  private record CommandTimedOut(String id) implements SessionInbox {}

  /** How long a command waits once its room started again; the timer of the same key replaces. */
  private record CommandTimedOutAfterRestart(String id) implements SessionInbox {}

  /** The room did not confirm a {@code leave} within {@code command-timeout}. */
  private record LeaveTimedOut() implements SessionInbox {}

  /** A closing connection's client did not end the socket within {@code close-drain-timeout}. */
  private record CloseTimedOut() implements SessionInbox {}

  private record IdleCheck() implements SessionInbox {}

  /** {@code refresh-ahead} before the token expires: the client is told to refresh. */
  private record TokenExpiring() implements SessionInbox {}

  /** The token expired without a refresh. */
  private record TokenExpired() implements SessionInbox {}

  private record OutboundFull() implements SessionInbox {}

  /** A catch-up looks again for room in the outbound buffer. */
  private record DrainBacklog() implements SessionInbox {}

  /** Held cursors look again for room in the outbound buffer. */
  private record RetryCursors() implements SessionInbox {}

  private record HistoryRead(List<RoomUpdate.EventDelivered> events, Throwable failure)
      implements SessionInbox {}

  /** How often a connection whose outbound buffer is full looks for room in it again. */
  private static final Duration OUTBOUND_POLL = Duration.ofMillis(10);

  private final String roomId;
  private final EntityRef<RoomCommand> room;
  private final RoomHistory history;
  private final ConnectionLimiter.Lease lease;
  private final InvalidFrameWindow invalidFrames;
  private final StashBuffer<SessionInbox> stash;
  private final OutboundQueue out;
  private final GatewaySettings settings;
  private final FrameEncoder encoder;
  private final Clock clock;
  private final ActorContext<SessionInbox> context;
  private final TimerScheduler<SessionInbox> timers;
  private final String sessionId = UUID.randomUUID().toString();
  private final Set<String> pendingCommands = new HashSet<>();
  private final FrameEncoder.Heartbeat heartbeat;
  private final CatchUp catchUp;
  private final Authentication authentication;
  private final ConnectionMeters meters;

  /**
   * Cursors of other sessions held back while durable frames fill more than half the outbound
   * buffer, so that ephemeral signals never delay durable ones; the newest per session wins.
   */
  private final Map<String, String> heldCursors = new LinkedHashMap<>();

  /** Replaced by each accepted refresh. */
  private RoomAccess access;

  private String userId;
  private Optional<Long> resumeFrom = Optional.empty();
  private DeliveryOrder delivery;
  private FrameArrived heldBack;
  private boolean slowConsumer;
  private Instant lastInbound;
  private Instant lastActivityReport = Instant.MIN;

  private ConnectionActor(
      String roomId,
      EntityRef<RoomCommand> room,
      RoomHistory history,
      OutboundQueue out,
      ConnectionLimiter.Lease lease,
      GatewaySettings settings,
      FrameEncoder encoder,
      Clock clock,
      RoomAccess access,
      Authentication authentication,
      ActorContext<SessionInbox> context,
      TimerScheduler<SessionInbox> timers,
      StashBuffer<SessionInbox> stash) {
    this.roomId = roomId;
    this.room = room;
    this.history = history;
    this.stash = stash;
    this.lease = lease;
    this.invalidFrames =
        new InvalidFrameWindow(settings.invalidFramesMax(), settings.invalidFramesWindow());
    this.out = out;
    this.settings = settings;
    this.encoder = encoder;
    this.clock = clock;
    this.context = context;
    this.timers = timers;
    this.heartbeat = new FrameEncoder.Heartbeat(settings.heartbeatInterval(), settings.idleTimeout());
    this.catchUp = new CatchUp(out.capacity());
    this.lastInbound = clock.instant();
    this.access = access;
    this.authentication = authentication;
    this.meters = ConnectionMeters.of(context);
  }

  public static Behavior<SessionInbox> create(
      String roomId,
      EntityRef<RoomCommand> room,
      RoomHistory history,
      OutboundQueue out,
      ConnectionLimiter.Lease lease,
      GatewaySettings settings,
      FrameEncoder encoder,
      Clock clock,
      RoomAccess access,
      Authentication authentication) {
    return Behaviors.withMdc(
        SessionInbox.class,
        Map.of("roomId", roomId),
        Behaviors.setup(
            context ->
                Behaviors.withStash(
                    settings.outboundBufferFrames(),
                    stash ->
                        Behaviors.withTimers(
                            timers -> {
                              timers.startSingleTimer(
                                  new HelloTimedOut(), settings.helloTimeout());
                              timers.startTimerWithFixedDelay(
                                  new IdleCheck(), settings.idleTimeout().dividedBy(4));
                              ConnectionActor connection =
                                  new ConnectionActor(
                                      roomId,
                                      room,
                                      history,
                                      out,
                                      lease,
                                      settings,
                                      encoder,
                                      clock,
                                      access,
                                      authentication,
                                      context,
                                      timers,
                                      stash);
                              connection.scheduleExpiry();
                              return connection.awaitingHello();
                            }))));
  }

  // ---- opening the session

  private Behavior<SessionInbox> awaitingHello() {
    return Behaviors.receive(SessionInbox.class)
        .onMessage(FrameArrived.class, this::beforeWelcome)
        .onMessage(
            HelloTimedOut.class,
            m ->
                closeWithError(
                    ErrorCode.PROTOCOL_ORDER,
                    "no hello within " + settings.helloTimeout().toSeconds() + " s"))
        .onMessage(IdleCheck.class, m -> Behaviors.same())
        .onMessage(TokenExpiring.class, this::onTokenExpiring)
        .onMessage(TokenExpired.class, this::onTokenExpired)
        .onMessage(Reconnect.class, this::reconnect)
        .onMessage(StreamEnded.class, m -> Behaviors.stopped())
        .onMessage(StreamFailed.class, m -> Behaviors.stopped())
        .build();
  }

  private Behavior<SessionInbox> beforeWelcome(FrameArrived arrived) {
    lastInbound = clock.instant();
    arrived.ack().tell(Ack.INSTANCE);
    if (arrived.result() instanceof DecodeResult.Malformed malformed) {
      return onMalformed(malformed);
    }
    ClientFrame frame = ((DecodeResult.Decoded) arrived.result()).frame();
    if (frame instanceof ClientFrame.Ping ping) {
      send(encoder.pong(ping.id()));
      return Behaviors.same();
    }
    if (frame instanceof ClientFrame.Refresh refresh) {
      return onRefresh(refresh);
    }
    if (!(frame instanceof ClientFrame.Hello hello)) {
      Optional<String> id =
          frame instanceof ClientFrame.Command command ? Optional.of(command.id()) : Optional.empty();
      send(encoder.error(ErrorCode.PROTOCOL_ORDER, Optional.empty(), "the first frame must be hello", id));
      return Behaviors.same();
    }
    HelloIdentity.Resolution resolution = HelloIdentity.resolve(hello, access.identity());
    if (resolution instanceof HelloIdentity.Refused refused) {
      if (refused.code() == ErrorCode.IDENTITY_MISMATCH) {
        context.getLog().info("refusing a hello that does not match its token ({})", refused.field());
        return closeWithError(refused.code(), refused.message());
      }
      send(encoder.error(refused.code(), Optional.of(refused.field()), refused.message(), Optional.empty()));
      return Behaviors.same();
    }
    HelloIdentity.Resolved identity = (HelloIdentity.Resolved) resolution;
    if (!lease.bindUser(identity.userId())) {
      return closeWithError(
          ErrorCode.JOIN_REFUSED,
          "too_many_connections: more than "
              + settings.connectionLimits().perUser()
              + " open connections of this user");
    }
    timers.cancel(new HelloTimedOut());
    userId = identity.userId();
    resumeFrom = hello.resumeVersion();
    room.tell(
        new RoomCommand.OpenSession(
            sessionId, identity.userId(), identity.name(), identity.color(), context.getSelf()));
    timers.startSingleTimer(new JoinTimedOut(), settings.commandTimeout());
    return joining();
  }

  private Behavior<SessionInbox> joining() {
    return Behaviors.receive(SessionInbox.class)
        .onMessage(SessionReply.Welcome.class, this::onWelcome)
        .onMessage(
            SessionReply.Refused.class,
            refused -> {
              out.offerLast(
                  encoder.joinRefused(
                      refused.code().wireName() + ": " + refused.message(), refused.retryAfter()),
                  CloseStatus.forError(ErrorCode.JOIN_REFUSED));
              return closing();
            })
        .onMessage(
            JoinTimedOut.class,
            m -> closeWithError(ErrorCode.JOIN_REFUSED, "timeout: the room did not answer in time"))
        .onMessage(FrameArrived.class, this::holdBack)
        .onMessage(IdleCheck.class, m -> Behaviors.same())
        .onMessage(TokenExpiring.class, this::onTokenExpiring)
        .onMessage(TokenExpired.class, this::onTokenExpired)
        .onMessage(Reconnect.class, this::reconnect)
        .onMessage(StreamEnded.class, m -> socketGone())
        .onMessage(StreamFailed.class, m -> socketGone())
        .build();
  }

  private Behavior<SessionInbox> holdBack(FrameArrived arrived) {
    lastInbound = clock.instant();
    heldBack = arrived;
    return Behaviors.same();
  }

  private Behavior<SessionInbox> onWelcome(SessionReply.Welcome welcome) {
    timers.cancel(new JoinTimedOut());
    lastInbound = clock.instant();
    long current = welcome.snapshot().version();
    if (heldBack != null) {
      context.getSelf().tell(heldBack);
      heldBack = null;
    }
    Map<String, String> mdc = Map.of("roomId", roomId, "userId", userId, "sessionId", sessionId);
    meters.joined(mdc);
    if (settings.resumes(resumeFrom, current)) {
      delivery = new DeliveryOrder(resumeFrom.get());
      send(
          encoder.resumedWelcome(
              roomId, sessionId, userId, resumeFrom.get(), heartbeat, access.grant()));
      context.getLog().debug("session {} resumes from version {}", sessionId, resumeFrom.get());
      return Behaviors.withMdc(SessionInbox.class, mdc, catchingUp());
    }
    delivery = new DeliveryOrder(current);
    send(encoder.welcome(roomId, sessionId, userId, welcome.snapshot(), heartbeat, access.grant()));
    context.getLog().debug("session {} opened at version {}", sessionId, current);
    return Behaviors.withMdc(SessionInbox.class, mdc, joined());
  }

  // ---- catching up

  /**
   * Fetches the events after the last one delivered (a resume, or a gap in what arrived) and
   * delivers them before anything that arrives meanwhile, which waits in the stash.
   */
  private Behavior<SessionInbox> catchingUp() {
    room.tell(new RoomCommand.Replay(delivery.lastVersion(), context.getSelf()));
    return Behaviors.receive(SessionInbox.class)
        .onMessage(SessionReply.Missed.class, this::onMissed)
        .onMessage(HistoryRead.class, this::onHistoryRead)
        .onMessage(DrainBacklog.class, m -> continueCatchUp())
        .onMessage(RoomUpdate.Cursors.class, this::onRawCursors)
        .onMessage(EncodedUpdates.Cursors.class, c -> onCursors(c.tick()))
        .onMessage(RetryCursors.class, m -> sendHeldCursors())
        .onMessage(OutboundFull.class, this::onOutboundFull)
        .onMessage(IdleCheck.class, m -> Behaviors.same())
        .onMessage(Reconnect.class, this::reconnect)
        .onMessage(StreamEnded.class, m -> socketGone())
        .onMessage(StreamFailed.class, m -> socketGone())
        .onAnyMessage(this::holdUntilCaughtUp)
        .build();
  }

  private Behavior<SessionInbox> holdUntilCaughtUp(SessionInbox message) {
    if (stash.isFull()) {
      return closeWithError(
          ErrorCode.CATCH_UP_FAILED, "too much arrived while catching up; resume to continue");
    }
    stash.stash(message);
    return Behaviors.same();
  }

  private Behavior<SessionInbox> onMissed(SessionReply.Missed missed) {
    if (missed.events().isPresent()) {
      catchUp.fromRoom(missed.events().get());
      return continueCatchUp();
    }
    return readJournal(catchUp.journalAfter(delivery));
  }

  private Behavior<SessionInbox> readJournal(CatchUp.ReadJournal page) {
    context.pipeToSelf(history.events(roomId, page.from(), page.to()), HistoryRead::new);
    return Behaviors.same();
  }

  private Behavior<SessionInbox> onHistoryRead(HistoryRead read) {
    if (read.failure() != null) {
      context.getLog().warn("could not read the room's history", read.failure());
      return closeWithError(
          ErrorCode.CATCH_UP_FAILED, "missed events could not be read; resume to continue");
    }
    catchUp.fromJournal(read.events());
    return continueCatchUp();
  }

  private Behavior<SessionInbox> continueCatchUp() {
    CatchUp.Next next =
        catchUp.drain(
            delivery,
            () -> out.size() < out.capacity(),
            event -> send(encoder.event(event.version(), event.event())));
    if (next instanceof CatchUp.ReadJournal page) {
      return readJournal(page);
    }
    if (next instanceof CatchUp.WaitForRoom) {
      timers.startSingleTimer(new DrainBacklog(), OUTBOUND_POLL);
      return Behaviors.same();
    }
    sendHeldCursors();
    return stash.unstashAll(joined());
  }

  // ---- in the room

  private Behavior<SessionInbox> joined() {
    return Behaviors.receive(SessionInbox.class)
        .onMessage(FrameArrived.class, this::onFrame)
        .onMessage(EncodedUpdates.Event.class, e -> onEvent(e.delivered(), e.frame()))
        .onMessage(RoomUpdate.EventDelivered.class, e -> onEvent(e, null))
        .onMessage(EncodedUpdates.Cursors.class, c -> onEncodedCursors(c.tick()))
        .onMessage(RoomUpdate.Cursors.class, this::onRawCursors)
        .onMessage(RetryCursors.class, m -> sendHeldCursors())
        .onMessage(OutboundFull.class, this::onOutboundFull)
        .onMessage(CommandReply.Accepted.class, this::onAccepted)
        .onMessage(CommandReply.Rejected.class, this::onRejected)
        .onMessage(CommandTimedOut.class, this::onCommandTimedOut)
        .onMessage(
            CommandTimedOutAfterRestart.class,
            timedOut ->
                timedOut(
                    timedOut.id(),
                    "the room started again and did not answer within "
                        + settings.commandTimeoutAfterRoomRestart().toMillis()
                        + " ms"))
        .onMessage(EncodedUpdates.RoomRestarted.class, this::onRoomRestarted)
        .onMessage(SessionReply.Ended.class, this::onEnded)
        .onMessage(IdleCheck.class, this::onIdleCheck)
        .onMessage(TokenExpiring.class, this::onTokenExpiring)
        .onMessage(TokenExpired.class, this::onTokenExpired)
        .onMessage(Reconnect.class, this::reconnect)
        .onMessage(StreamEnded.class, m -> socketGone())
        .onMessage(StreamFailed.class, m -> socketGone())
        .build();
  }

  private Behavior<SessionInbox> onFrame(FrameArrived arrived) {
    arrived.ack().tell(Ack.INSTANCE);
    reportActivity();
    if (arrived.result() instanceof DecodeResult.Malformed malformed) {
      return onMalformed(malformed);
    }
    ClientFrame frame = ((DecodeResult.Decoded) arrived.result()).frame();
    Permission required = FramePermission.required(frame);
    if (!access.allows(required)) {
      return forbidden(frame, required);
    }
    return frame.accept(inRoom);
  }

  /**
   * A frame beyond the connection's permission: a command is rejected {@code forbidden} (its
   * client's promise settles), a cursor gets an {@code error}; neither reaches the room.
   */
  private Behavior<SessionInbox> forbidden(ClientFrame frame, Permission required) {
    String message =
        "your permission in this room is "
            + access.permission().wireName()
            + "; this needs "
            + required.wireName();
    if (frame instanceof ClientFrame.Command command) {
      send(encoder.reject(command.id(), RejectCode.FORBIDDEN, message, Optional.empty()));
    } else {
      send(encoder.error(ErrorCode.FORBIDDEN, Optional.empty(), message, Optional.empty()));
    }
    return Behaviors.same();
  }

  private final ClientFrame.Visitor<Behavior<SessionInbox>> inRoom =
      new ClientFrame.Visitor<>() {
        @Override
        public Behavior<SessionInbox> hello(ClientFrame.Hello hello) {
          send(
              encoder.error(
                  ErrorCode.PROTOCOL_ORDER,
                  Optional.empty(),
                  "hello was already received",
                  Optional.empty()));
          return Behaviors.same();
        }

        @Override
        public Behavior<SessionInbox> command(ClientFrame.Command command) {
          return onCommand(command);
        }

        @Override
        public Behavior<SessionInbox> cursor(ClientFrame.Cursor cursor) {
          room.tell(
              new RoomCommand.MoveCursor(sessionId, cursor.x(), cursor.y(), cursor.documentId()));
          return Behaviors.same();
        }

        @Override
        public Behavior<SessionInbox> ping(ClientFrame.Ping ping) {
          send(encoder.pong(ping.id()));
          return Behaviors.same();
        }

        @Override
        public Behavior<SessionInbox> leave(ClientFrame.Leave leave) {
          return leaving();
        }

        @Override
        public Behavior<SessionInbox> refresh(ClientFrame.Refresh refresh) {
          return onRefresh(refresh);
        }
      };

  /**
   * The room ended the session (kicked, or the room closed): nothing to tell the room, the
   * client learns why and the connection closes.
   */
  private Behavior<SessionInbox> onEnded(SessionReply.Ended ended) {
    if (ended.reason() == RoomEvent.LeaveReason.KICKED) {
      context.getLog().info("closing a connection whose member was kicked");
      return closeWithError(ErrorCode.KICKED, "a room administrator removed you from the room");
    }
    context.getLog().info("closing a connection whose room was closed");
    return closeWithError(ErrorCode.ROOM_CLOSED, "a room administrator closed the room");
  }

  // ---- the token

  /** Warns {@code refresh-ahead} before the token's expiry, and closes at it. */
  private void scheduleExpiry() {
    timers.cancel(new TokenExpiring());
    timers.cancel(new TokenExpired());
    access
        .expiresAt()
        .ifPresent(
            expiresAt -> {
              Duration left = Duration.between(clock.instant(), expiresAt);
              Duration warning = left.minus(authentication.settings().refreshAhead());
              timers.startSingleTimer(
                  new TokenExpiring(), warning.isNegative() ? Duration.ZERO : warning);
              timers.startSingleTimer(new TokenExpired(), left.isNegative() ? Duration.ZERO : left);
            });
  }

  private Behavior<SessionInbox> onTokenExpiring(TokenExpiring expiring) {
    access.expiresAt().ifPresent(at -> send(encoder.tokenExpiring(at)));
    return Behaviors.same();
  }

  /** Like a lost connection: the member is away, and comes back with a new token. */
  private Behavior<SessionInbox> onTokenExpired(TokenExpired expired) {
    context.getLog().info("closing a connection whose token expired");
    return loseSessionAndClose(
        ErrorCode.TOKEN_EXPIRED, "the token expired; connect again with a new one");
  }

  /**
   * A new token, verified like the first: it must be for the same user. It replaces the
   * connection's permission and expiry; one that no longer opens the room ends the connection.
   */
  private Behavior<SessionInbox> onRefresh(ClientFrame.Refresh refresh) {
    if (!authentication.required()) {
      return refreshRefused("authentication is off on this server; there is nothing to refresh");
    }
    Verification verification = authentication.verify(refresh.token());
    if (verification instanceof Verification.Invalid invalid) {
      return refreshRefused(invalid.reason().wireName() + ": " + invalid.message());
    }
    Identity identity = ((Verification.Valid) verification).identity();
    String connectedAs = access.identity().map(Identity::userId).orElse("");
    if (!identity.userId().equals(connectedAs)) {
      return refreshRefused("the token is for another user; a refresh keeps the user");
    }
    Optional<Permission> permission = identity.rooms().forRoom(roomId);
    if (permission.isEmpty()) {
      context.getLog().info("closing a connection whose refreshed token no longer opens the room");
      return loseSessionAndClose(ErrorCode.FORBIDDEN, "the new token does not open this room");
    }
    access = RoomAccess.of(identity, permission.get());
    scheduleExpiry();
    send(encoder.refreshed(access.grant()));
    return Behaviors.same();
  }

  private Behavior<SessionInbox> refreshRefused(String message) {
    send(encoder.error(ErrorCode.REFRESH_REFUSED, Optional.of("token"), message, Optional.empty()));
    return Behaviors.same();
  }

  /** Each bad frame gets its error; too many of them in a short time end the connection. */
  private Behavior<SessionInbox> onMalformed(DecodeResult.Malformed malformed) {
    send(encoder.error(malformed));
    if (!invalidFrames.record(clock.instant())) {
      return Behaviors.same();
    }
    context.getLog().info("closing a connection that keeps sending invalid frames");
    String message =
        "more than " + settings.invalidFramesMax() + " invalid frames within "
            + settings.invalidFramesWindow().toSeconds() + " s";
    return loseSessionAndClose(ErrorCode.POLICY_VIOLATION, message);
  }

  private Behavior<SessionInbox> onCommand(ClientFrame.Command command) {
    if (!pendingCommands.add(command.id())) {
      send(
          encoder.error(
              ErrorCode.PROTOCOL_ORDER,
              Optional.of("id"),
              "a command with this id is still in flight; wait for its answer",
              Optional.of(command.id())));
      return Behaviors.same();
    }
    timers.startSingleTimer(
        new CommandTimedOut(command.id()), new CommandTimedOut(command.id()), settings.commandTimeout());
    meters.commandSent(command.id());
    room.tell(command.toRoom(sessionId, context.getSelf().narrow()));
    return Behaviors.same();
  }

  private Behavior<SessionInbox> onAccepted(CommandReply.Accepted accepted) {
    if (settle(accepted.commandId())) {
      send(encoder.ack(accepted.commandId(), accepted.version()));
    }
    return Behaviors.same();
  }

  private Behavior<SessionInbox> onRejected(CommandReply.Rejected rejected) {
    if (settle(rejected.commandId())) {
      meters.rejected(rejected.commandId(), rejected.code());
      send(
          encoder.reject(
              rejected.commandId(), rejected.code(), rejected.message(), rejected.retryAfter()));
    }
    return Behaviors.same();
  }

  private Behavior<SessionInbox> onCommandTimedOut(CommandTimedOut timedOut) {
    return timedOut(
        timedOut.id(),
        "the room did not answer within " + settings.commandTimeout().toMillis() + " ms");
  }

  private Behavior<SessionInbox> timedOut(String id, String why) {
    if (pendingCommands.remove(id)) {
      meters.forget(id);
      send(
          encoder.reject(
              id, RejectCode.TIMEOUT, why + "; the change may or may not have been applied"));
    }
    return Behaviors.same();
  }

  /**
   * The room started again. A command it has not answered is usually waiting for it (sharding
   * holds what arrives during a move) and is answered in milliseconds; but it may have died with
   * the room's last incarnation (a node killed, a command dropped in a hand-off). Rather than
   * wait out the whole command timeout for that, the client learns it soon, as a timeout, and
   * sends it again (same id, which the room recognises if it was applied).
   */
  private Behavior<SessionInbox> onRoomRestarted(EncodedUpdates.RoomRestarted restarted) {
    for (String id : pendingCommands) {
      timers.startSingleTimer(
          new CommandTimedOut(id),
          new CommandTimedOutAfterRestart(id),
          settings.commandTimeoutAfterRoomRestart());
    }
    return Behaviors.same();
  }

  /** Forgets a pending command; false when it had already timed out. */
  private boolean settle(String commandId) {
    timers.cancel(new CommandTimedOut(commandId));
    meters.answered(commandId);
    return pendingCommands.remove(commandId);
  }

  /**
   * Delivers each version once, in order: duplicates are dropped, a gap is filled first. {@code
   * frame} is the event's frame when the node's fan-out encoded it, or null.
   */
  private Behavior<SessionInbox> onEvent(RoomUpdate.EventDelivered delivered, String frame) {
    long had = delivery.lastVersion();
    DeliveryOrder.Verdict verdict = delivery.arrived(delivered.version());
    if (verdict == DeliveryOrder.Verdict.DUPLICATE) {
      return Behaviors.same();
    }
    if (verdict == DeliveryOrder.Verdict.GAP) {
      context.getLog().info("version gap: had {}, received {}", had, delivered.version());
      stash.stash(delivered);
      return catchingUp();
    }
    send(frame != null ? frame : encoder.event(delivered.version(), delivered.event()));
    return Behaviors.same();
  }

  /**
   * The room coalesces cursors ({@code parley.room.cursor-interval}); a tick goes out at once as
   * one frame, without this session's own cursor, unless durable frames fill more than half the
   * outbound buffer: then the cursors are held (the newest per session wins) until there is room.
   */
  private Behavior<SessionInbox> onCursors(EncodedCursorTick tick) {
    for (EncodedCursorTick.Entry cursor : tick.entries()) {
      if (!cursor.sessionId().equals(sessionId)) {
        heldCursors.put(cursor.sessionId(), cursor.json());
      }
    }
    if (!timers.isTimerActive(new RetryCursors())) {
      sendHeldCursors();
    }
    return Behaviors.same();
  }

  /**
   * When nothing is held back and there is room, the tick goes at once: the node's shared frame,
   * or, when it holds this session's own cursor, that frame with it cut out.
   */
  private Behavior<SessionInbox> onEncodedCursors(EncodedCursorTick tick) {
    if (!heldCursors.isEmpty()
        || timers.isTimerActive(new RetryCursors())
        || out.size() > out.capacity() / 2) {
      return onCursors(tick);
    }
    tick.frameFor(sessionId).ifPresent(this::send);
    return Behaviors.same();
  }

  /** A tick the node's fan-out did not encode (one that delivers updates as they are). */
  private Behavior<SessionInbox> onRawCursors(RoomUpdate.Cursors tick) {
    return onEncodedCursors(EncodedCursorTick.of(encoder, tick.cursors()));
  }

  private Behavior<SessionInbox> sendHeldCursors() {
    if (heldCursors.isEmpty()) {
      return Behaviors.same();
    }
    if (out.size() > out.capacity() / 2) {
      timers.startSingleTimer(new RetryCursors(), OUTBOUND_POLL);
      return Behaviors.same();
    }
    send(EncodedCursorTick.frameOf(heldCursors.values()));
    heldCursors.clear();
    return Behaviors.same();
  }

  /**
   * Tracks inbound traffic and tells the room, at most once per report interval, that the
   * client is active, so the member's {@code lastSeen} is exact to that interval.
   */
  private void reportActivity() {
    Instant now = clock.instant();
    lastInbound = now;
    if (!now.isBefore(lastActivityReport.plus(settings.activityReportInterval()))) {
      lastActivityReport = now;
      room.tell(new RoomCommand.SessionActive(sessionId, now));
    }
  }

  /** A client that sent nothing, not even a ping, for the idle timeout is treated as gone. */
  private Behavior<SessionInbox> onIdleCheck(IdleCheck check) {
    if (clock.instant().isBefore(lastInbound.plus(settings.idleTimeout()))) {
      return Behaviors.same();
    }
    context.getLog().info("closing connection idle for {}", settings.idleTimeout());
    return loseSessionAndClose(
        ErrorCode.IDLE_TIMEOUT, "nothing received for " + settings.idleTimeout().toSeconds() + " s");
  }

  // ---- closing

  /** The client let the outbound buffer fill: it resumes after the close, losing nothing. */
  private Behavior<SessionInbox> onOutboundFull(OutboundFull full) {
    meters.slowConsumer();
    context.getLog().info("closing a connection that does not keep up ({} frames queued)", out.size());
    return loseSessionAndClose(
        ErrorCode.SLOW_CONSUMER,
        "the client did not read fast enough; resume from the last version applied");
  }

  /**
   * The node is shutting down. The session ends as lost, not left: the client comes back
   * through another node within the grace period, so its member is away meanwhile, and the
   * room records it before the node hands its rooms off. Commands still unanswered may or may
   * not be applied; the client sends them again after it resumed, as after any lost connection.
   */
  private Behavior<SessionInbox> reconnect(Reconnect reconnect) {
    return loseSessionAndClose(
        encoder.reconnect(GatewayDrain.REASON, reconnect.retryAfter()),
        CloseStatus.NODE_SHUTTING_DOWN);
  }

  private Behavior<SessionInbox> loseSessionAndClose(ErrorCode code, String message) {
    return loseSessionAndClose(error(code, message), CloseStatus.forError(code));
  }

  /**
   * Ends the session, if a hello opened one, as lost (its member is away for the grace period,
   * and the client resumes), then closes with {@code status} after {@code lastFrame}, which says
   * why.
   */
  private Behavior<SessionInbox> loseSessionAndClose(String lastFrame, CloseStatus status) {
    if (userId != null) {
      room.tell(new RoomCommand.CloseSession(sessionId, RoomCommand.SessionEnd.LOST));
    }
    out.offerLast(lastFrame, status);
    return closing();
  }

  /** The client closed the socket or it broke: the session is lost, nothing is left to send. */
  private Behavior<SessionInbox> socketGone() {
    meters.closed("closed by the client");
    room.tell(new RoomCommand.CloseSession(sessionId, RoomCommand.SessionEnd.LOST));
    out.close();
    return Behaviors.stopped();
  }

  /**
   * Waits until the room has handled the leave before closing: the room watches this actor, and
   * its termination must not reach the room first and be taken for a lost connection.
   */
  private Behavior<SessionInbox> leaving() {
    room.tell(new RoomCommand.CloseSession(sessionId, RoomCommand.SessionEnd.LEAVE));
    timers.startSingleTimer(new LeaveTimedOut(), settings.commandTimeout());
    return Behaviors.receive(SessionInbox.class)
        .onMessage(SessionReply.Left.class, m -> closing())
        .onMessage(LeaveTimedOut.class, m -> closing())
        .onMessage(StreamEnded.class, m -> Behaviors.stopped())
        .onMessage(StreamFailed.class, m -> Behaviors.stopped())
        .onMessage(FrameArrived.class, this::ackAndIgnore)
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  /** The frame that says why goes out after everything already queued, then the close. */
  private Behavior<SessionInbox> closeWithError(ErrorCode code, String message) {
    out.offerLast(error(code, message), CloseStatus.forError(code));
    return closing();
  }

  private String error(ErrorCode code, String message) {
    return encoder.error(code, Optional.empty(), message, Optional.empty());
  }

  /**
   * Completes the outbound stream after the frames already queued and the last frame (the
   * outbound queue bounds how long the client has to read them), then takes and ignores what
   * the client still sends until the socket ends, so that the close handshake can complete.
   */
  private Behavior<SessionInbox> closing() {
    meters.closed("closing");
    out.close();
    timers.cancelAll();
    timers.startSingleTimer(new CloseTimedOut(), settings.closeDrainTimeout());
    return Behaviors.receive(SessionInbox.class)
        .onMessage(StreamEnded.class, m -> Behaviors.stopped())
        .onMessage(StreamFailed.class, m -> Behaviors.stopped())
        .onMessage(CloseTimedOut.class, m -> Behaviors.stopped())
        .onMessage(FrameArrived.class, this::ackAndIgnore)
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  private Behavior<SessionInbox> ackAndIgnore(FrameArrived arrived) {
    arrived.ack().tell(Ack.INSTANCE);
    return Behaviors.same();
  }

  /**
   * Queues a frame for the client. A client that has let the whole outbound buffer fill up is
   * not keeping up: rather than drop a durable event or let memory grow, the connection closes
   * and the client resumes from the last version it applied. Nothing is queued after a refused
   * frame: the client would apply what follows the gap and resume from after it.
   */
  private void send(String text) {
    if (slowConsumer) {
      return;
    }
    if (!out.offer(text)) {
      slowConsumer = true;
      context.getSelf().tell(new OutboundFull());
    }
  }
}
