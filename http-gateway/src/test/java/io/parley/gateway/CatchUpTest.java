package io.parley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.room.RoomEvent;
import io.parley.room.RoomUpdate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class CatchUpTest {

  private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

  private final List<Long> sent = new ArrayList<>();

  private static List<RoomUpdate.EventDelivered> versions(long from, long to) {
    return LongStream.rangeClosed(from, to)
        .mapToObj(v -> new RoomUpdate.EventDelivered(v, new RoomEvent.SessionClosed("u", "s", AT)))
        .toList();
  }

  private CatchUp.Next drain(CatchUp catchUp, DeliveryOrder delivery, int room) {
    int[] left = {room};
    return catchUp.drain(delivery, () -> left[0]-- > 0, event -> sent.add(event.version()));
  }

  @Test
  void whatTheRoomHeldIsHandedOverInOrderWithoutTheVersionsAlreadyDelivered() {
    CatchUp catchUp = new CatchUp(10);
    DeliveryOrder delivery = new DeliveryOrder(3);
    catchUp.fromRoom(versions(2, 6));

    assertThat(drain(catchUp, delivery, 100)).isEqualTo(new CatchUp.Done());
    assertThat(sent).containsExactly(4L, 5L, 6L);
    assertThat(delivery.lastVersion()).isEqualTo(6);
  }

  @Test
  void aFullOutboundBufferPausesTheCatchUpWhereItStopped() {
    CatchUp catchUp = new CatchUp(10);
    DeliveryOrder delivery = new DeliveryOrder(0);
    catchUp.fromRoom(versions(1, 5));

    assertThat(drain(catchUp, delivery, 2)).isEqualTo(new CatchUp.WaitForRoom());
    assertThat(sent).containsExactly(1L, 2L);
    assertThat(drain(catchUp, delivery, 100)).isEqualTo(new CatchUp.Done());
    assertThat(sent).containsExactly(1L, 2L, 3L, 4L, 5L);
  }

  @Test
  void theJournalIsReadOnePageAtATimeUntilAPageIsNotFull() {
    CatchUp catchUp = new CatchUp(3);
    DeliveryOrder delivery = new DeliveryOrder(4);

    assertThat(catchUp.journalAfter(delivery)).isEqualTo(new CatchUp.ReadJournal(5, 7));
    catchUp.fromJournal(versions(5, 7));
    assertThat(drain(catchUp, delivery, 100)).isEqualTo(new CatchUp.ReadJournal(8, 10));
    catchUp.fromJournal(versions(8, 9));
    assertThat(drain(catchUp, delivery, 100)).isEqualTo(new CatchUp.Done());
    assertThat(sent).containsExactly(5L, 6L, 7L, 8L, 9L);
  }

  @Test
  void theRoomsMemoryEndsTheCatchUpWhateverItsSize() {
    CatchUp catchUp = new CatchUp(3);
    DeliveryOrder delivery = new DeliveryOrder(0);
    catchUp.fromRoom(versions(1, 3));

    assertThat(drain(catchUp, delivery, 100)).isEqualTo(new CatchUp.Done());
  }
}
