package io.parley.room;

import java.util.Locale;

/** Why a room refused a command. The wire form is the lower-case name. */
public enum RejectCode {
  /** A field broke a documented limit or format. */
  VALIDATION,
  /** An {@code expect}ed key version did not match the current one. */
  CONFLICT,
  /** The sender has no open session in the room. */
  NOT_MEMBER,
  /** The room did not answer within the gateway's command timeout. */
  TIMEOUT;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
