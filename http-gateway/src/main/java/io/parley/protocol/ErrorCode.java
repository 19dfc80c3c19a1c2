package io.parley.protocol;

import java.util.Locale;

/** Why a frame was answered with {@code error}; the wire form is the lower-case name. */
public enum ErrorCode {
  /** Not a JSON object, not text, or larger than the frame limit. */
  BAD_FRAME,
  /** The {@code type} is not one this protocol version knows. */
  UNKNOWN_TYPE,
  /** A field is missing, of the wrong type, or breaks a documented limit. */
  INVALID_FIELD,
  /** A command came before {@code hello}, or {@code hello} came twice. */
  PROTOCOL_ORDER,
  /** The room refused the session ({@code hello}); the connection is closed after this error. */
  JOIN_REFUSED,
  /** Nothing arrived within the idle timeout; the connection is closed after this error. */
  IDLE_TIMEOUT,
  /** Missed events could not be delivered; the connection closes, the client resumes. */
  CATCH_UP_FAILED,
  /** The client did not read its frames fast enough; the connection closes, the client resumes. */
  SLOW_CONSUMER,
  /** Too many invalid frames in a short time; the connection is closed after this error. */
  POLICY_VIOLATION,
  /**
   * The hello names another user than the token, or another name or colour than the token
   * gives; the connection is closed after this error.
   */
  IDENTITY_MISMATCH,
  /** A frame the connection's permission in the room does not allow (a read-only cursor). */
  FORBIDDEN,
  /** The connection's token expired without a refresh; the connection is closed after this error. */
  TOKEN_EXPIRED,
  /** A refresh token was invalid, for another user, or opens the room no more. */
  REFRESH_REFUSED,
  /** A room administrator removed the member; the connection is closed after this error. */
  KICKED,
  /** A room administrator closed the room; the connection is closed after this error. */
  ROOM_CLOSED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
