package io.parley.room;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The last events a room persisted, kept in memory so that a reconnecting or lagging connection
 * can catch up without a journal read. Bounded; empty after the room starts again.
 */
public final class RecentEvents {

  private final int capacity;
  private final Deque<RoomUpdate.EventDelivered> events = new ArrayDeque<>();

  public RecentEvents(int capacity) {
    this.capacity = capacity;
  }

  /** Versions must be appended in order, each one above the last. */
  public void append(RoomUpdate.EventDelivered event) {
    if (capacity == 0) {
      return;
    }
    if (events.size() == capacity) {
      events.removeFirst();
    }
    events.addLast(event);
  }

  /**
   * Every event after {@code version} up to {@code currentVersion}, or empty when some of them
   * are no longer (or not yet) held here.
   */
  public Optional<List<RoomUpdate.EventDelivered>> after(long version, long currentVersion) {
    if (version >= currentVersion) {
      return Optional.of(List.of());
    }
    if (events.isEmpty()
        || events.peekFirst().version() > version + 1
        || events.peekLast().version() != currentVersion) {
      return Optional.empty();
    }
    List<RoomUpdate.EventDelivered> missed = new ArrayList<>();
    for (RoomUpdate.EventDelivered event : events) {
      if (event.version() > version) {
        missed.add(event);
      }
    }
    return Optional.of(missed);
  }
}
