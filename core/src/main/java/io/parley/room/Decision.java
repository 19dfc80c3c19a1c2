package io.parley.room;

/**
 * What the room rules decided about a command: the event to persist, why not, or that it was
 * applied already.
 */
public sealed interface Decision {

  record Accept(RoomEvent event) implements Decision {}

  record Reject(RejectCode code, String message) implements Decision {}

  /**
   * A retry: the same member already sent a command with this id, and it produced {@code
   * version}. Nothing to persist; the answer is the original ack.
   */
  record Duplicate(long version) implements Decision {}

  /** Nothing to persist and nothing to answer, such as closing a session that is already gone. */
  record Ignore() implements Decision {}

  static Decision reject(RejectCode code, String message) {
    return new Reject(code, message);
  }
}
