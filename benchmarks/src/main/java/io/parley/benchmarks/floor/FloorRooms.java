package io.parley.benchmarks.floor;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongFunction;

/** Room id → its connected sockets; a room exists while it has one. */
final class FloorRooms {

  private final ConcurrentMap<String, FloorRoom> rooms = new ConcurrentHashMap<>();

  /** Puts {@code socket} in room {@code roomId} after queueing its welcome; the room it joined. */
  FloorRoom join(String roomId, FloorSocket socket, LongFunction<String> welcome) {
    return rooms.compute(
        roomId,
        (id, room) -> {
          FloorRoom joined = room == null ? new FloorRoom() : room;
          joined.join(socket, welcome);
          return joined;
        });
  }

  void leave(String roomId, FloorSocket socket) {
    rooms.computeIfPresent(roomId, (id, room) -> room.leave(socket) ? null : room);
  }

  int size() {
    return rooms.size();
  }
}
