package io.parley.auth;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The rooms a token opens, from its rooms claim: room id patterns, each with a {@link
 * Permission}, e.g. {@code {"team-*": "write", "lobby": "read"}}. A pattern is a room id in
 * which {@code *} stands for any run of characters ({@code "*"} alone: every room).
 *
 * <p>When several patterns match a room, the most specific one decides: an exact id first, then
 * the pattern with the most characters that are not {@code *}; between equally specific ones, the
 * lower level. So {@code {"team-*": "write", "team-audit": "read"}} makes {@code team-audit}
 * read-only, whatever the order of the claim.
 */
public record RoomGrants(Map<String, Permission> patterns) {

  /** The longest pattern accepted, in characters: a room id is at most 128. */
  public static final int MAX_PATTERN_LENGTH = 128;

  /** The most patterns one claim may hold: the claim is checked on every upgrade. */
  public static final int MAX_PATTERNS = 256;

  public RoomGrants {
    patterns = Map.copyOf(patterns);
  }

  /** Every room at {@code permission}. */
  public static RoomGrants everyRoom(Permission permission) {
    return new RoomGrants(Map.of("*", permission));
  }

  public Optional<Permission> forRoom(String roomId) {
    Permission exact = patterns.get(roomId);
    if (exact != null) {
      return Optional.of(exact);
    }
    Permission best = null;
    int bestSpecificity = -1;
    for (Map.Entry<String, Permission> grant : patterns.entrySet()) {
      String pattern = grant.getKey();
      if (!matches(pattern, roomId)) {
        continue;
      }
      int specificity = pattern.length() - count(pattern, '*');
      if (specificity > bestSpecificity
          || (specificity == bestSpecificity && grant.getValue().compareTo(best) < 0)) {
        best = grant.getValue();
        bestSpecificity = specificity;
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * Reads the claim as the JWT library gives it (a JSON object as a map); a claim that is not an
   * object of pattern to level is refused with a message saying what is wrong.
   */
  public static RoomGrants fromClaim(Object claim, String claimName) throws InvalidClaim {
    if (!(claim instanceof Map<?, ?> map)) {
      throw new InvalidClaim(
          "claim " + claimName + " must be an object of room id pattern to read, write or admin");
    }
    if (map.size() > MAX_PATTERNS) {
      throw new InvalidClaim("claim " + claimName + " has more than " + MAX_PATTERNS + " patterns");
    }
    Map<String, Permission> patterns = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      String pattern = String.valueOf(entry.getKey());
      if (pattern.isEmpty() || pattern.length() > MAX_PATTERN_LENGTH) {
        throw new InvalidClaim(
            "claim " + claimName + ": a pattern has 1 to " + MAX_PATTERN_LENGTH + " characters");
      }
      Optional<Permission> level =
          entry.getValue() instanceof String text ? Permission.parse(text) : Optional.empty();
      if (level.isEmpty()) {
        throw new InvalidClaim(
            "claim " + claimName + ": the level of " + pattern + " must be read, write or admin");
      }
      patterns.put(pattern, level.get());
    }
    return new RoomGrants(patterns);
  }

  /** Glob match where {@code *} is any run of characters, in linear time. */
  static boolean matches(String pattern, String text) {
    int p = 0;
    int t = 0;
    int starAt = -1;
    int matchedAfterStar = 0;
    while (t < text.length()) {
      if (p < pattern.length() && pattern.charAt(p) != '*' && pattern.charAt(p) == text.charAt(t)) {
        p++;
        t++;
      } else if (p < pattern.length() && pattern.charAt(p) == '*') {
        starAt = p++;
        matchedAfterStar = t;
      } else if (starAt >= 0) {
        p = starAt + 1;
        t = ++matchedAfterStar;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }

  private static int count(String text, char c) {
    int n = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == c) {
        n++;
      }
    }
    return n;
  }

  /** A rooms claim that cannot be read. */
  public static final class InvalidClaim extends Exception {
    public InvalidClaim(String message) {
      super(message);
    }
  }
}
