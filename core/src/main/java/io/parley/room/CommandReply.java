package io.parley.room;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.parley.serialization.CborSerializable;
import java.time.Duration;
import java.util.Optional;

/**
 * The answer to a durable command, sent after the journal write succeeded or instead of it.
 * Typed by name on the wire, as it also travels inside a {@link FanoutMessage.Answer}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = CommandReply.Accepted.class, name = "accepted"),
  @JsonSubTypes.Type(value = CommandReply.Rejected.class, name = "rejected")
})
public sealed interface CommandReply extends SessionInbox, CborSerializable {
  String commandId();

  record Accepted(String commandId, long version) implements CommandReply {}

  /**
   * Nothing changed. {@code retryAfter} is how long the client should wait before sending again,
   * when the room knows it ({@link RejectCode#RATE_LIMITED}, {@link RejectCode#OVERLOADED}).
   */
  record Rejected(String commandId, RejectCode code, String message, Optional<Duration> retryAfter)
      implements CommandReply {

    public Rejected {
      retryAfter = retryAfter == null ? Optional.empty() : retryAfter;
    }

    /** A rejection without a retry-after. */
    public Rejected(String commandId, RejectCode code, String message) {
      this(commandId, code, message, Optional.empty());
    }
  }
}
