package io.parley.room;

import io.parley.serialization.CborSerializable;

/** The answer to a durable command, sent after the journal write succeeded or instead of it. */
public sealed interface CommandReply extends SessionInbox, CborSerializable {
  String commandId();

  record Accepted(String commandId, long version) implements CommandReply {}

  record Rejected(String commandId, RejectCode code, String message) implements CommandReply {}
}
