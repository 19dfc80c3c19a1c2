package io.parley.registry;

import java.time.Instant;

/**
 * A room as the public registry lists it.
 *
 * @param members members online or away, as the registry counted them from the room's events
 * @param lastActivity the time of the room's latest event since it was made public
 */
public record PublicRoom(String roomId, String title, int members, Instant lastActivity) {}
