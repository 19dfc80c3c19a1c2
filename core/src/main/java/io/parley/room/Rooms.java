package io.parley.room;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.actor.typed.MailboxSelector;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/** Starts room sharding on a node and hands out references to rooms by id. */
public final class Rooms {

  private final ClusterSharding sharding;

  private Rooms(ClusterSharding sharding) {
    this.sharding = sharding;
  }

  /**
   * Starts room sharding. Every room runs on an {@link OverloadAwareMailbox}; the node also runs
   * {@link #overloadResponder}, so that the commands a room's stash drops are answered too.
   */
  public static Rooms start(ActorSystem<?> system, RoomSettings settings) {
    ClusterSharding sharding = ClusterSharding.get(system);
    RoomRuntime runtime = RoomRuntime.of(system);
    sharding.init(
        Entity.of(
                RoomEntity.TYPE_KEY,
                ctx ->
                    RoomEntity.create(
                        ctx.getEntityId(), settings, Optional.of(ctx.getShard()), runtime))
            .withEntityProps(MailboxSelector.fromConfig(OverloadAwareMailbox.CONFIG_PATH)));
    return new Rooms(sharding);
  }

  /**
   * Answers what the rooms' stashes drop (see {@link RoomOverload}): a client whose command a full
   * room cannot take learns it at once, and a dropped presence message reaches its room again.
   */
  public Behavior<Object> overloadResponder(ActorSystem<?> system) {
    return RoomOverload.stashOverflowResponder(
        (roomId, command) -> room(roomId).tell(command),
        system.settings().config().getDuration("parley.room.overload-retry-after"));
  }

  /** Asks for the live room entities of this node's shard region (for operations and tests). */
  public CompletionStage<Set<String>> liveRoomIds(ActorSystem<?> system, Duration timeout) {
    return AskPattern.<ClusterShardingQuery, CurrentShardRegionState>ask(
            sharding.shardState(),
            replyTo -> new GetShardRegionState(RoomEntity.TYPE_KEY, replyTo),
            timeout,
            system.scheduler())
        .thenApply(
            state ->
                state.getShards().stream()
                    .flatMap(shard -> shard.getEntityIds().stream())
                    .collect(Collectors.toSet()));
  }

  public EntityRef<RoomCommand> room(String roomId) {
    return sharding.entityRefFor(RoomEntity.TYPE_KEY, roomId);
  }
}
