package io.parley.benchmarks.idle;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * WebSocket frames (RFC 6455) as a client writes and reads them: client frames are masked, server
 * frames are not (a masked one is unmasked anyway). Whole frames only; continuation frames are
 * returned as they come and joined by the caller.
 */
final class WsFrames {

  static final int CONTINUATION = 0x0;
  static final int TEXT = 0x1;
  static final int BINARY = 0x2;
  static final int CLOSE = 0x8;
  static final int PING = 0x9;
  static final int PONG = 0xA;

  /** Larger frames than this from the server are treated as a protocol error. */
  static final int MAX_PAYLOAD = 4 << 20;

  /** One frame read from the server. */
  record Frame(boolean fin, int opcode, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** The status code of a close frame, or 1005 (none given). */
    int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
    }
  }

  private WsFrames() {}

  static ByteBuffer text(String text) {
    return masked(TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  static ByteBuffer close(int code) {
    return masked(CLOSE, new byte[] {(byte) (code >> 8), (byte) code});
  }

  static ByteBuffer pong(byte[] payload) {
    return masked(PONG, payload);
  }

  /** A final, masked client frame ready to be written. */
  static ByteBuffer masked(int opcode, byte[] payload) {
    int n = payload.length;
    int lengthBytes = n <= 125 ? 0 : n <= 0xFFFF ? 2 : 8;
    ByteBuffer frame = ByteBuffer.allocate(2 + lengthBytes + 4 + n);
    frame.put((byte) (0x80 | opcode));
    if (lengthBytes == 0) {
      frame.put((byte) (0x80 | n));
    } else if (lengthBytes == 2) {
      frame.put((byte) (0x80 | 126)).putShort((short) n);
    } else {
      frame.put((byte) (0x80 | 127)).putLong(n);
    }
    int mask = ThreadLocalRandom.current().nextInt();
    frame.putInt(mask);
    for (int i = 0; i < n; i++) {
      frame.put((byte) (payload[i] ^ (mask >>> (24 - 8 * (i & 3)))));
    }
    return frame.flip();
  }

  /**
   * The next whole frame of {@code in}, consumed; or null, {@code in} untouched, when it holds
   * only part of one.
   *
   * @throws IllegalStateException when the frame is larger than {@link #MAX_PAYLOAD}
   */
  static Frame next(ByteBuffer in) {
    int start = in.position();
    if (in.remaining() < 2) {
      return null;
    }
    int b0 = in.get(start) & 0xFF;
    int b1 = in.get(start + 1) & 0xFF;
    boolean masked = (b1 & 0x80) != 0;
    long length = b1 & 0x7F;
    int header = 2;
    if (length == 126) {
      if (in.remaining() < 4) {
        return null;
      }
      length = in.getShort(start + 2) & 0xFFFF;
      header = 4;
    } else if (length == 127) {
      if (in.remaining() < 10) {
        return null;
      }
      length = in.getLong(start + 2);
      header = 10;
    }
    if (length < 0 || length > MAX_PAYLOAD) {
      throw new IllegalStateException("server frame of " + length + " bytes");
    }
    int maskBytes = masked ? 4 : 0;
    if (in.remaining() < header + maskBytes + length) {
      return null;
    }
    byte[] payload = new byte[(int) length];
    in.position(start + header + maskBytes);
    in.get(payload);
    if (masked) {
      for (int i = 0; i < payload.length; i++) {
        payload[i] ^= in.get(start + header + (i & 3));
      }
    }
    return new Frame((b0 & 0x80) != 0, b0 & 0x0F, payload);
  }
}
