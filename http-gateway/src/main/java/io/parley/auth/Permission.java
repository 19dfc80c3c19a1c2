package io.parley.auth;

import java.util.Locale;
import java.util.Optional;

/**
 * What a user may do in a room, each level including the ones before it: {@code read} receives
 * events and presence and appears as a member (its own ready flag and focus included); {@code
 * write} also changes state, chats and sends cursors; {@code admin} also kicks members and closes
 * the room.
 */
public enum Permission {
  READ,
  WRITE,
  ADMIN;

  public boolean includes(Permission required) {
    return compareTo(required) >= 0;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Permission> parse(String wireName) {
    for (Permission permission : values()) {
      if (permission.wireName().equals(wireName)) {
        return Optional.of(permission);
      }
    }
    return Optional.empty();
  }
}
