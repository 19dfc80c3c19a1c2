package io.parley.room;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.pekko.actor.ActorRef;

/**
 * The two things the rooms' overload handling needs from Pekko that it offers no public API for.
 * A room's stash drops what it cannot hold as {@link org.apache.pekko.actor.Dropped} events
 * whose message is the stash's own envelope, and the redelivery of a dropped presence message
 * must find the room again through sharding, by id. Each is pinned by {@code PekkoSeamsTest}
 * against the Pekko in the build, so that an upgrade that changes one fails that test instead of
 * silently losing presence messages.
 */
final class PekkoSeams {

  private PekkoSeams() {}

  /**
   * The room command inside a message an event sourced behavior's stash dropped: Pekko stashes
   * its internal {@code IncomingCommand(command)}, a Scala case class of one field.
   */
  static Optional<RoomCommand> stashedCommand(Object dropped) {
    if (dropped instanceof scala.Product product
        && product.productArity() == 1
        && product.productElement(0) instanceof RoomCommand command) {
      return Optional.of(command);
    }
    return Optional.empty();
  }

  /** The room id of a sharded room entity: sharding names an entity's actor by its URL-encoded id. */
  static String roomIdOf(ActorRef entity) {
    return URLDecoder.decode(entity.path().name(), StandardCharsets.UTF_8);
  }
}
