package io.parley.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.room.RoomInspection;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The admin API's answers as JSON, written field by field: the documented shape
 * (docs/OPERATIONS.md, "Admin API") does not follow a rename in the records behind it.
 */
final class AdminJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private AdminJson() {}

  /** {@code {"rooms":[{"roomId","node"}],"next"}}, and {@code unanswered} when given. */
  static String page(RoomPage page, List<String> unanswered) {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode rooms = body.putArray("rooms");
    for (RoomPage.Location room : page.rooms()) {
      rooms.addObject().put("roomId", room.roomId()).put("node", room.node());
    }
    body.put("next", page.next().orElse(null));
    if (unanswered != null) {
      ArrayNode nodes = body.putArray("unanswered");
      unanswered.forEach(nodes::add);
    }
    return write(body);
  }

  static String inspection(RoomInspection room) {
    ObjectNode body = JSON.createObjectNode();
    body.put("roomId", room.roomId());
    body.put("node", room.node());
    body.put("version", room.version());
    ArrayNode members = body.putArray("members");
    for (RoomInspection.MemberView member : room.members()) {
      ObjectNode m = members.addObject();
      m.put("userId", member.userId());
      m.put("name", member.name());
      m.put("status", member.status());
      m.put("joinedAt", member.joinedAt().toString());
      m.put("lastSeen", member.lastSeen().toString());
      m.put("awaySince", member.awaySince().map(Object::toString).orElse(null));
      ArrayNode sessions = m.putArray("sessions");
      for (RoomInspection.SessionView session : member.sessions()) {
        sessions
            .addObject()
            .put("sessionId", session.sessionId())
            .put("node", session.node())
            .put("openedAt", session.openedAt().toString());
      }
    }
    body.put("keyCount", room.keyCount());
    body.put("keyBytes", room.keyBytes());
    body.put("chatCount", room.chatCount());
    body.put("mailboxDepth", room.mailboxDepth());
    return write(body);
  }

  /** A kick ({@code userId} given) or a close, done at {@code version}. */
  static String moderated(String roomId, String userId, long version) {
    ObjectNode body = JSON.createObjectNode().put("roomId", roomId);
    if (userId != null) {
      body.put("userId", userId);
    }
    return write(body.put("version", version));
  }

  static String drain(String node, boolean alreadyDraining, int openConnections) {
    return write(
        JSON.createObjectNode()
            .put("node", node)
            .put("draining", true)
            .put("alreadyDraining", alreadyDraining)
            .put("openConnections", openConnections));
  }

  private static String write(ObjectNode body) {
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
