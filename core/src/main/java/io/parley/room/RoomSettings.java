package io.parley.room;

import com.typesafe.config.Config;
import io.parley.ratelimit.RateLimits;
import io.parley.validation.FieldLimits;
import java.time.Duration;

/** The room settings from {@code parley.room} and {@code parley.limits}. */
public record RoomSettings(
    int snapshotEvery,
    int snapshotsKept,
    int chatHistory,
    int rememberedCommands,
    int recentEvents,
    Duration gracePeriod,
    Duration passivateAfter,
    Duration cursorInterval,
    FieldLimits limits,
    int membersPerRoom,
    RateLimits.Settings rates) {

  public static RoomSettings fromConfig(Config parley) {
    Config room = parley.getConfig("room");
    return new RoomSettings(
        room.getInt("snapshot-every"),
        room.getInt("snapshots-kept"),
        room.getInt("chat-history"),
        room.getInt("remembered-commands"),
        room.getInt("recent-events"),
        parley.getDuration("presence.grace-period"),
        room.getDuration("passivate-after"),
        room.getDuration("cursor-interval"),
        FieldLimits.fromConfig(parley.getConfig("limits")),
        parley.getInt("limits.members-per-room"),
        RateLimits.Settings.fromConfig(parley.getConfig("limits.rates")));
  }

  /** What the room state keeps of its history: chat messages and commands for retries. */
  public RoomState.Bounds stateBounds() {
    return new RoomState.Bounds(chatHistory, rememberedCommands);
  }
}
