package io.parley.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client written by hand on a plain socket, for what the JDK's client refuses to
 * send: a request target exactly as given, text frames whose payload is not valid UTF-8. It
 * reads the server's frames (unfragmented, as Parley sends them) until the close frame.
 */
public final class ByteLevelWebSocket implements AutoCloseable {

  private static final int OP_TEXT = 0x1;
  private static final int OP_CLOSE = 0x8;

  /** A frame from the server. */
  public record Frame(int opcode, byte[] payload) {

    public boolean isText() {
      return opcode == OP_TEXT;
    }

    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** The status code of a close frame, or 1005 (none) when it carries none. */
    public int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
    }
  }

  /** How the connection ended: the server's frames, with the close frame last if one came. */
  public record Closing(List<Frame> frames) {

    public List<String> texts() {
      return frames.stream().filter(Frame::isText).map(Frame::text).toList();
    }

    public int closeCode() {
      Frame last = frames.isEmpty() ? null : frames.get(frames.size() - 1);
      return last != null && last.opcode() == OP_CLOSE ? last.closeCode() : -1;
    }
  }

  private final Socket socket;
  private final DataInputStream in;

  private ByteLevelWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
  }

  /** Upgrades {@code target} (sent as is); fails unless the server answers 101. */
  public static ByteLevelWebSocket open(int port, String target) {
    try {
      Socket socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout((int) TestClient.WAIT.toMillis());
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
      ByteLevelWebSocket webSocket = new ByteLevelWebSocket(socket);
      String status = webSocket.readHeaders();
      if (!status.startsWith("HTTP/1.1 101")) {
        socket.close();
        throw new IllegalStateException("upgrade refused: " + status);
      }
      return webSocket;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void sendText(String text) {
    sendText(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A final, masked text frame with exactly these payload bytes. */
  public void sendText(byte[] payload) {
    try {
      OutputStream out = socket.getOutputStream();
      out.write(maskedFrame(OP_TEXT, payload));
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The next frame from the server; fails after {@link TestClient#WAIT} without one. */
  public Frame readFrame() {
    try {
      int first = in.readUnsignedByte();
      int second = in.readUnsignedByte();
      long length = second & 0x7f;
      if (length == 126) {
        length = in.readUnsignedShort();
      } else if (length == 127) {
        length = in.readLong();
      }
      byte[] payload = new byte[Math.toIntExact(length)];
      in.readFully(payload);
      return new Frame(first & 0x0f, payload);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no frame within " + TestClient.WAIT, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads frames until the server's close frame, or until the connection ends without one. */
  public Closing readUntilClose() {
    List<Frame> frames = new ArrayList<>();
    while (true) {
      Frame frame;
      try {
        frame = readFrame();
      } catch (UncheckedIOException e) {
        if (e.getCause() instanceof EOFException) {
          return new Closing(frames);
        }
        throw e;
      }
      frames.add(frame);
      if (frame.opcode() == OP_CLOSE) {
        return new Closing(frames);
      }
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already gone
    }
  }

  private String readHeaders() throws IOException {
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

  /** Client frames must be masked (RFC 6455, 5.3). */
  private static byte[] maskedFrame(int opcode, byte[] payload) {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(0x80 | opcode);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length & 0xff);
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
