package io.parley.room;

import io.parley.serialization.CborSerializable;

/** What a room pushes to the connections of its members. */
public sealed interface RoomUpdate extends SessionInbox, CborSerializable {

  /** A durable change, numbered by the room version it produced. */
  record EventDelivered(long version, RoomEvent event) implements RoomUpdate {}

  /** An ephemeral cursor position of another session; never persisted. */
  record CursorMoved(String userId, String sessionId, double x, double y, java.util.Optional<String> documentId)
      implements RoomUpdate {}
}
