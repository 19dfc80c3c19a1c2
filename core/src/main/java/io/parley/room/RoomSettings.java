package io.parley.room;

import com.typesafe.config.Config;
import io.parley.validation.FieldLimits;
import java.time.Duration;

/** The room settings from {@code parley.room} and {@code parley.limits}. */
public record RoomSettings(
    int snapshotEvery,
    int snapshotsKept,
    int chatHistory,
    int mailboxCapacity,
    Duration gracePeriod,
    Duration passivateAfter,
    FieldLimits limits) {

  public static RoomSettings fromConfig(Config parley) {
    Config room = parley.getConfig("room");
    return new RoomSettings(
        room.getInt("snapshot-every"),
        room.getInt("snapshots-kept"),
        room.getInt("chat-history"),
        room.getInt("mailbox-capacity"),
        parley.getDuration("presence.grace-period"),
        room.getDuration("passivate-after"),
        FieldLimits.fromConfig(parley.getConfig("limits")));
  }
}
