package io.parley.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecentEventsTest {

  private static RoomUpdate.EventDelivered event(long version) {
    return new RoomUpdate.EventDelivered(
        version, new RoomEvent.ReadyChanged("u", "c" + version, true, Instant.EPOCH));
  }

  private static List<Long> versions(Optional<List<RoomUpdate.EventDelivered>> events) {
    return events.orElseThrow().stream().map(RoomUpdate.EventDelivered::version).toList();
  }

  @Test
  void givesEveryEventAfterAVersionItStillHolds() {
    RecentEvents recent = new RecentEvents(3);
    for (long v = 1; v <= 5; v++) {
      recent.append(event(v));
    }
    assertThat(versions(recent.after(2, 5))).containsExactly(3L, 4L, 5L);
    assertThat(versions(recent.after(4, 5))).containsExactly(5L);
    assertThat(versions(recent.after(5, 5))).isEmpty();
  }

  @Test
  void saysSoWhenEventsAreNoLongerHeld() {
    RecentEvents recent = new RecentEvents(3);
    for (long v = 1; v <= 5; v++) {
      recent.append(event(v));
    }
    assertThat(recent.after(1, 5)).isEmpty();
    assertThat(recent.after(0, 5)).isEmpty();
  }

  @Test
  void anEmptyBufferOfARestartedRoomHoldsNothingButTheCurrentVersion() {
    RecentEvents recent = new RecentEvents(3);
    assertThat(recent.after(4, 7)).isEmpty();
    assertThat(versions(recent.after(7, 7))).isEmpty();
  }

  @Test
  void aBufferStartedAfterRecoveryDoesNotClaimEventsFromBeforeIt() {
    RecentEvents recent = new RecentEvents(10);
    recent.append(event(8));
    recent.append(event(9));
    assertThat(recent.after(6, 9)).isEmpty();
    assertThat(versions(recent.after(7, 9))).containsExactly(8L, 9L);
  }

  @Test
  void aZeroCapacityHoldsNothing() {
    RecentEvents recent = new RecentEvents(0);
    recent.append(event(1));
    assertThat(recent.after(0, 1)).isEmpty();
  }
}
