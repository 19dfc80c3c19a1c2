package io.parley.auth;

import java.time.Instant;
import java.util.Optional;

/**
 * Who a verified token says the client is: the user id ({@code sub}), the display name and
 * colour when the token carries them, the rooms it opens, and when it expires.
 */
public record Identity(
    String userId,
    Optional<String> name,
    Optional<String> color,
    RoomGrants rooms,
    Optional<Instant> expiresAt) {}
