package io.parley.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * A WebSocket client written by hand on a plain socket, for what the JDK's client does not let a
 * test do:
 *
 * <ul>
 *   <li>decide when it reads: while it does not, the server meets real TCP backpressure (its
 *       receive buffer can be made small so that little data fills it);
 *   <li>send a room id in the request target exactly as given, and text frames whose payload is
 *       not valid UTF-8.
 * </ul>
 *
 * It reads the server's frames unfragmented, as Parley sends them.
 */
public final class RawWebSocket implements AutoCloseable {

  /** What the server sent: a text frame, its close frame, or the end of the TCP stream. */
  public sealed interface ServerFrame {}

  public record Text(JsonNode json) implements ServerFrame {}

  public record Close(int code) implements ServerFrame {}

  /** The connection ended without a close frame (reset or plain end of stream). */
  public record Ended(String how) implements ServerFrame {}

  private static final int OP_TEXT = 0x1;
  private static final int OP_CLOSE = 0x8;
  private static final int OP_PING = 0x9;
  private static final int OP_PONG = 0xA;

  private static final int READ_TIMEOUT_MS = (int) TestClient.WAIT.toMillis();

  private final Socket socket;
  private final DataInputStream in;

  private RawWebSocket(Socket socket, DataInputStream in) {
    this.socket = socket;
    this.in = in;
  }

  /**
   * Upgrades a connection to {@code roomId}, which goes into the request target as is (not
   * encoded); fails unless the server answers 101. {@code receiveBufferBytes} 0 keeps the default.
   */
  public static RawWebSocket open(int port, String roomId, int receiveBufferBytes) {
    String target = "/v1/rooms/" + roomId + "/ws";
    try {
      Socket socket = new Socket();
      if (receiveBufferBytes > 0) {
        // Before connecting: the receive window is negotiated in the handshake.
        socket.setReceiveBufferSize(receiveBufferBytes);
      }
      socket.connect(new InetSocketAddress("127.0.0.1", port));
      socket.setSoTimeout(READ_TIMEOUT_MS);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET " + target + " HTTP/1.1\r\n"
                  + "Host: 127.0.0.1:" + port + "\r\n"
                  + "Upgrade: websocket\r\n"
                  + "Connection: Upgrade\r\n"
                  + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  + "Sec-WebSocket-Version: 13\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
      String status = readHeaders(in);
      if (!status.startsWith("HTTP/1.1 101")) {
        socket.close();
        throw new IllegalStateException("upgrade refused: " + status);
      }
      return new RawWebSocket(socket, in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void sendText(String text) {
    sendText(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A final text frame with exactly these payload bytes, valid UTF-8 or not. */
  public void sendText(byte[] payload) {
    try {
      write(OP_TEXT, payload);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends a ping frame; false once the connection is gone (the server reset it). */
  public boolean ping() {
    try {
      write(OP_PING, new byte[0]);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Reads until a text frame matches, and returns it; other frames are skipped. */
  public JsonNode readUntil(Predicate<JsonNode> match) {
    while (true) {
      ServerFrame frame = next();
      if (frame instanceof Text text && match.test(text.json())) {
        return text.json();
      }
      if (!(frame instanceof Text)) {
        throw new AssertionError("connection closed while waiting: " + frame);
      }
    }
  }

  /** Reads everything up to and including the close frame or the end of the connection. */
  public List<ServerFrame> readUntilClosed() {
    List<ServerFrame> frames = new ArrayList<>();
    while (true) {
      ServerFrame frame = next();
      frames.add(frame);
      if (!(frame instanceof Text)) {
        return frames;
      }
    }
  }

  /**
   * The next text, close or end; pings and pongs are skipped. Fails after {@link TestClient#WAIT}
   * without one.
   */
  public ServerFrame next() {
    try {
      while (true) {
        int first = in.readUnsignedByte();
        int opcode = first & 0x0f;
        if ((first & 0x80) == 0 || opcode == 0) {
          throw new AssertionError("fragmented server frames are not expected");
        }
        byte[] payload = payload();
        switch (opcode) {
          case OP_TEXT -> {
            return new Text(TestClient.JSON.readTree(new String(payload, StandardCharsets.UTF_8)));
          }
          case OP_CLOSE -> {
            return new Close(payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005);
          }
          case OP_PING, OP_PONG -> {
            // keep-alive: nothing for the test
          }
          default -> throw new AssertionError("unexpected opcode " + opcode);
        }
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no frame within " + TestClient.WAIT, e);
    } catch (EOFException e) {
      return new Ended("end of stream");
    } catch (IOException e) {
      return new Ended(e.toString());
    }
  }

  private byte[] payload() throws IOException {
    int second = in.readUnsignedByte();
    long length = second & 0x7f;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = in.readLong();
    }
    byte[] payload = new byte[Math.toIntExact(length)];
    in.readFully(payload);
    return payload;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already gone
    }
  }

  private void write(int opcode, byte[] payload) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(maskedFrame(opcode, payload));
    out.flush();
  }

  private static String readHeaders(InputStream in) throws IOException {
    ByteArrayOutputStream headers = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < end.length) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      headers.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return headers.toString(StandardCharsets.US_ASCII);
  }

  /** A final frame with the client-to-server mask the protocol requires (RFC 6455, 5.3). */
  private static byte[] maskedFrame(int opcode, byte[] payload) {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(0x80 | opcode);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else if (payload.length <= 0xffff) {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length & 0xff);
    } else {
      frame.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) ((long) payload.length >>> shift) & 0xff);
      }
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    frame.writeBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    return frame.toByteArray();
  }
}
