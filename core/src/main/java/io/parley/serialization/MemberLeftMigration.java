package io.parley.serialization;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.room.RoomEvent;
import org.apache.pekko.serialization.jackson.JacksonMigration;

/**
 * Reads {@link RoomEvent.MemberLeft} journal rows written before the event had a reason.
 *
 * <ul>
 *   <li>Version 1 (manifest {@code io.parley.room.RoomEvent$MemberLeft}, no {@code #version}):
 *       {@code {"type":"member_left","userId":…,"sessionId":…,"at":…}}. Written whenever a
 *       member's last session closed, for any cause; there was no grace period yet, so the
 *       closest reason is {@link RoomEvent.LeaveReason#LEFT}.
 *   <li>Version 2 (manifest {@code io.parley.room.RoomEvent$MemberLeft#2}): {@code
 *       {"type":"member_left","userId":…,"reason":"LEFT"|"TIMED_OUT","at":…}}.
 * </ul>
 *
 * <p>Rows written by the first builds with a reason carry no version in their manifest either, so
 * they arrive here as version 1 too: a reason already present is kept.
 *
 * <p>Registered in {@code reference.conf} under {@code pekko.serialization.jackson.migrations},
 * keyed by the event's class name, which is what the Jackson serializer writes as manifest. See
 * docs/PERSISTENCE.md.
 */
public final class MemberLeftMigration extends JacksonMigration {

  static final int CURRENT_VERSION = 2;

  @Override
  public int currentVersion() {
    return CURRENT_VERSION;
  }

  @Override
  public JsonNode transform(int fromVersion, JsonNode json) {
    if (fromVersion < 2 && json instanceof ObjectNode event) {
      event.remove("sessionId");
      if (!event.hasNonNull("reason")) {
        event.put("reason", RoomEvent.LeaveReason.LEFT.name());
      }
    }
    return json;
  }
}
