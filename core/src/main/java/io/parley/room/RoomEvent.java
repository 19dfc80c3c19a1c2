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
 * back as the right event. Code that handles every kind of event does it through a {@link
 * Visitor}, so that the compiler lists every place a new event must be handled.
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
  @JsonSubTypes.Type(value = RoomEvent.ChatPosted.class, name = "chat_posted"),
  @JsonSubTypes.Type(value = RoomEvent.VisibilityChanged.class, name = "visibility_changed")
})
public sealed interface RoomEvent extends CborSerializable {
  String userId();

  Instant at();

  <R> R accept(Visitor<R> visitor);

  /** One method per kind of event. */
  interface Visitor<R> {
    R memberJoined(MemberJoined event);

    R sessionOpened(SessionOpened event);

    R sessionClosed(SessionClosed event);

    R memberAway(MemberAway event);

    R memberLeft(MemberLeft event);

    R readyChanged(ReadyChanged event);

    R documentFocused(DocumentFocused event);

    R keysChanged(KeysChanged event);

    R chatPosted(ChatPosted event);

    R visibilityChanged(VisibilityChanged event);
  }

  /**
   * A session opened: the user's first ({@link MemberJoined}) or another one ({@link
   * SessionOpened}). The two differ in meaning, not in what they carry.
   */
  sealed interface SessionStarted extends RoomEvent {
    String sessionId();

    String name();

    String color();

    ActorRef<SessionInbox> connection();
  }

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
      implements SessionStarted {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.memberJoined(this);
    }
  }

  /** Another session (tab, device) of an existing member opened. */
  record SessionOpened(
      String userId,
      String sessionId,
      String name,
      String color,
      ActorRef<SessionInbox> connection,
      Instant at)
      implements SessionStarted {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.sessionOpened(this);
    }
  }

  /** A session closed while the member still has others. */
  record SessionClosed(String userId, String sessionId, Instant at) implements RoomEvent {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.sessionClosed(this);
    }
  }

  /**
   * The member's last connection was lost (not an explicit leave): the member stays, away, for
   * the grace period, so that a reconnect restores it without a leave and a join.
   */
  record MemberAway(String userId, String sessionId, Instant at) implements RoomEvent {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.memberAway(this);
    }
  }

  /** The member is gone: it left explicitly, or its grace period ran out while away. */
  record MemberLeft(String userId, LeaveReason reason, Instant at) implements RoomEvent {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.memberLeft(this);
    }
  }

  enum LeaveReason {
    /** The member's last session sent {@code leave}. */
    LEFT,
    /** The member stayed away longer than the grace period. */
    TIMED_OUT,
    /** A room administrator removed the member ({@link RoomCommand.Kick}). */
    KICKED,
    /** A room administrator closed the room ({@link RoomCommand.CloseRoom}). */
    ROOM_CLOSED;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  record ReadyChanged(String userId, String commandId, boolean ready, Instant at)
      implements FromCommand {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.readyChanged(this);
    }
  }

  record DocumentFocused(
      String userId, String commandId, Optional<DocumentFocus> document, Instant at)
      implements FromCommand {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.documentFocused(this);
    }
  }

  /** One or several keys set or deleted at once, under one version. */
  record KeysChanged(String userId, String commandId, List<KeyOp> ops, Instant at)
      implements FromCommand {
    public KeysChanged {
      ops = List.copyOf(ops);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.keysChanged(this);
    }
  }

  record ChatPosted(String userId, String commandId, String text, Instant at)
      implements FromCommand {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.chatPosted(this);
    }
  }

  /**
   * A member made the room public (listed under a title) or private again. {@code members} is
   * the number of members (online or away) when it happened: the registry lists a room from this
   * event on, and counts its joins and leaves from there.
   */
  record VisibilityChanged(
      String userId, String commandId, Visibility visibility, int members, Instant at)
      implements FromCommand {
    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visibilityChanged(this);
    }
  }
}
