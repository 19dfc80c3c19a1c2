package io.parley.auth;

import io.parley.protocol.FrameEncoder;
import java.time.Instant;
import java.util.Optional;

/**
 * What one connection may do in its room: the identity its token proved (absent when
 * authentication is off, and then every member may do everything) and its permission there.
 */
public record RoomAccess(Optional<Identity> identity, Permission permission) {

  /** Authentication is off ({@code parley.auth.mode = none}): the hello says who, all is allowed. */
  public static RoomAccess unauthenticated() {
    return new RoomAccess(Optional.empty(), Permission.ADMIN);
  }

  public static RoomAccess of(Identity identity, Permission permission) {
    return new RoomAccess(Optional.of(identity), permission);
  }

  public Optional<Instant> expiresAt() {
    return identity.flatMap(Identity::expiresAt);
  }

  public boolean allows(Permission required) {
    return permission.includes(required);
  }

  public FrameEncoder.Grant grant() {
    return new FrameEncoder.Grant(permission.wireName(), expiresAt());
  }
}
