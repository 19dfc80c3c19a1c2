package io.parley.benchmarks.floor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * The server frames the floor sends, each in the shape protocol v1 gives it (docs/PROTOCOL.md),
 * with the fields the benchmark clients read and the few that make it recognisable; none of the
 * room model (no snapshot, no presence events).
 */
final class FloorFrames {

  private final ObjectMapper json;
  private final long heartbeatIntervalMs;

  FloorFrames(ObjectMapper json, long heartbeatIntervalMs) {
    this.json = json;
    this.heartbeatIntervalMs = heartbeatIntervalMs;
  }

  /** The answer to {@code hello}; W3's clients ping at its heartbeat interval, as for a node. */
  String welcome(String roomId, String sessionId, String userId, long version) {
    ObjectNode f = frame("welcome");
    f.put("protocol", 1);
    f.put("roomId", roomId);
    f.put("sessionId", sessionId);
    f.put("userId", userId);
    f.put("version", version);
    f.putObject("heartbeat").put("intervalMs", heartbeatIntervalMs);
    return text(f);
  }

  /** One moved cursor, its coordinates as the sender wrote them (the generator's send time). */
  String cursors(String userId, String sessionId, JsonNode cursor) {
    ObjectNode f = frame("cursors");
    ObjectNode entry = f.putArray("cursors").addObject();
    entry.put("userId", userId);
    entry.put("sessionId", sessionId);
    entry.set("x", cursor.get("x"));
    entry.set("y", cursor.get("y"));
    if (cursor.has("document")) {
      entry.set("document", cursor.get("document"));
    }
    return text(f);
  }

  /** The {@code state.changed} event of a {@code set}, its value as sent. */
  String stateChanged(long version, String userId, JsonNode set) {
    ObjectNode f = frame("event");
    f.put("version", version);
    f.put("kind", "state.changed");
    f.put("userId", userId);
    f.put("at", Instant.now().toString());
    f.set("id", set.get("id"));
    ObjectNode op = f.putArray("ops").addObject();
    op.put("op", "set");
    op.set("key", set.get("key"));
    op.set("value", set.get("value"));
    return text(f);
  }

  String ack(JsonNode id, long version) {
    ObjectNode f = frame("ack");
    f.set("id", id);
    f.put("version", version);
    return text(f);
  }

  /** The answer to {@code ping}, with its {@code id} if it had one. */
  String pong(JsonNode id) {
    ObjectNode f = frame("pong");
    if (id != null) {
      f.set("id", id);
    }
    return text(f);
  }

  String error(String code, String message) {
    ObjectNode f = frame("error");
    f.put("code", code);
    f.put("message", message);
    return text(f);
  }

  private ObjectNode frame(String type) {
    return json.createObjectNode().put("type", type);
  }

  private String text(ObjectNode frame) {
    try {
      return json.writeValueAsString(frame);
    } catch (JsonProcessingException e) {
      // a tree of plain nodes always renders
      throw new IllegalStateException(e);
    }
  }
}
