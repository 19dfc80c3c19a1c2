package io.parley.room;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which events the public room registry gets to read. */
class RegistryTagsTest {

  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private static final RoomState.Bounds BOUNDS = new RoomState.Bounds(50, 100);
  private static final RoomEvent JOINED =
      new RoomEvent.MemberJoined("ann", "s1", "Ann", "#112233", null, NOW);
  private static final RoomEvent.VisibilityChanged LISTED =
      new RoomEvent.VisibilityChanged(
          "ann", "v1", new Visibility(true, Optional.of("Planning")), 1, NOW);
  private static final RoomEvent.VisibilityChanged UNLISTED =
      new RoomEvent.VisibilityChanged(
          "ann", "v2", new Visibility(false, Optional.of("Planning")), 1, NOW);

  private final RegistryTags tags = new RegistryTags();

  @Test
  void aPrivateRoomsEventsAreNotTagged() {
    tags.track(RoomState.empty());

    assertEquals(Set.of(), tags.tagsFor(JOINED));
  }

  @Test
  void everyChangeOfVisibilityIsTaggedAndEveryEventOfAPublicRoom() {
    RoomState room = RoomState.empty().apply(JOINED, BOUNDS);
    tags.track(room);
    assertEquals(Set.of(RegistryTags.TAG), tags.tagsFor(LISTED));

    tags.track(room.apply(LISTED, BOUNDS));
    assertEquals(Set.of(RegistryTags.TAG), tags.tagsFor(JOINED));
    assertEquals(Set.of(RegistryTags.TAG), tags.tagsFor(UNLISTED), "the registry must see it go");

    tags.track(room.apply(LISTED, BOUNDS).apply(UNLISTED, BOUNDS));
    assertEquals(Set.of(), tags.tagsFor(JOINED));
  }
}
