package io.parley.room;

/** What the room rules decided about a command: the event to persist, or why not. */
public sealed interface Decision {

  record Accept(RoomEvent event) implements Decision {}

  record Reject(RejectCode code, String message) implements Decision {}

  /** Nothing to persist and nothing to answer, such as closing a session that is already gone. */
  record Ignore() implements Decision {}

  static Decision reject(RejectCode code, String message) {
    return new Reject(code, message);
  }
}
