package io.parley.testing;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;

/**
 * One HTTP/1.1 connection kept open between requests, written by hand: a test opens it while a
 * node still accepts connections and sends the next request on it later, when the node's
 * listener is closed (a draining node answers requests on connections opened before).
 */
public final class KeepAliveHttp implements AutoCloseable {

  /** The status line's code and the body of a response read by its Content-Length. */
  public record Response(int status, String statusLine, String body) {}

  /** The headers of a WebSocket upgrade request. */
  public static final Map<String, String> WEBSOCKET_UPGRADE =
      Map.of(
          "Upgrade", "websocket",
          "Connection", "Upgrade",
          "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==",
          "Sec-WebSocket-Version", "13");

  /** The headers of a server-sent events request. */
  public static final Map<String, String> EVENT_STREAM = Map.of("Accept", "text/event-stream");

  private final int port;
  private final Socket socket;
  private final DataInputStream in;

  private KeepAliveHttp(int port, Socket socket) throws IOException {
    this.port = port;
    this.socket = socket;
    this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
  }

  public static KeepAliveHttp open(int port) {
    try {
      Socket socket = new Socket();
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout((int) TestClient.WAIT.toMillis());
      return new KeepAliveHttp(port, socket);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A GET on this connection; the response must carry a Content-Length (no streamed answer). */
  public Response get(String target, Map<String, String> headers) {
    try {
      RawHttp.writeGet(socket, port, target, headers);
      RawHttp.Head head = RawHttp.readHead(in);
      int length =
          head.contentLength()
              .orElseThrow(
                  () -> new IllegalStateException("a response without Content-Length: " + head));
      return new Response(head.status(), head.statusLine(), RawHttp.readBody(in, length));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing
    }
  }
}
