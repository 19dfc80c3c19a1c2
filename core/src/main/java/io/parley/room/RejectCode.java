package io.parley.room;

import java.util.Locale;

/** Why a room refused a command. The wire form is the lower-case name. */
public enum RejectCode {
  /** A field broke a documented limit or format. */
  VALIDATION,
  /** An {@code expect}ed key version did not match the current one. */
  CONFLICT,
  /**
   * The member already used this command id, for a command with a different content that the
   * room still remembers; a retry (the same content) gets the original ack instead.
   */
  ID_REUSED,
  /** The sender has no open session in the room. */
  NOT_MEMBER,
  /** The room did not answer within the gateway's command timeout. */
  TIMEOUT,
  /** The user sent more than its rate ({@code parley.limits.rates}); comes with a retry-after. */
  RATE_LIMITED,
  /** A new user would exceed {@code parley.limits.members-per-room}. */
  ROOM_FULL,
  /**
   * The room has more commands waiting than it holds ({@code parley.room.mailbox-capacity},
   * {@code pekko.persistence.typed.stash-capacity}); nothing changed, retry after the hint.
   */
  OVERLOADED,
  /**
   * The command was valid but its event could not be stored (the journal would refuse it); nothing
   * changed, and the same command will fail again. The room and the other commands go on.
   */
  NOT_STORED,
  /**
   * The sender's permission in the room does not allow the command (a read-only member's change
   * or chat); checked by the gateway before the room sees it.
   */
  FORBIDDEN;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
