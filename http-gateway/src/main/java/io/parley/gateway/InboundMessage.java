package io.parley.gateway;

/** What one client message (one frame, or a fragmented frame's parts) comes to. */
public sealed interface InboundMessage {

  /** A whole text message within the frame limit. */
  record Text(String text) implements InboundMessage {}

  /** A message the gateway does not read; it is answered with {@code error} {@code bad_frame}. */
  enum Refused implements InboundMessage {
    /** Parley speaks JSON text frames only. */
    BINARY,
    /** Larger than {@code parley.gateway.max-frame-size}; its bytes were counted, not kept. */
    TOO_LARGE
  }
}
