package io.parley.benchmarks.jmh;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.parley.room.CommandReply;
import io.parley.room.FanoutStats;
import io.parley.room.NodeFanout;
import io.parley.room.OverloadAwareMailbox;
import io.parley.room.RoomCommand;
import io.parley.room.RoomEntity;
import io.parley.room.RoomRuntime;
import io.parley.room.RoomSettings;
import io.parley.room.RoomState;
import io.parley.room.SessionInbox;
import io.parley.room.SessionReply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.MailboxSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.LoggerFactory;

/**
 * One real {@link RoomEntity} in an actor system of its own, on the mailbox {@code Rooms} gives
 * every room, without sharding (the entity is spawned directly, as in W5). The journal is Pekko's
 * in-memory one, so that the entity's own work is measured, not a database's: events are kept as
 * objects, never serialized, and every one stays in memory until the actor system ends. Snapshots
 * (every 100 events, Parley's default) go to Pekko's local snapshot store in a temporary folder,
 * serialized as in production. The per-user rate limits are raised out of reach, so the room's
 * capacity is measured, not its limits; every other setting is Parley's default.
 */
final class LiveRoom implements AutoCloseable {

  private static final String ROOM_ID = "jmh-room";

  /** A session of the room: the id commands carry and where their replies go. */
  record JoinedSession(String sessionId, ActorRef<CommandReply> replyTo) {}

  private final ActorSystem<Void> system;
  private final ActorRef<RoomCommand> entity;
  private final Path snapshots;
  private final int mailboxCapacity;

  private LiveRoom(ActorSystem<Void> system, ActorRef<RoomCommand> entity, Path snapshots) {
    this.system = system;
    this.entity = entity;
    this.snapshots = snapshots;
    this.mailboxCapacity = system.settings().config().getInt("parley.room.mailbox-capacity");
  }

  static LiveRoom start() throws IOException {
    // Logging set up before the actor system's threads start logging at once: otherwise SLF4J
    // queues their first calls while logback starts and says so on stderr.
    LoggerFactory.getILoggerFactory();
    Path snapshots = Files.createTempDirectory("parley-jmh-snapshots");
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("pekko.actor.provider", "local");
    overrides.put("pekko.loglevel", "WARNING");
    overrides.put("pekko.loggers", List.of("org.apache.pekko.event.slf4j.Slf4jLogger"));
    overrides.put("pekko.logging-filter", "org.apache.pekko.event.slf4j.Slf4jLoggingFilter");
    overrides.put("pekko.log-dead-letters-during-shutdown", "off");
    overrides.put("pekko.persistence.journal.plugin", "pekko.persistence.journal.inmem");
    overrides.put(
        "pekko.persistence.snapshot-store.plugin", "pekko.persistence.snapshot-store.local");
    overrides.put("pekko.persistence.snapshot-store.local.dir", snapshots.toString());
    for (String kind : List.of("commands", "chat", "cursors")) {
      overrides.put("parley.limits.rates." + kind + ".burst", 1_000_000);
      overrides.put("parley.limits.rates." + kind + ".per-second", 1_000_000);
    }
    Config config = ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.load()).resolve();
    // the room reaches its connections through the node's fan-out, as on a node
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.setup(
                context -> {
                  context.spawn(
                      NodeFanout.create(
                          config.getInt("parley.room.fanout-lanes"),
                          NodeFanout.Delivery.asIs(),
                          FanoutStats.get(context.getSystem())),
                      NodeFanout.NAME);
                  return Behaviors.empty();
                }),
            "jmh-room",
            config);
    RoomSettings settings = RoomSettings.fromConfig(config.getConfig("parley"));
    ActorRef<RoomCommand> entity =
        system.systemActorOf(
            RoomEntity.create(ROOM_ID, settings, Optional.empty(), RoomRuntime.of(system)),
            "room",
            MailboxSelector.fromConfig(OverloadAwareMailbox.CONFIG_PATH));
    return new LiveRoom(system, entity, snapshots);
  }

  /** Client messages the room's mailbox holds; more in flight would be refused as overload. */
  int mailboxCapacity() {
    return mailboxCapacity;
  }

  void tell(RoomCommand command) {
    entity.tell(command);
  }

  /**
   * Opens a session of {@code userId} and waits for its welcome. Its connection completes a
   * message of {@code acks} for each ack it receives and fails it for a reject; the events and
   * cursor batches every session receives are dropped.
   */
  JoinedSession join(String userId, InFlightWindow acks) throws Exception {
    CompletableFuture<SessionReply> answer = new CompletableFuture<>();
    ActorRef<SessionInbox> connection =
        system.systemActorOf(connection(answer, acks), "connection-" + userId, Props.empty());
    String sessionId = BusyRoom.sessionOf(userId);
    entity.tell(new RoomCommand.OpenSession(sessionId, userId, userId, "#3366ff", connection));
    SessionReply reply =
        answer.get(InFlightWindow.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    if (!(reply instanceof SessionReply.Welcome)) {
      throw new IllegalStateException(userId + " could not join the room: " + reply);
    }
    return new JoinedSession(sessionId, connection.narrow());
  }

  /**
   * Waits until the room has handled every message sent to it so far: it handles them in order,
   * so its answer to a snapshot read sent after them comes after them.
   */
  void awaitHandled() throws Exception {
    AskPattern.<RoomCommand, RoomState>ask(
            entity, RoomCommand.GetSnapshot::new, InFlightWindow.TIMEOUT, system.scheduler())
        .toCompletableFuture()
        .get();
  }

  private static Behavior<SessionInbox> connection(
      CompletableFuture<SessionReply> answer, InFlightWindow acks) {
    return Behaviors.receive(SessionInbox.class)
        .onMessage(
            SessionReply.class,
            reply -> {
              answer.complete(reply);
              return Behaviors.same();
            })
        .onMessage(
            CommandReply.Accepted.class,
            accepted -> {
              acks.complete();
              return Behaviors.same();
            })
        .onMessage(
            CommandReply.Rejected.class,
            rejected -> {
              acks.fail(
                  "command " + rejected.commandId() + " rejected: " + rejected.code() + ", "
                      + rejected.message());
              return Behaviors.same();
            })
        .onAnyMessage(update -> Behaviors.same())
        .build();
  }

  @Override
  public void close() throws IOException {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
    try (Stream<Path> files = Files.walk(snapshots)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }
}
