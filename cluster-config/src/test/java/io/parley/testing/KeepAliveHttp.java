package io.parley.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
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
      StringBuilder request =
          new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\n")
              .append("Host: 127.0.0.1:").append(port).append("\r\n");
      headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
      OutputStream out = socket.getOutputStream();
      out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return read();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Response read() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int last4 = 0;
    while (last4 != 0x0d0a0d0a) {
      int b = in.readUnsignedByte();
      head.write(b);
      last4 = (last4 << 8) | b;
    }
    String[] lines = head.toString(StandardCharsets.US_ASCII).trim().split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    int length = -1;
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
        length = Integer.parseInt(lines[i].substring(colon + 1).trim());
      }
    }
    if (length < 0) {
      throw new IllegalStateException("a response without Content-Length: " + String.join(" | ", lines));
    }
    byte[] body = new byte[length];
    in.readFully(body);
    return new Response(status, lines[0], new String(body, StandardCharsets.UTF_8));
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
