package io.parley.benchmarks.idle;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Who connection number {@code index} is: its room ({@code <prefix>-<index / roomSize>}), its
 * user ({@code <prefix>-u<index>}, distinct) and the loopback source address its socket is bound
 * to (the {@code index % sourceAddresses}-th after {@code firstSource}), so that no source
 * address runs out of ephemeral ports.
 */
record ConnectionSpec(int index, String room, String user, InetAddress source) {

  static ConnectionSpec of(
      int index, String prefix, int roomSize, InetAddress firstSource, int sourceAddresses) {
    return new ConnectionSpec(
        index,
        prefix + "-" + (index / roomSize),
        prefix + "-u" + index,
        offset(firstSource, index % sourceAddresses));
  }

  static InetAddress offset(InetAddress first, int n) {
    byte[] a = first.getAddress();
    if (a.length != 4) {
      throw new IllegalArgumentException("an IPv4 source address is needed: " + first);
    }
    int v = ((a[0] & 0xFF) << 24 | (a[1] & 0xFF) << 16 | (a[2] & 0xFF) << 8 | (a[3] & 0xFF)) + n;
    try {
      return InetAddress.getByAddress(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  String path() {
    return "/v1/rooms/" + room + "/ws";
  }

  String hello() {
    return "{\"type\":\"hello\",\"userId\":\"" + user + "\",\"name\":\"" + user + "\"}";
  }
}
