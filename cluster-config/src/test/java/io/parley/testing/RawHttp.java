package io.parley.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 GET written by hand on a plain socket, so that the request target reaches the
 * server exactly as given, whatever an HTTP client would make of it.
 */
public final class RawHttp {

  /** The status, the {@code Content-Type} and the body of a response. */
  public record Response(int status, String contentType, String body) {}

  private RawHttp() {}

  public static Response get(int port, String target) {
    return get(port, target, Map.of());
  }

  /** {@code headers} are sent after {@code Host}; the response is read by its Content-Length. */
  public static Response get(int port, String target, Map<String, String> headers) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout((int) TestClient.WAIT.toMillis());
      StringBuilder request =
          new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\n")
              .append("Host: 127.0.0.1:").append(port).append("\r\n");
      headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
      OutputStream out = socket.getOutputStream();
      out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return read(new DataInputStream(socket.getInputStream()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Response read(DataInputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int last4 = 0;
    while (last4 != 0x0d0a0d0a) {
      int b = in.readUnsignedByte();
      head.write(b);
      last4 = (last4 << 8) | b;
    }
    String[] lines = head.toString(StandardCharsets.US_ASCII).trim().split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    String contentType = "";
    int length = 0;
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = lines[i].substring(colon + 1).trim();
      if (name.equals("content-type")) {
        contentType = value;
      } else if (name.equals("content-length")) {
        length = Integer.parseInt(value);
      }
    }
    byte[] body = new byte[length];
    in.readFully(body);
    return new Response(status, contentType, new String(body, StandardCharsets.UTF_8));
  }
}
