package io.parley.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.presence.DocumentFocus;
import io.parley.presence.Member;
import io.parley.registry.PublicRoom;
import io.parley.registry.PublicRoomPage;
import io.parley.room.ChatMessage;
import io.parley.room.KeyEntry;
import io.parley.room.KeyOp;
import io.parley.ratelimit.RetryAfter;
import io.parley.room.RejectCode;
import io.parley.room.RoomEvent;
import io.parley.room.RoomState;
import io.parley.room.Visibility;
import io.parley.room.RoomUpdate;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;

/** Writes the server's frames as JSON text. See docs/PROTOCOL.md for every field. */
public final class FrameEncoder {

  public static final int PROTOCOL_VERSION = 1;

  /** What a client must do to stay connected: ping at least every interval, never idle past the timeout. */
  public record Heartbeat(Duration interval, Duration idleTimeout) {}

  private final ObjectMapper json = new ObjectMapper();

  /**
   * What the connection may do and until when: {@code permission} is {@code read}, {@code write}
   * or {@code admin}; {@code tokenExpiresAt} is absent without authentication or when the token
   * does not expire.
   */
  public record Grant(String permission, Optional<Instant> tokenExpiresAt) {}

  public String welcome(
      String roomId,
      String sessionId,
      String userId,
      RoomState snapshot,
      Heartbeat heartbeat,
      Grant grant) {
    ObjectNode frame =
        welcomeFrame(roomId, sessionId, userId, snapshot.version(), false, heartbeat, grant);
    frame.set("snapshot", snapshot(snapshot));
    return write(frame);
  }

  /**
   * The welcome of a resumed session: no snapshot; the client keeps its state at {@code
   * version} and the events after it follow.
   */
  public String resumedWelcome(
      String roomId,
      String sessionId,
      String userId,
      long version,
      Heartbeat heartbeat,
      Grant grant) {
    return write(welcomeFrame(roomId, sessionId, userId, version, true, heartbeat, grant));
  }

  /** Sent {@code refresh-ahead} before the connection's token expires: send a refresh. */
  public String tokenExpiring(Instant expiresAt) {
    ObjectNode frame = frame("token_expiring");
    frame.put("tokenExpiresAt", expiresAt.toString());
    return write(frame);
  }

  /** A refresh was accepted: the connection now has {@code grant}. */
  public String refreshed(Grant grant) {
    ObjectNode frame = frame("refreshed");
    putGrant(frame, grant);
    return write(frame);
  }

  private static void putGrant(ObjectNode frame, Grant grant) {
    frame.put("permission", grant.permission());
    grant.tokenExpiresAt().ifPresent(at -> frame.put("tokenExpiresAt", at.toString()));
  }

  private ObjectNode welcomeFrame(
      String roomId,
      String sessionId,
      String userId,
      long version,
      boolean resumed,
      Heartbeat heartbeat,
      Grant grant) {
    ObjectNode frame = frame("welcome");
    frame.put("protocol", PROTOCOL_VERSION);
    frame.put("roomId", roomId);
    frame.put("sessionId", sessionId);
    frame.put("userId", userId);
    frame.put("version", version);
    frame.put("resumed", resumed);
    ObjectNode node = frame.putObject("heartbeat");
    node.put("intervalMs", heartbeat.interval().toMillis());
    node.put("idleTimeoutMs", heartbeat.idleTimeout().toMillis());
    putGrant(frame, grant);
    return frame;
  }

  public String event(long version, RoomEvent event) {
    ObjectNode frame = frame("event");
    frame.put("version", version);
    frame.put("kind", "");
    frame.put("userId", event.userId());
    frame.put("at", event.at().toString());
    frame.put("kind", event.accept(new EventFields(frame, version)));
    return write(frame);
  }

  public String ack(String id, long version) {
    ObjectNode frame = frame("ack");
    frame.put("id", id);
    frame.put("version", version);
    return write(frame);
  }

  public String reject(String id, RejectCode code, String message) {
    return reject(id, code, message, Optional.empty());
  }

  /**
   * A reject; {@code retryAfter}, when present, becomes {@code retryAfterMs}, rounded up so that
   * a client waiting that long is not early.
   */
  public String reject(String id, RejectCode code, String message, Optional<Duration> retryAfter) {
    ObjectNode frame = frame("reject");
    frame.put("id", id);
    frame.put("code", code.wireName());
    frame.put("message", message);
    retryAfter.ifPresent(wait -> frame.put("retryAfterMs", RetryAfter.millis(wait)));
    return write(frame);
  }

