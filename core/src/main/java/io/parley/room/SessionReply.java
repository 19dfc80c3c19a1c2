package io.parley.room;

import io.parley.serialization.CborSerializable;

/** The answer to {@link RoomCommand.OpenSession}, sent to the connection itself. */
public sealed interface SessionReply extends SessionInbox, CborSerializable {

  /** The session is open; the snapshot already includes it. */
  record Welcome(String sessionId, RoomState snapshot) implements SessionReply {}

  record Refused(String sessionId, RejectCode code, String message) implements SessionReply {}

  /** The session's {@code leave} is done; the connection may stop. */
  record Left(String sessionId) implements SessionReply {}
}
