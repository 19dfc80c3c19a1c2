package io.parley.protocol;

import io.parley.room.RoomEvent;

/** The wire name ({@code kind}) of each room event. */
final class EventKinds {

  private EventKinds() {}

  static String kindOf(RoomEvent event) {
    if (event instanceof RoomEvent.MemberJoined) {
      return "member.joined";
    }
    if (event instanceof RoomEvent.SessionOpened) {
      return "session.opened";
    }
    if (event instanceof RoomEvent.SessionClosed) {
      return "session.closed";
    }
    if (event instanceof RoomEvent.MemberAway) {
      return "member.away";
    }
    if (event instanceof RoomEvent.MemberLeft) {
      return "member.left";
    }
    if (event instanceof RoomEvent.ReadyChanged) {
      return "member.ready";
    }
    if (event instanceof RoomEvent.DocumentFocused) {
      return "member.focused";
    }
    if (event instanceof RoomEvent.KeysChanged) {
      return "state.changed";
    }
    if (event instanceof RoomEvent.ChatPosted) {
      return "chat.posted";
    }
    throw new IllegalArgumentException("no wire kind for " + event.getClass().getName());
  }
}
