package io.parley.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP/1.1 GET written by hand on a plain socket, so that the request target reaches the
 * server exactly as given, whatever an HTTP client would make of it.
 */
public final class RawHttp {

  /** The status, the {@code Content-Type}, the body and the headers (lower-case names). */
  public record Response(int status, String contentType, String body, Map<String, String> headers) {}

  private RawHttp() {}

  public static Response get(int port, String target) {
    return get(port, target, Map.of());
  }

  /** {@code headers} are sent after {@code Host}; the response is read by its Content-Length. */
  public static Response get(int port, String target, Map<String, String> headers) {
    return request(port, "GET", target, headers);
  }

  /** A request without a body, of any method ({@code OPTIONS} for a CORS preflight). */
  public static Response request(int port, String method, String target, Map<String, String> headers) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout((int) TestClient.WAIT.toMillis());
      write(socket, method, port, target, headers);
      DataInputStream in = new DataInputStream(socket.getInputStream());
      Head head = readHead(in);
      return new Response(
          head.status(),
          head.headers().getOrDefault("content-type", ""),
          readBody(in, head.contentLength().orElse(0)),
          head.headers());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The status line, its code and the headers (names in lower case) of a response. */
  record Head(String statusLine, int status, Map<String, String> headers) {
    Optional<Integer> contentLength() {
      return Optional.ofNullable(headers.get("content-length")).map(Integer::parseInt);
    }
  }

  /** Writes a GET of {@code target} with {@code headers} after {@code Host}. */
  static void writeGet(Socket socket, int port, String target, Map<String, String> headers)
      throws IOException {
    write(socket, "GET", port, target, headers);
  }

  private static void write(
      Socket socket, String method, int port, String target, Map<String, String> headers)
      throws IOException {
    StringBuilder request =
        new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
            .append("Host: 127.0.0.1:").append(port).append("\r\n");
    headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
    OutputStream out = socket.getOutputStream();
    out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Reads a response up to the blank line after its headers. */
  static Head readHead(DataInputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int last4 = 0;
    while (last4 != 0x0d0a0d0a) {
      int b = in.readUnsignedByte();
      head.write(b);
      last4 = (last4 << 8) | b;
    }
    String[] lines = head.toString(StandardCharsets.US_ASCII).trim().split("\r\n");
    Map<String, String> headers = new HashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(
          lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).trim());
    }
    return new Head(lines[0], Integer.parseInt(lines[0].split(" ")[1]), headers);
  }

  static String readBody(DataInputStream in, int length) throws IOException {
    byte[] body = new byte[length];
    in.readFully(body);
    return new String(body, StandardCharsets.UTF_8);
  }
}
