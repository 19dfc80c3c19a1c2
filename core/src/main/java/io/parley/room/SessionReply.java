package io.parley.room;

import io.parley.serialization.CborSerializable;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The answer to {@link RoomCommand.OpenSession}, sent to the connection itself. */
public sealed interface SessionReply extends SessionInbox, CborSerializable {

  /** The session is open; the snapshot already includes it. */
  record Welcome(String sessionId, RoomState snapshot) implements SessionReply {}

  /** {@code retryAfter}: when a new attempt can succeed, if the room knows (overloaded). */
  record Refused(String sessionId, RejectCode code, String message, Optional<Duration> retryAfter)
      implements SessionReply {
    public Refused(String sessionId, RejectCode code, String message) {
      this(sessionId, code, message, Optional.empty());
    }
  }

  /**
   * The events after {@code afterVersion}, in version order, up to the room's current version;
   * empty when the room no longer holds all of them in memory (read them from the journal).
   */
  record Missed(long afterVersion, Optional<List<RoomUpdate.EventDelivered>> events)
      implements SessionReply {}

  /** The session's {@code leave} is done; the connection may stop. */
  record Left(String sessionId) implements SessionReply {}

  /**
   * The room ended the session: its member was kicked ({@code reason} {@link
   * RoomEvent.LeaveReason#KICKED}) or the room closed ({@link RoomEvent.LeaveReason#ROOM_CLOSED}).
   * The connection tells its client and closes.
   */
  record Ended(String sessionId, RoomEvent.LeaveReason reason) implements SessionReply {}
}
