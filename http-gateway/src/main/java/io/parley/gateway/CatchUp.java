package io.parley.gateway;

import io.parley.room.RoomUpdate;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The events a connection missed (it resumed, or saw a gap), handed to the client as fast as it
 * reads them and never more than its outbound buffer holds. They come from the room's memory of
 * its latest events or, when the room no longer holds them, from the journal one page at a time,
 * so that a catch-up holds at most a page in memory.
 */
final class CatchUp {

  /** What the connection does next. */
  sealed interface Next {}

  /** Every missed event is handed over: live traffic may go on. */
  record Done() implements Next {}

  /** The outbound buffer is full: try again once the client has read some. */
  record WaitForRoom() implements Next {}

  /** Read the journal's versions {@code from} to {@code to}, and hand them to {@link #fromJournal}. */
  record ReadJournal(long from, long to) implements Next {}

  private final int page;
  private final Deque<RoomUpdate.EventDelivered> backlog = new ArrayDeque<>();
  private boolean moreInJournal;

  /** {@code page}: the events read from the journal at once, the outbound buffer's size. */
  CatchUp(int page) {
    this.page = page;
  }

  /** The room still held what was missed. */
  void fromRoom(List<RoomUpdate.EventDelivered> events) {
    backlog.addAll(events);
    moreInJournal = false;
  }

  /** A page of the journal; a full page means there may be more after it. */
  void fromJournal(List<RoomUpdate.EventDelivered> events) {
    backlog.addAll(events);
    moreInJournal = events.size() == page;
  }

  /** The first journal page after the last version delivered, when the room no longer holds it. */
  ReadJournal journalAfter(DeliveryOrder delivery) {
    long from = delivery.lastVersion() + 1;
    return new ReadJournal(from, from + page - 1);
  }

  /**
   * Hands {@code send} the events {@code delivery} has not had, while {@code hasRoom}; says what
   * comes next.
   */
  Next drain(DeliveryOrder delivery, BooleanSupplier hasRoom, Consumer<RoomUpdate.EventDelivered> send) {
    while (!backlog.isEmpty() && hasRoom.getAsBoolean()) {
      RoomUpdate.EventDelivered event = backlog.poll();
      if (delivery.arrived(event.version()) == DeliveryOrder.Verdict.DELIVER) {
        send.accept(event);
      }
    }
    if (!backlog.isEmpty()) {
      return new WaitForRoom();
    }
    if (moreInJournal) {
      moreInJournal = false;
      return journalAfter(delivery);
    }
    return new Done();
  }
}
