package io.parley.room;

import io.parley.serialization.CborSerializable;

/** What a room pushes to the connections of its members. */
public sealed interface RoomUpdate extends SessionInbox, CborSerializable {

  /** A durable change, numbered by the room version it produced. */
  record EventDelivered(long version, RoomEvent event) implements RoomUpdate {}

  /** An ephemeral cursor position of a session; never persisted. */
  record CursorMoved(String userId, String sessionId, double x, double y, java.util.Optional<String> documentId)
      implements CborSerializable {}

  /**
   * The newest cursor of each session that moved since the room's last cursor tick, sent once
   * per tick to every session of the room: one message per session and tick, however many
   * cursors moved. A connection leaves out its own session's cursor.
   */
  record Cursors(java.util.List<CursorMoved> cursors) implements RoomUpdate {}
}
