package io.parley.gateway;

import io.parley.limits.ConnectionLimiter;
import io.parley.limits.InvalidFrameWindow;
import io.parley.persistence.RoomHistory;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.DecodeResult;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.FrameEncoder;
import io.parley.room.CommandReply;
import io.parley.room.RejectCode;
import io.parley.room.RoomCommand;
import io.parley.room.RoomUpdate;
import io.parley.room.SessionInbox;
import io.parley.room.SessionReply;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
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
 * One WebSocket connection: it turns client frames into room commands and room updates into
 * server frames. It is the session's actor: the room watches it, so when the connection goes, so
 * does the session.
 *
 * <p>Inbound frames arrive one at a time (the stream waits for {@link Ack}), which bounds what a
 * client can push at it; while the session is being opened the one waiting frame is held back.
 */
public final class ConnectionActor {

  /** Lets the inbound stream send the next frame. */
  public enum Ack {
    INSTANCE
  }

  record StreamStarted(ActorRef<Ack> ack) implements SessionInbox {}

  record FrameArrived(ActorRef<Ack> ack, DecodeResult result) implements SessionInbox {}

  record StreamEnded() implements SessionInbox {}

  record StreamFailed(Throwable cause) implements SessionInbox {}

  private record HelloTimedOut() implements SessionInbox {}

  private record CommandTimedOut(String id) implements SessionInbox {}

  private record IdleCheck() implements SessionInbox {}

  private record CloseTimedOut() implements SessionInbox {}

  private record OutboundFull() implements SessionInbox {}

  private record FlushCursors() implements SessionInbox {}

  private record DrainBacklog() implements SessionInbox {}

  /** How often a catch-up looks for room in the outbound buffer. */
  private static final Duration BACKLOG_POLL = Duration.ofMillis(10);

  private record HistoryRead(List<RoomUpdate.EventDelivered> events, Throwable failure)
      implements SessionInbox {}

  /** How long a closing connection waits for its last frames to be written before it is cut. */
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private final String roomId;
  private final EntityRef<RoomCommand> room;
  private final RoomHistory history;
  private final ConnectionLimiter.Lease lease;
  private final InvalidFrameWindow invalidFrames;
  private final StashBuffer<SessionInbox> stash;
  private final OutboundQueue out;
  private final GatewaySettings settings;
  private final FrameEncoder encoder;
  private final ActorContext<SessionInbox> context;
  private final TimerScheduler<SessionInbox> timers;
  private final String sessionId = UUID.randomUUID().toString();
  private final Set<String> pendingCommands = new HashSet<>();
  private final FrameEncoder.Heartbeat heartbeat;

  private String userId;
  private Optional<Long> resumeFrom = Optional.empty();
  private DeliveryOrder delivery;
  private FrameArrived heldBack;
  private boolean slowConsumer;
  /** Missed events fetched for a catch-up and not yet handed to the client. */
  private final Deque<RoomUpdate.EventDelivered> backlog = new ArrayDeque<>();
  private boolean moreInJournal;
  /** Latest cursor of each other session since the last flush: the newest position wins. */
  private final Map<String, RoomUpdate.CursorMoved> pendingCursors = new LinkedHashMap<>();
  private long lastInboundNanos = System.nanoTime();
  private long lastActivityReportNanos;

  private ConnectionActor(
      String roomId,
      EntityRef<RoomCommand> room,
      RoomHistory history,
      OutboundQueue out,
      ConnectionLimiter.Lease lease,
      GatewaySettings settings,
      FrameEncoder encoder,
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
    this.context = context;
    this.timers = timers;
    this.heartbeat = new FrameEncoder.Heartbeat(settings.heartbeatInterval(), settings.idleTimeout());
  }

