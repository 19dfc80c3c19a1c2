package io.parley.room;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.MailboxSelector;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/** Starts room sharding on a node and hands out references to rooms by id. */
public final class Rooms {

  private final ClusterSharding sharding;

  private Rooms(ClusterSharding sharding) {
    this.sharding = sharding;
  }

  public static Rooms start(ActorSystem<?> system, RoomSettings settings) {
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(
        Entity.of(RoomEntity.TYPE_KEY, ctx -> RoomEntity.create(ctx.getEntityId(), settings))
            .withEntityProps(MailboxSelector.bounded(settings.mailboxCapacity())));
    return new Rooms(sharding);
  }

  public EntityRef<RoomCommand> room(String roomId) {
    return sharding.entityRefFor(RoomEntity.TYPE_KEY, roomId);
  }
}
