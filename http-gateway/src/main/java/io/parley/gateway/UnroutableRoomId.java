package io.parley.gateway;

import java.util.Optional;

/**
 * A room id that Pekko HTTP's routing never sees, read from the request target as the client
 * sent it ({@code Raw-Request-URI}). Pekko removes dot segments before routing ({@code
 * /v1/rooms/../ws} arrives as {@code /v1/ws}, {@code /v1/rooms/./ws} as a read of room "ws"),
 * and its segment matcher skips an empty one ({@code /v1/rooms//ws}). Each is still a request
 * for a room, with an invalid id.
 */
final class UnroutableRoomId {

  private static final String ROOMS = "/v1/rooms/";

  private UnroutableRoomId() {}

  /** The empty, {@code .} or {@code ..} room id of a target under {@code /v1/rooms/}. */
  static Optional<String> in(String requestTarget) {
    String path = path(requestTarget);
    if (!path.startsWith(ROOMS)) {
      return Optional.empty();
    }
    int end = path.indexOf('/', ROOMS.length());
    String segment = path.substring(ROOMS.length(), end < 0 ? path.length() : end);
    // RFC 3986, 6.2.2.2: %2E is an unreserved "." and makes a dot segment as well.
    String decoded = segment.replace("%2E", ".").replace("%2e", ".");
    return switch (decoded) {
      case "", ".", ".." -> Optional.of(decoded);
      default -> Optional.empty();
    };
  }

  /** The path of an origin-form ({@code /p?q}) or absolute-form ({@code http://h/p?q}) target. */
  private static String path(String target) {
    int start = 0;
    if (!target.startsWith("/")) {
      int authority = target.indexOf("://");
      start = authority < 0 ? -1 : target.indexOf('/', authority + 3);
    }
    if (start < 0) {
      return "";
    }
    int query = target.indexOf('?', start);
    return target.substring(start, query < 0 ? target.length() : query);
  }
}
