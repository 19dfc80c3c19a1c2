package io.parley.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The admin listing's pages: sorted by room id, a cursor that is the last id of a page. */
class RoomPageTest {

  private static RoomPage.Location at(String roomId, String node) {
    return new RoomPage.Location(roomId, node);
  }

  private static final List<RoomPage.Location> ROOMS =
      List.of(at("c", "n2"), at("a", "n1"), at("d", "n1"), at("b", "n2"));

  @Test
  void pagesFollowEachOtherByTheCursorUntilTheLastHasNoNext() {
    RoomPage first = RoomPage.of(ROOMS, Optional.empty(), 2);
    assertThat(first.rooms()).containsExactly(at("a", "n1"), at("b", "n2"));
    assertThat(first.next()).contains("b");

    RoomPage last = RoomPage.of(ROOMS, first.next(), 2);
    assertThat(last.rooms()).containsExactly(at("c", "n2"), at("d", "n1"));
    assertThat(last.next()).isEmpty();
  }

  @Test
  void aCursorNeedNotBeARunningRoom() {
    assertThat(RoomPage.of(ROOMS, Optional.of("bb"), 10).rooms()).containsExactly(at("c", "n2"), at("d", "n1"));
    assertThat(RoomPage.of(ROOMS, Optional.of("z"), 10)).isEqualTo(new RoomPage(List.of(), Optional.empty()));
  }

  @Test
  void aRoomSeenOnTwoNodesIsListedOnce() {
    RoomPage page = RoomPage.of(List.of(at("a", "n1"), at("a", "n2"), at("b", "n1")), Optional.empty(), 1);
    assertThat(page.rooms()).containsExactly(at("a", "n1"));
    assertThat(page.next()).contains("a");
    assertThat(RoomPage.of(List.of(at("a", "n1"), at("a", "n2")), Optional.empty(), 1).next()).isEmpty();
  }

  @Test
  void aLimitMustBePositive() {
    assertThatThrownBy(() -> RoomPage.of(ROOMS, Optional.empty(), 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
