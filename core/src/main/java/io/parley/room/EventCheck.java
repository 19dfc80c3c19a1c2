package io.parley.room;

import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import scala.util.Try;

/**
 * Whether the journal can take an event, asked before a group-commit write: the journal writes
 * a batch as one unit and a room stops when it is refused, so an event it would refuse must be
 * kept out of the batch and only its own command rejected.
 */
@FunctionalInterface
public interface EventCheck {

  /** Why the journal would refuse {@code event}, or empty when it can store it. */
  Optional<String> refusal(RoomEvent event);

  /**
   * Serializes the event with the serializer the journal uses (the binding of {@code
   * parley.serialization}), the one step of a write that depends on the event's content.
   */
  static EventCheck serializable(ActorSystem<?> system) {
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(system));
    return event -> {
      Try<byte[]> bytes = serialization.serialize(event);
      return bytes.isSuccess()
          ? Optional.empty()
          : Optional.of(String.valueOf(bytes.failed().get().getMessage()));
    };
  }
}
