package io.parley.gateway;

import io.parley.protocol.EncodedCursorTick;
import io.parley.protocol.FrameEncoder;
import io.parley.room.NodeFanout;
import io.parley.room.RoomUpdate;
import io.parley.room.SessionInbox;
import java.util.Optional;
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
   * A cursor tick, each cursor written once: the frame of them all, which most connections share,
   * and each cursor's part of it, which a connection whose own cursor is in the tick, or which
   * holds cursors back, joins into its own frame.
   */
  record Cursors(EncodedCursorTick tick)
      implements SessionInbox, NoSerializationVerificationNeeded {}

  /**
   * The room of the connection started again with its session open (after a crash or a move):
   * the commands it has not answered may have been lost with the room's last incarnation.
   */
  record RoomRestarted(String roomId) implements SessionInbox, NoSerializationVerificationNeeded {}

  private EncodedUpdates() {}

  /** How the fan-out of a node hands updates to the gateway's connections: encoded, once. */
  public static NodeFanout.Delivery encodedWith(FrameEncoder encoder) {
    return new NodeFanout.Delivery() {
      @Override
      public SessionInbox prepare(RoomUpdate update) {
        if (update instanceof RoomUpdate.EventDelivered delivered) {
          return new Event(delivered, encoder.event(delivered.version(), delivered.event()));
        }
        RoomUpdate.Cursors tick = (RoomUpdate.Cursors) update;
        return new Cursors(EncodedCursorTick.of(encoder, tick.cursors()));
      }

      @Override
      public Optional<SessionInbox> roomRestarted(String roomId) {
        return Optional.of(new RoomRestarted(roomId));
      }
    };
  }
}
