package io.parley.benchmarks.idle;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/** The HTTP/1.1 upgrade of one WebSocket (RFC 6455 section 4), written and checked by hand. */
final class Handshake {

  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  private static final byte[] END_OF_HEADERS = {'\r', '\n', '\r', '\n'};
  /** A longer response head than this is not an upgrade. */
  static final int MAX_RESPONSE_HEAD = 16 * 1024;

  private final String key;
  private final String request;

  Handshake(String hostPort, String path) {
    this(hostPort, path, randomKey());
  }

  Handshake(String hostPort, String path, String key) {
    this.key = key;
    this.request =
        "GET " + path + " HTTP/1.1\r\n"
            + "Host: " + hostPort + "\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Key: " + key + "\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + "\r\n";
  }

  private static String randomKey() {
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    return Base64.getEncoder().encodeToString(nonce);
  }

  ByteBuffer request() {
    return ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
  }

  /** Where the response head ends in {@code in} (just after the blank line), or -1. */
  static int endOfHead(ByteBuffer in) {
    outer:
    for (int i = in.position(); i + END_OF_HEADERS.length <= in.limit(); i++) {
      for (int j = 0; j < END_OF_HEADERS.length; j++) {
        if (in.get(i + j) != END_OF_HEADERS[j]) {
          continue outer;
        }
      }
      return i + END_OF_HEADERS.length;
    }
    return -1;
  }

  /** Null when {@code head} accepts the upgrade, otherwise why not (e.g. "http 429"). */
  String refusal(String head) {
    String[] lines = head.split("\r\n");
    String[] status = lines[0].split(" ", 3);
    if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
      return "not http: " + lines[0];
    }
    if (!status[1].equals("101")) {
      return "http " + status[1];
    }
    for (String line : lines) {
      int colon = line.indexOf(':');
      if (colon > 0
          && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("sec-websocket-accept")) {
        return line.substring(colon + 1).trim().equals(expectedAccept())
            ? null
            : "wrong Sec-WebSocket-Accept";
      }
    }
    return "no Sec-WebSocket-Accept";
  }

  private String expectedAccept() {
    try {
      byte[] sha1 =
          MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(sha1);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
