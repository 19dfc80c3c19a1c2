package io.parley.gateway;

import io.parley.protocol.ErrorCode;

/**
 * The status of the close frame that ends a WebSocket (RFC 6455 section 7.4): 1000 for a normal
 * close, and one of Parley's codes 4000–4999 when the server ends the connection for a reason, so
 * that a client that could not read the {@code error} frame before it (it was not reading, or the
 * frame was dropped with the queue) still learns why. The reason text is the error's wire name.
 * docs/PROTOCOL.md lists the codes; they are part of the protocol and never change meaning.
 */
public record CloseStatus(int code, String reason) {

  public static final CloseStatus NORMAL = new CloseStatus(1000, "");

  /** The node is shutting down: reconnect, to any node, and resume. */
  static final CloseStatus NODE_SHUTTING_DOWN = new CloseStatus(4003, GatewayDrain.REASON);

  /** The status of a close whose last frame is {@code error} with {@code code}. */
  static CloseStatus forError(ErrorCode code) {
    return new CloseStatus(codeOf(code), code.wireName());
  }

  private static int codeOf(ErrorCode code) {
    return switch (code) {
      case SLOW_CONSUMER -> 4000;
      case POLICY_VIOLATION -> 4001;
      case IDLE_TIMEOUT -> 4002;
      // 4003: NODE_SHUTTING_DOWN, which is a reconnect frame, not an error
      case KICKED -> 4004;
      case ROOM_CLOSED -> 4005;
      case TOKEN_EXPIRED -> 4006;
      case JOIN_REFUSED -> 4007;
      case PROTOCOL_ORDER -> 4008;
      case CATCH_UP_FAILED -> 4009;
      case IDENTITY_MISMATCH -> 4010;
      case FORBIDDEN -> 4011;
      // errors that never close a connection; should one ever do, RFC 6455's generic code
      case BAD_FRAME, UNKNOWN_TYPE, INVALID_FIELD, REFRESH_REFUSED -> 1008;
    };
  }
}
