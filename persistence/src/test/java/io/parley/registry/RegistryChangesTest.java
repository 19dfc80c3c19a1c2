package io.parley.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.room.RoomEvent;
import io.parley.room.Visibility;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the registry makes of each tagged event, and which changes of a group it can skip. */
class RegistryChangesTest {

  private static final Instant T1 = Instant.parse("2026-12-01T10:00:00Z");
  private static final Instant T2 = Instant.parse("2026-12-01T10:00:05Z");

  @Test
  void eachEventIsOneChange() {
    assertThat(
            RegistryChange.of(
                "r",
                new RoomEvent.VisibilityChanged(
                    "ann", "v1", new Visibility(true, Optional.of("Plan")), 2, T1)))
        .isEqualTo(new RegistryChange.Listed("r", "Plan", 2, T1));
    assertThat(
            RegistryChange.of(
                "r", new RoomEvent.VisibilityChanged("ann", "v2", Visibility.PRIVATE, 2, T1)))
        .isEqualTo(new RegistryChange.Unlisted("r"));
    assertThat(RegistryChange.of("r", new RoomEvent.MemberJoined("bo", "s", "Bo", "#000000", null, T1)))
        .isEqualTo(new RegistryChange.MembersChanged("r", 1, T1));
    assertThat(
            RegistryChange.of(
                "r", new RoomEvent.MemberLeft("bo", RoomEvent.LeaveReason.TIMED_OUT, T1)))
        .isEqualTo(new RegistryChange.MembersChanged("r", -1, T1));
    assertThat(RegistryChange.of("r", new RoomEvent.MemberAway("bo", "s", T1)))
        .as("an away member still counts")
        .isEqualTo(new RegistryChange.Active("r", T1));
    assertThat(RegistryChange.of("r", new RoomEvent.ChatPosted("bo", "m", "hi", T2)))
        .isEqualTo(new RegistryChange.Active("r", T2));
  }

  @Test
  void anActivityFollowedByAnotherChangeOfItsRoomIsSkipped() {
    List<RegistryChange> group =
        List.of(
            new RegistryChange.Active("a", T1),
            new RegistryChange.Active("b", T1),
            new RegistryChange.Active("a", T1),
            new RegistryChange.MembersChanged("a", 1, T2),
            new RegistryChange.Active("a", T2),
            new RegistryChange.Listed("c", "C", 0, T1),
            new RegistryChange.Active("c", T2),
            new RegistryChange.Unlisted("c"));

    assertThat(RegistryChanges.needed(group))
        .containsExactly(
            new RegistryChange.Active("b", T1),
            new RegistryChange.MembersChanged("a", 1, T2),
            new RegistryChange.Active("a", T2),
            new RegistryChange.Listed("c", "C", 0, T1),
            new RegistryChange.Unlisted("c"));
  }
}
