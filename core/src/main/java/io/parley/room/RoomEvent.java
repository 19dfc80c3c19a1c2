package io.parley.room;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.parley.presence.DocumentFocus;
import io.parley.serialization.CborSerializable;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A durable fact about a room. Each one the journal accepts raises the room version by one; the
 * same events, translated one to one, are what clients apply to their snapshot.
 *
 * <p>The type names let a {@link RoomUpdate.EventDelivered}, whose field is this interface, be read
 * back as the right event.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = RoomEvent.MemberJoined.class, name = "member_joined"),
  @JsonSubTypes.Type(value = RoomEvent.SessionOpened.class, name = "session_opened"),
  @JsonSubTypes.Type(value = RoomEvent.SessionClosed.class, name = "session_closed"),
  @JsonSubTypes.Type(value = RoomEvent.MemberAway.class, name = "member_away"),
  @JsonSubTypes.Type(value = RoomEvent.MemberLeft.class, name = "member_left"),
  @JsonSubTypes.Type(value = RoomEvent.ReadyChanged.class, name = "ready_changed"),
  @JsonSubTypes.Type(value = RoomEvent.DocumentFocused.class, name = "document_focused"),
  @JsonSubTypes.Type(value = RoomEvent.KeysChanged.class, name = "keys_changed"),
  @JsonSubTypes.Type(value = RoomEvent.ChatPosted.class, name = "chat_posted")
})
public sealed interface RoomEvent extends CborSerializable {
  String userId();

  Instant at();

  /**
   * An event a member's durable command produced, carrying the command's id: the room remembers
   * the latest ones (see {@link RoomState#appliedCommands()}) to recognise retries.
   */
  sealed interface FromCommand extends RoomEvent {
    String commandId();
  }

  /** The first session of a user opened: the user is now a member. */
  record MemberJoined(
      String userId,
      String sessionId,
      String name,
      String color,
      ActorRef<SessionInbox> connection,
      Instant at)
      implements RoomEvent {}

  /** Another session (tab, device) of an existing member opened. */
  record SessionOpened(
      String userId,
      String sessionId,
      String name,
      String color,
      ActorRef<SessionInbox> connection,
      Instant at)
      implements RoomEvent {}

  /** A session closed while the member still has others. */
  record SessionClosed(String userId, String sessionId, Instant at) implements RoomEvent {}

  /**
   * The member's last connection was lost (not an explicit leave): the member stays, away, for
   * the grace period, so that a reconnect restores it without a leave and a join.
   */
  record MemberAway(String userId, String sessionId, Instant at) implements RoomEvent {}

  /** The member is gone: it left explicitly, or its grace period ran out while away. */
  record MemberLeft(String userId, LeaveReason reason, Instant at) implements RoomEvent {}

  enum LeaveReason {
    /** The member's last session sent {@code leave}. */
    LEFT,
    /** The member stayed away longer than the grace period. */
    TIMED_OUT
  }

  record ReadyChanged(String userId, String commandId, boolean ready, Instant at)
      implements FromCommand {}

  record DocumentFocused(
      String userId, String commandId, Optional<DocumentFocus> document, Instant at)
      implements FromCommand {}

  /** One or several keys set or deleted at once, under one version. */
  record KeysChanged(String userId, String commandId, List<KeyOp> ops, Instant at)
      implements FromCommand {
    public KeysChanged {
      ops = List.copyOf(ops);
    }
  }

  record ChatPosted(String userId, String commandId, String text, Instant at)
      implements FromCommand {}
}
