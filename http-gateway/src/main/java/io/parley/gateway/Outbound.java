package io.parley.gateway;

/** What a connection actor hands to the WebSocket's outbound queue. */
sealed interface Outbound {

  record Frame(String text) implements Outbound {}

  /** Ends the WebSocket normally after the frames queued before it. */
  record Close() implements Outbound {}
}
