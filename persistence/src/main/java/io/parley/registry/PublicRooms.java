package io.parley.registry;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** Reads of the public room registry. */
public interface PublicRooms {

  /**
   * A page of the public rooms in room id order, after the room {@code after} (the previous
   * page's {@code next}).
   */
  CompletionStage<PublicRoomPage> page(int limit, Optional<String> after);
}
