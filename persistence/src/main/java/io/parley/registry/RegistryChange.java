package io.parley.registry;

import io.parley.room.RoomEvent;
import java.time.Instant;

/**
 * What one tagged room event does to the registry. Only a public room's events are tagged (and
 * the event that makes a room private), so every event but a {@link RoomEvent.VisibilityChanged}
 * is about a listed room; the member count starts from the one the listing event carries.
 */
sealed interface RegistryChange {

  String roomId();

  /** The room is listed, or listed again under a new title: its row is written whole. */
  record Listed(String roomId, String title, int members, Instant at) implements RegistryChange {}

  /** The room is private again: its row goes. */
  record Unlisted(String roomId) implements RegistryChange {}

  /** A member joined (+1) or left (−1); a member away still counts. */
  record MembersChanged(String roomId, int delta, Instant at) implements RegistryChange {}

  /** Anything else the room did: it was active then. */
  record Active(String roomId, Instant at) implements RegistryChange {}

  static RegistryChange of(String roomId, RoomEvent event) {
    if (event instanceof RoomEvent.VisibilityChanged changed) {
      return changed.visibility().listed()
          ? new Listed(
              roomId, changed.visibility().title().orElseThrow(), changed.members(), changed.at())
          : new Unlisted(roomId);
    }
    if (event instanceof RoomEvent.MemberJoined) {
      return new MembersChanged(roomId, 1, event.at());
    }
    if (event instanceof RoomEvent.MemberLeft) {
      return new MembersChanged(roomId, -1, event.at());
    }
    return new Active(roomId, event.at());
  }
}