  public String error(DecodeResult.Malformed malformed) {
    return error(malformed.code(), malformed.field(), malformed.message(), malformed.id());
  }

  public String error(
      ErrorCode code, Optional<String> field, String message, Optional<String> id) {
    ObjectNode frame = frame("error");
    frame.put("code", code.wireName());
    field.ifPresent(f -> frame.put("field", f));
    frame.put("message", message);
    id.ifPresent(i -> frame.put("id", i));
    return write(frame);
  }

  /** A refused {@code hello}: {@code retryAfter} when the room said when to try again. */
  public String joinRefused(String message, Optional<Duration> retryAfter) {
    ObjectNode frame = frame("error");
    frame.put("code", ErrorCode.JOIN_REFUSED.wireName());
    frame.put("message", message);
    retryAfter.ifPresent(wait -> frame.put("retryAfterMs", RetryAfter.millis(wait)));
    return write(frame);
  }

  /**
   * Tells the client that this node is shutting down: reconnect, to any node, after {@code
   * retryAfter}, resuming from the last version applied. Sent last, just before the close.
   */
  public String reconnect(String reason, Duration retryAfter) {
    ObjectNode frame = frame("reconnect");
    frame.put("reason", reason);
    frame.put("retryAfterMs", retryAfter.toMillis());
    return write(frame);
  }

  public String pong(Optional<String> id) {
    ObjectNode frame = frame("pong");
    id.ifPresent(i -> frame.put("id", i));
    return write(frame);
  }

  /** The latest cursor of each session that moved since the last batch. */
  public String cursors(Collection<RoomUpdate.CursorMoved> cursors) {
    ObjectNode frame = frame("cursors");
    ArrayNode list = frame.putArray("cursors");
    for (RoomUpdate.CursorMoved cursor : cursors) {
      putCursor(list.addObject(), cursor);
    }
    return write(frame);
  }

  /**
   * One cursor of a {@code cursors} frame, as the object {@link #cursors} writes for it in its
   * list: {@link EncodedCursorTick} joins these into the frame.
   */
  String cursorEntry(RoomUpdate.CursorMoved cursor) {
    return write(putCursor(json.createObjectNode(), cursor));
  }

  private static ObjectNode putCursor(ObjectNode node, RoomUpdate.CursorMoved cursor) {
    node.put("userId", cursor.userId());
    node.put("sessionId", cursor.sessionId());
    node.put("x", cursor.x());
    node.put("y", cursor.y());
    cursor.documentId().ifPresent(d -> node.put("document", d));
    return node;
  }

  /** The presence part of a room: its version and members. */
  public String presenceDocument(String roomId, RoomState state) {
    ObjectNode document = json.createObjectNode();
    document.put("roomId", roomId);
    document.put("version", state.version());
    document.set("members", members(state));
    return write(document);
  }

  /** A page of the public room registry, as {@code GET /v1/rooms?public=true} returns it. */
  public String publicRooms(PublicRoomPage page) {
    ObjectNode document = json.createObjectNode();
    ArrayNode rooms = document.putArray("rooms");
    for (PublicRoom room : page.rooms()) {
      rooms
          .addObject()
          .put("roomId", room.roomId())
          .put("title", room.title())
          .put("members", room.members())
          .put("lastActivity", room.lastActivity().toString());
    }
    document.put("next", page.next().orElse(null));
    return write(document);
  }

  /** The room as the REST read returns it: the same snapshot object as in {@code welcome}. */
  public String snapshotDocument(String roomId, RoomState state) {
    ObjectNode document = snapshot(state);
    document.put("roomId", roomId);
    return write(document);
  }

  private ObjectNode snapshot(RoomState state) {
    ObjectNode snapshot = json.createObjectNode();
    snapshot.put("version", state.version());
    snapshot.set("members", members(state));
    ObjectNode keys = snapshot.putObject("state");
    state.keys().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(entry -> keys.set(entry.getKey(), keyEntry(entry.getValue())));
    ArrayNode chat = snapshot.putArray("chat");
    state.chat().forEach(message -> chat.add(chatMessage(message)));
    putVisibility(snapshot.putObject("visibility"), state.visibility());
    return snapshot;
  }

  private static void putVisibility(ObjectNode node, Visibility visibility) {
    node.put("public", visibility.listed());
    node.put("title", visibility.title().orElse(null));
  }