  public static Behavior<SessionInbox> create(
      String roomId,
      EntityRef<RoomCommand> room,
      RoomHistory history,
      OutboundQueue out,
      ConnectionLimiter.Lease lease,
      GatewaySettings settings,
      FrameEncoder encoder) {
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
                              return new ConnectionActor(
                                      roomId,
                                      room,
                                      history,
                                      out,
                                      lease,
                                      settings,
                                      encoder,
                                      context,
                                      timers,
                                      stash)
                                  .awaitingHello();
                            }))));
  }

  private Behavior<SessionInbox> awaitingHello() {
    return Behaviors.receive(SessionInbox.class)
        .onMessage(StreamStarted.class, this::ackStart)
        .onMessage(FrameArrived.class, this::beforeWelcome)
        .onMessage(
            HelloTimedOut.class,
            m ->
                closeWithError(
                    ErrorCode.PROTOCOL_ORDER,
                    "no hello within " + settings.helloTimeout().toSeconds() + " s"))
        .onMessage(IdleCheck.class, m -> Behaviors.same())
        .onMessage(StreamEnded.class, m -> Behaviors.stopped())
        .onMessage(StreamFailed.class, m -> Behaviors.stopped())
        .build();
  }

  private Behavior<SessionInbox> ackStart(StreamStarted started) {
    started.ack().tell(Ack.INSTANCE);
    return Behaviors.same();
  }

  private Behavior<SessionInbox> beforeWelcome(FrameArrived arrived) {
    lastInboundNanos = System.nanoTime();
    if (arrived.result() instanceof DecodeResult.Malformed malformed) {
      arrived.ack().tell(Ack.INSTANCE);
      return onMalformed(malformed);
    }
    ClientFrame frame = ((DecodeResult.Decoded) arrived.result()).frame();
    if (frame instanceof ClientFrame.Ping ping) {
      send(encoder.pong(ping.id()));
      arrived.ack().tell(Ack.INSTANCE);
      return Behaviors.same();
    }
    if (!(frame instanceof ClientFrame.Hello hello)) {
      send(
          encoder.error(
              ErrorCode.PROTOCOL_ORDER, Optional.empty(), "the first frame must be hello", idOf(frame)));
      arrived.ack().tell(Ack.INSTANCE);
      return Behaviors.same();
    }
    if (!lease.bindUser(hello.userId())) {
      return closeWithError(
          ErrorCode.JOIN_REFUSED,
          "too_many_connections: more than "
              + settings.connectionLimits().perUser()
              + " open connections of this user");
    }
    timers.cancel(new HelloTimedOut());
    userId = hello.userId();
    resumeFrom = hello.resumeVersion();
    room.tell(
        new RoomCommand.OpenSession(
            sessionId, hello.userId(), hello.name(), hello.color(), context.getSelf()));
    timers.startSingleTimer(new HelloTimedOut(), settings.commandTimeout());
    arrived.ack().tell(Ack.INSTANCE);
    return joining();
  }

  private Behavior<SessionInbox> joining() {
    return Behaviors.receive(SessionInbox.class)
        .onMessage(SessionReply.Welcome.class, this::onWelcome)
        .onMessage(
            SessionReply.Refused.class,
            refused -> closeWithError(ErrorCode.JOIN_REFUSED, refused.code().wireName() + ": " + refused.message()))
        .onMessage(
            HelloTimedOut.class,
            m -> closeWithError(ErrorCode.JOIN_REFUSED, "timeout: the room did not answer in time"))
        .onMessage(FrameArrived.class, this::holdBack)
        .onMessage(IdleCheck.class, m -> Behaviors.same())
        .onMessage(StreamEnded.class, m -> socketGone())
        .onMessage(StreamFailed.class, m -> socketGone())
        .build();
  }

  private Behavior<SessionInbox> holdBack(FrameArrived arrived) {
    lastInboundNanos = System.nanoTime();
    heldBack = arrived;
    return Behaviors.same();
  }

  private Behavior<SessionInbox> onWelcome(SessionReply.Welcome welcome) {
    timers.cancel(new HelloTimedOut());
    lastInboundNanos = System.nanoTime();
    long current = welcome.snapshot().version();
    boolean resumes =
        resumeFrom.isPresent()
            && resumeFrom.get() <= current
            && current - resumeFrom.get() <= settings.resumeMaxEvents();
    if (heldBack != null) {
      FrameArrived frame = heldBack;
      heldBack = null;
      context.getSelf().tell(frame);
    }
    Map<String, String> mdc = Map.of("roomId", roomId, "userId", userId, "sessionId", sessionId);
    if (resumes) {
      delivery = new DeliveryOrder(resumeFrom.get());
      send(encoder.resumedWelcome(roomId, sessionId, userId, resumeFrom.get(), heartbeat));
      context.getLog().debug("session {} resumes from version {}", sessionId, resumeFrom.get());
      return Behaviors.withMdc(SessionInbox.class, mdc, catchUp());
    }
    delivery = new DeliveryOrder(current);
    send(encoder.welcome(roomId, sessionId, userId, welcome.snapshot(), heartbeat));
    context.getLog().debug("session {} opened at version {}", sessionId, current);
    return Behaviors.withMdc(SessionInbox.class, mdc, joined());
  }

  /**
   * Fetches the events after the last one delivered (a resume, or a gap in what arrived) from the
   * room, or from the journal when the room no longer holds them, and delivers them before
   * anything that arrives meanwhile.
   */
  private Behavior<SessionInbox> catchUp() {
    room.tell(new RoomCommand.Replay(delivery.lastVersion(), context.getSelf()));
    return Behaviors.receive(SessionInbox.class)
        .onMessage(SessionReply.Missed.class, this::onMissed)
        .onMessage(HistoryRead.class, this::onHistoryRead)
        .onMessage(DrainBacklog.class, m -> drainBacklog())
        .onMessage(RoomUpdate.Cursors.class, this::onCursors)
        .onMessage(FlushCursors.class, this::onFlushCursors)
        .onMessage(OutboundFull.class, this::onOutboundFull)
        .onMessage(IdleCheck.class, m -> Behaviors.same())
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
      backlog.addAll(missed.events().get());
      moreInJournal = false;
      return drainBacklog();
    }
    return readJournalPage();
  }

  /** Reads the journal one outbound buffer at a time, so a catch-up holds little in memory. */
  private Behavior<SessionInbox> readJournalPage() {
    long from = delivery.lastVersion() + 1;
    context.pipeToSelf(
        history.events(roomId, from, from + journalPage() - 1),
        (events, failure) -> new HistoryRead(events, failure));
    return Behaviors.same();
  }

  private int journalPage() {
    return out.capacity();
  }

  private Behavior<SessionInbox> onHistoryRead(HistoryRead read) {
    if (read.failure() != null) {
      context.getLog().warn("could not read the room's history", read.failure());
      return closeWithError(
          ErrorCode.CATCH_UP_FAILED, "missed events could not be read; resume to continue");
    }
    backlog.addAll(read.events());
    moreInJournal = read.events().size() == journalPage();
    return drainBacklog();
  }

  /**
   * Hands the missed events to the client as fast as it reads them, never more than the
   * outbound buffer holds; live traffic waits in the stash until the catch-up is done.
   */
  private Behavior<SessionInbox> drainBacklog() {
    while (!backlog.isEmpty() && out.size() < out.capacity()) {
      RoomUpdate.EventDelivered event = backlog.poll();
      if (delivery.arrived(event.version()) == DeliveryOrder.Verdict.DELIVER) {
        send(encoder.event(event.version(), event.event()));
      }
    }
    if (!backlog.isEmpty()) {
      timers.startSingleTimer(new DrainBacklog(), BACKLOG_POLL);
      return Behaviors.same();
    }
    if (moreInJournal) {
      return readJournalPage();
    }
    return stash.unstashAll(joined());
  }

  private Behavior<SessionInbox> joined() {
    return Behaviors.receive(SessionInbox.class)
        .onMessage(FrameArrived.class, this::onFrame)
        .onMessage(RoomUpdate.EventDelivered.class, this::onEvent)
        .onMessage(RoomUpdate.Cursors.class, this::onCursors)
        .onMessage(FlushCursors.class, this::onFlushCursors)
        .onMessage(OutboundFull.class, this::onOutboundFull)
        .onMessage(CommandReply.Accepted.class, this::onAccepted)
        .onMessage(CommandReply.Rejected.class, this::onRejected)
        .onMessage(CommandTimedOut.class, this::onCommandTimedOut)
        .onMessage(IdleCheck.class, this::onIdleCheck)
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
    if (frame instanceof ClientFrame.Command command) {
      return onCommand(command);
    }
    if (frame instanceof ClientFrame.Cursor cursor) {
      room.tell(new RoomCommand.MoveCursor(sessionId, cursor.x(), cursor.y(), cursor.documentId()));
    } else if (frame instanceof ClientFrame.Ping ping) {
      send(encoder.pong(ping.id()));
    } else if (frame instanceof ClientFrame.Leave) {
      return leaving();
    } else if (frame instanceof ClientFrame.Hello) {
      send(encoder.error(ErrorCode.PROTOCOL_ORDER, Optional.empty(), "hello was already received", Optional.empty()));
    }
    return Behaviors.same();
  }

  /** Each bad frame gets its error; too many of them in a short time end the connection. */
  private Behavior<SessionInbox> onMalformed(DecodeResult.Malformed malformed) {
    send(encoder.error(malformed));
    if (!invalidFrames.record(System.nanoTime())) {
      return Behaviors.same();
    }
    context.getLog().info("closing a connection that keeps sending invalid frames");
    String message =
        "more than " + settings.invalidFramesMax() + " invalid frames within "
            + settings.invalidFramesWindow().toSeconds() + " s";
    if (userId != null && delivery != null) {
      room.tell(new RoomCommand.CloseSession(sessionId, RoomCommand.SessionEnd.LOST));
    }
    return closeWithError(ErrorCode.POLICY_VIOLATION, message);
  }

  private Behavior<SessionInbox> onCommand(ClientFrame.Command command) {
    if (!pendingCommands.add(command.id())) {
      send(
          encoder.error(
              ErrorCode.INVALID_FIELD,
              Optional.of("id"),
              "a command with this id is still in flight",
              Optional.of(command.id())));
      return Behaviors.same();
    }
    timers.startSingleTimer(
        new CommandTimedOut(command.id()), new CommandTimedOut(command.id()), settings.commandTimeout());
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
      send(
          encoder.reject(
              rejected.commandId(), rejected.code(), rejected.message(), rejected.retryAfter()));
    }
    return Behaviors.same();
  }

  private Behavior<SessionInbox> onCommandTimedOut(CommandTimedOut timedOut) {
    if (pendingCommands.remove(timedOut.id())) {
      send(
          encoder.reject(
              timedOut.id(),
              RejectCode.TIMEOUT,
              "the room did not answer within " + settings.commandTimeout().toMillis() + " ms; the change may or may not have been applied"));
    }
    return Behaviors.same();
  }

  /** Forgets a pending command; false when it had already timed out. */
  private boolean settle(String commandId) {
    timers.cancel(new CommandTimedOut(commandId));
    return pendingCommands.remove(commandId);
  }

  /** Delivers each version once, in order: duplicates are dropped, a gap is filled first. */
  private Behavior<SessionInbox> onEvent(RoomUpdate.EventDelivered delivered) {
    long had = delivery.lastVersion();
    DeliveryOrder.Verdict verdict = delivery.arrived(delivered.version());
    if (verdict == DeliveryOrder.Verdict.DUPLICATE) {
      return Behaviors.same();
    }
    if (verdict == DeliveryOrder.Verdict.GAP) {
      context.getLog().info("version gap: had {}, received {}", had, delivered.version());
      stash.stash(delivered);
      return catchUp();
    }
    send(encoder.event(delivered.version(), delivered.event()));
    return Behaviors.same();
  }

  /**
   * The room sends the cursors that moved at most once per its cursor interval; they go out at
   * once as one frame, without this session's own, unless durable traffic is queued up: then
   * they wait (and keep coalescing, the newest per session wins), so ephemeral signals never
   * delay durable ones.
   */
  private Behavior<SessionInbox> onCursors(RoomUpdate.Cursors batch) {
    for (RoomUpdate.CursorMoved cursor : batch.cursors()) {
      if (!cursor.sessionId().equals(sessionId)) {
        pendingCursors.put(cursor.sessionId(), cursor);
      }
    }
    if (!pendingCursors.isEmpty() && !timers.isTimerActive(new FlushCursors())) {
      flushCursors();
    }
    return Behaviors.same();
  }

  private Behavior<SessionInbox> onFlushCursors(FlushCursors flush) {
    flushCursors();
    return Behaviors.same();
  }

  private void flushCursors() {
    if (out.size() > out.capacity() / 2) {
      timers.startSingleTimer(new FlushCursors(), settings.cursorFlushInterval());
      return;
    }
    send(encoder.cursors(pendingCursors.values()));
    pendingCursors.clear();
  }

  /** The client let the outbound buffer fill: it resumes after the close, losing nothing. */
  private Behavior<SessionInbox> onOutboundFull(OutboundFull full) {
    context.getLog().info("closing a connection that does not keep up ({} frames queued)", out.size());
    room.tell(new RoomCommand.CloseSession(sessionId, RoomCommand.SessionEnd.LOST));
    out.offerLast(
        encoder.error(
            ErrorCode.SLOW_CONSUMER,
            Optional.empty(),
            "the client did not read fast enough; resume from the last version applied",
            Optional.empty()));
    return closing();
  }

  /**
   * Tracks inbound traffic and tells the room, at most once per report interval, that the
   * client is active, so the member's {@code lastSeen} is exact to that interval.
   */
  private void reportActivity() {
    long now = System.nanoTime();
    lastInboundNanos = now;
    if (now - lastActivityReportNanos >= settings.activityReportInterval().toNanos()) {
      lastActivityReportNanos = now;
      room.tell(new RoomCommand.SessionActive(sessionId, Instant.now()));
    }
  }

  /** A client that sent nothing, not even a ping, for the idle timeout is treated as gone. */
  private Behavior<SessionInbox> onIdleCheck(IdleCheck check) {
    if (System.nanoTime() - lastInboundNanos < settings.idleTimeout().toNanos()) {
      return Behaviors.same();
    }
    context.getLog().info("closing connection idle for {}", settings.idleTimeout());
    out.offerLast(
        encoder.error(
            ErrorCode.IDLE_TIMEOUT,
            Optional.empty(),
            "nothing received for " + settings.idleTimeout().toSeconds() + " s",
            Optional.empty()));
    return endSession(RoomCommand.SessionEnd.LOST);
  }

  /** The client closed the socket or it broke: the session is lost, nothing is left to send. */
  private Behavior<SessionInbox> socketGone() {
    room.tell(new RoomCommand.CloseSession(sessionId, RoomCommand.SessionEnd.LOST));
    out.close();
    return Behaviors.stopped();
  }

  private Behavior<SessionInbox> endSession(RoomCommand.SessionEnd end) {
    room.tell(new RoomCommand.CloseSession(sessionId, end));
    return closing();
  }

  /**
   * Waits until the room has handled the leave before closing: the room watches this actor, and
   * its termination must not reach the room first and be taken for a lost connection.
   */
  private Behavior<SessionInbox> leaving() {
    room.tell(new RoomCommand.CloseSession(sessionId, RoomCommand.SessionEnd.LEAVE));
    timers.startSingleTimer(new CloseTimedOut(), CLOSE_TIMEOUT);
    return Behaviors.receive(SessionInbox.class)
        .onMessage(SessionReply.Left.class, m -> closing())
        .onMessage(CloseTimedOut.class, m -> closing())
        .onMessage(StreamEnded.class, m -> Behaviors.stopped())
        .onMessage(StreamFailed.class, m -> Behaviors.stopped())
        .onMessage(FrameArrived.class, this::ackAndIgnore)
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  private Behavior<SessionInbox> closeWithError(ErrorCode code, String message) {
    out.offerLast(encoder.error(code, Optional.empty(), message, Optional.empty()));
    return closing();
  }

  /**
   * Completes the outbound stream after the frames already queued and the last frame (the
   * outbound queue bounds how long the client has to read them), then takes and ignores what
   * the client still sends until the socket ends (or the close timeout passes), so that the
   * close handshake can complete.
   */
  private Behavior<SessionInbox> closing() {
    out.close();
    timers.cancelAll();
    timers.startSingleTimer(new CloseTimedOut(), CLOSE_TIMEOUT);
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

  private static Optional<String> idOf(ClientFrame frame) {
    return frame instanceof ClientFrame.Command command ? Optional.of(command.id()) : Optional.empty();
  }
}
