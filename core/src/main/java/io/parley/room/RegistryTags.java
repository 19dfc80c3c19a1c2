package io.parley.room;

import java.util.Set;

/**
 * Which events the public room registry reads: every event of a room while it is public, and
 * every {@link RoomEvent.VisibilityChanged} (the one that makes it private included), all under
 * {@link #TAG}. A private room's events carry no tag, so they cost the journal nothing more and
 * the registry never sees them.
 *
 * <p>Pekko asks for the tags of an event without the room's state, so the room keeps its
 * visibility here: set at recovery and after each applied event. Whether Pekko asks before or
 * after applying the event (it does one for a single event, the other for a batch) makes no
 * difference, because only a {@code VisibilityChanged} changes the visibility, and it is always
 * tagged.
 */
public final class RegistryTags {

  /** The tag the registry's projection reads. */
  public static final String TAG = "public-rooms";

  private static final Set<String> TAGGED = Set.of(TAG);

  private boolean listed;

  /** The state the room recovered or the latest event produced. */
  void track(RoomState state) {
    listed = state.visibility().listed();
  }

  Set<String> tagsFor(RoomEvent event) {
    return listed || event instanceof RoomEvent.VisibilityChanged ? TAGGED : Set.of();
  }
}
