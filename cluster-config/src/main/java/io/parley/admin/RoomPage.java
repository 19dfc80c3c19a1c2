package io.parley.admin;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One page of a listing of rooms, sorted by room id so that pages are stable while rooms come
 * and go: a page holds the first {@code limit} rooms after the cursor {@code after} (a room id,
 * which need not be running any more), and {@code next} is the cursor of the following page,
 * absent on the last one.
 */
public record RoomPage(List<Location> rooms, Optional<String> next) {

  /** A running room and the cluster address of the node it runs on. */
  public record Location(String roomId, String node) {}

  public RoomPage {
    rooms = List.copyOf(rooms);
  }

  /** The page of {@code all} (in any order; a room listed twice counts once) after {@code after}. */
  public static RoomPage of(Collection<Location> all, Optional<String> after, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive, was " + limit);
    }
    // a room seen twice (its shard moving while the nodes were asked) is listed once
    TreeMap<String, Location> following = new TreeMap<>();
    for (Location room : all) {
      if (after.map(cursor -> room.roomId().compareTo(cursor) > 0).orElse(true)) {
        following.putIfAbsent(room.roomId(), room);
      }
    }
    List<Location> distinct = List.copyOf(following.values());
    if (distinct.size() <= limit) {
      return new RoomPage(distinct, Optional.empty());
    }
    List<Location> page = distinct.subList(0, limit);
    return new RoomPage(page, Optional.of(page.get(limit - 1).roomId()));
  }
}
