package io.parley.testing;

/**
 * A WebSocket client that upgrades, sends one text frame and then neither reads nor writes: a
 * client that hangs with its connection open.
 */
public final class SilentWebSocket implements AutoCloseable {

  private final RawWebSocket socket;

  private SilentWebSocket(RawWebSocket socket) {
    this.socket = socket;
  }

  public static SilentWebSocket openAndSend(int port, String roomId, String text) {
    RawWebSocket socket = RawWebSocket.open(port, roomId, 0);
    socket.sendText(text);
    return new SilentWebSocket(socket);
  }

  @Override
  public void close() {
    socket.close();
  }
}
