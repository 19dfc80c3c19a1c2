package io.parley.gateway;

import io.parley.protocol.FrameEncoder;
import io.parley.room.RoomUpdate;
import io.parley.room.SessionInbox;
import java.util.function.Function;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;

/**
 * Room updates as the node's fan-out hands them to its connections: with the frame already
 * encoded, once per node, so that a hundred connections of a room on a node share one string
 * instead of encoding a hundred. They never leave the node.
 */
public final class EncodedUpdates {

  /** A durable event and its {@code event} frame. */
  record Event(RoomUpdate.EventDelivered delivered, String frame)
      implements SessionInbox, NoSerializationVerificationNeeded {}

  /**
   * A cursor tick and its {@code cursors} frame with every cursor of the tick; a connection
   * whose own cursor is in the tick, or which holds cursors back, builds its own frame instead.
   */
  record Cursors(RoomUpdate.Cursors tick, String frame)
      implements SessionInbox, NoSerializationVerificationNeeded {}

  private EncodedUpdates() {}

  /** What the fan-out of a node prepares once per update, for {@code NodeFanout.create}. */
  public static Function<RoomUpdate, SessionInbox> preparedWith(FrameEncoder encoder) {
    return update -> {
      if (update instanceof RoomUpdate.EventDelivered delivered) {
        return new Event(delivered, encoder.event(delivered.version(), delivered.event()));
      }
      RoomUpdate.Cursors tick = (RoomUpdate.Cursors) update;
      return new Cursors(tick, encoder.cursors(tick.cursors()));
    };
  }
}
