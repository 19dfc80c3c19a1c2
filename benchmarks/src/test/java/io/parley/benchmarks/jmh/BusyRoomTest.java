package io.parley.benchmarks.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.room.RoomEvent;
import io.parley.room.RoomState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The busy room the fold, rules and encoder benchmarks start from is what they say it is. */
class BusyRoomTest {

  private final RoomState.Bounds bounds = ParleyDefaults.roomSettings().stateBounds();

  @Test
  void fillsUpToItsSteadyState() {
    RoomState steady = new BusyRoom(5, 1000).fillUp(bounds);

    assertThat(steady.keys()).hasSize(1000);
    assertThat(steady.chat()).hasSize(bounds.chatHistory());
    assertThat(steady.appliedCommands()).hasSize(bounds.rememberedCommands());
    assertThat(steady.members()).containsKeys("user-0", "user-1", "user-2", "user-3", "user-4");
  }

  @Test
  void continuesItsHistoryWithTheDocumentedMix() {
    BusyRoom room = new BusyRoom(5, 1000);
    RoomState steady = room.fillUp(bounds);

    List<RoomEvent> next = room.next(1000);
    RoomState after = BusyRoom.fold(steady, next, bounds);

    assertThat(next.stream().filter(RoomEvent.KeysChanged.class::isInstance)).hasSize(880);
    assertThat(next.stream().filter(RoomEvent.ChatPosted.class::isInstance)).hasSize(100);
    assertThat(next.stream().filter(e -> e.userId().equals("guest"))).hasSize(20);
    assertThat(after.version()).isEqualTo(steady.version() + 1000);
    assertThat(after.keys()).hasSize(1000);
  }

  @Test
  void isTheSameOnEveryRun() {
    assertThat(new BusyRoom(10, 100).fillUp(bounds))
        .isEqualTo(new BusyRoom(10, 100).fillUp(bounds));
  }
}
