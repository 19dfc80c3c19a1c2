package io.parley.registry;

import java.util.List;
import java.util.Optional;

/**
 * One page of the public rooms, in room id order.
 *
 * @param next the cursor of the next page (the last room id of this one), absent on the last page
 */
public record PublicRoomPage(List<PublicRoom> rooms, Optional<String> next) {
  public PublicRoomPage {
    rooms = List.copyOf(rooms);
  }
}