  private ArrayNode members(RoomState state) {
    ArrayNode members = json.createArrayNode();
    state.members().values().stream()
        .sorted(Comparator.comparing(Member::joinedAt).thenComparing(Member::userId))
        .forEach(member -> members.add(member(member)));
    return members;
  }

  private ObjectNode member(Member member) {
    ObjectNode node = json.createObjectNode();
    node.put("userId", member.userId());
    node.put("name", member.name());
    node.put("color", member.color());
    node.put("status", member.status().wireName());
    node.put("joinedAt", member.joinedAt().toString());
    node.put("lastSeen", member.lastSeen().toString());
    putDocument(node, member.focus());
    node.put("ready", member.ready());
    node.put("sessions", member.sessions().size());
    member.awaySince().ifPresent(at -> node.put("awaySince", at.toString()));
    return node;
  }

  private ObjectNode keyEntry(KeyEntry entry) {
    ObjectNode node = json.createObjectNode();
    node.set("value", entry.value());
    node.put("version", entry.version());
    node.put("updatedBy", entry.updatedBy());
    node.put("updatedAt", entry.updatedAt().toString());
    return node;
  }

  private ObjectNode chatMessage(ChatMessage message) {
    ObjectNode node = json.createObjectNode();
    node.put("id", message.id());
    node.put("userId", message.userId());
    node.put("text", message.text());
    node.put("at", message.at().toString());
    node.put("version", message.version());
    return node;
  }

  /**
   * Writes the fields of one kind of event and answers its wire name ({@code kind}): one method
   * per kind of event, so that the compiler asks for the wire form of every new one.
   */
  private final class EventFields implements RoomEvent.Visitor<String> {
    private final ObjectNode frame;
    private final long version;

    EventFields(ObjectNode frame, long version) {
      this.frame = frame;
      this.version = version;
    }

    @Override
    public String memberJoined(RoomEvent.MemberJoined e) {
      sessionStarted(e);
      return "member.joined";
    }

    @Override
    public String sessionOpened(RoomEvent.SessionOpened e) {
      sessionStarted(e);
      return "session.opened";
    }

    @Override
    public String sessionClosed(RoomEvent.SessionClosed e) {
      frame.put("sessionId", e.sessionId());
      return "session.closed";
    }

    @Override
    public String memberAway(RoomEvent.MemberAway e) {
      frame.put("sessionId", e.sessionId());
      return "member.away";
    }

    @Override
    public String memberLeft(RoomEvent.MemberLeft e) {
      frame.put("reason", e.reason().wireName());
      return "member.left";
    }

    @Override
    public String readyChanged(RoomEvent.ReadyChanged e) {
      frame.put("id", e.commandId());
      frame.put("ready", e.ready());
      return "member.ready";
    }

    @Override
    public String documentFocused(RoomEvent.DocumentFocused e) {
      frame.put("id", e.commandId());
      putDocument(frame, e.document());
      return "member.focused";
    }

    @Override
    public String keysChanged(RoomEvent.KeysChanged e) {
      frame.put("id", e.commandId());
      ArrayNode ops = frame.putArray("ops");
      for (KeyOp op : e.ops()) {
        ObjectNode node = ops.addObject();
        node.put("op", op instanceof KeyOp.Set ? "set" : "delete");
        node.put("key", op.key());
        if (op instanceof KeyOp.Set set) {
          node.set("value", set.value());
        }
      }
      return "state.changed";
    }

    @Override
    public String chatPosted(RoomEvent.ChatPosted e) {
      frame.put("id", e.commandId());
      frame.set(
          "message",
          chatMessage(new ChatMessage(e.commandId(), e.userId(), e.text(), e.at(), version)));
      return "chat.posted";
    }

    @Override
    public String visibilityChanged(RoomEvent.VisibilityChanged e) {
      frame.put("id", e.commandId());
      putVisibility(frame, e.visibility());
      return "room.visibility";
    }

    private void sessionStarted(RoomEvent.SessionStarted e) {
      frame.put("sessionId", e.sessionId());
      frame.put("name", e.name());
      frame.put("color", e.color());
    }
  }

  private static void putDocument(ObjectNode node, Optional<DocumentFocus> document) {
    if (document.isPresent()) {
      ObjectNode doc = node.putObject("document");
      doc.put("id", document.get().id());
      doc.put("type", document.get().type());
    } else {
      node.putNull("document");
    }
  }

  private ObjectNode frame(String type) {
    ObjectNode frame = json.createObjectNode();
    frame.put("type", type);
    return frame;
  }

  private String write(ObjectNode node) {
    try {
      return json.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
