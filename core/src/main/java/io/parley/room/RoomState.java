package io.parley.room;

import io.parley.presence.Member;
import io.parley.presence.Session;
import io.parley.serialization.CborSerializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.OptionalLong;
import org.pcollections.HashTreePMap;
import org.pcollections.PMap;

/**
 * A room as the fold of its events. Immutable: snapshots are serialized while the entity goes on,
 * so every change returns a new state. The shared keys, the part that grows, are a persistent
 * map: a change to one key shares the rest with the state before, instead of copying a room's
 * thousands of keys on every event.
 *
 * @param version the number of durable changes so far; equal to the journal sequence number
 * @param chat the most recent messages, oldest first, at most {@code chatHistory} of them
 * @param appliedCommands the most recent durable commands the room applied, oldest first, at most
 *     {@code rememberedCommands} of them: the window in which a retry (the same command id from
 *     the same user) is recognised and answered with its original version, and the same id with
 *     a different content refused. Derived from the events like everything else, so snapshots
 *     carry it and recovery rebuilds it. Absent from snapshots written before it existed: read as
 *     empty. Indexed by author and id ({@link AppliedCommands}), and shared between successive
 *     states like the keys.
 * @param visibility whether the room is listed in the public registry; private in snapshots
 *     written before it existed
 */
public record RoomState(
    long version,
    Map<String, Member> members,
    Map<String, KeyEntry> keys,
    List<ChatMessage> chat,
    List<AppliedCommand> appliedCommands,
    Visibility visibility)
    implements CborSerializable {

  /** How much of the room's history the state keeps; from {@link RoomSettings}. */
  public record Bounds(int chatHistory, int rememberedCommands) {}

  public RoomState {
    members = Map.copyOf(members);
    keys = keys instanceof PMap ? keys : HashTreePMap.from(keys);
    chat = List.copyOf(chat);
    appliedCommands = AppliedCommands.of(appliedCommands);
    visibility = visibility == null ? Visibility.PRIVATE : visibility;
  }

  /** A private room's state. */
  public RoomState(
      long version,
      Map<String, Member> members,
      Map<String, KeyEntry> keys,
      List<ChatMessage> chat,
      List<AppliedCommand> appliedCommands) {
    this(version, members, keys, chat, appliedCommands, Visibility.PRIVATE);
  }

  /** A state that remembers no commands (as the gateway's tests build them). */
  public RoomState(
      long version, Map<String, Member> members, Map<String, KeyEntry> keys, List<ChatMessage> chat) {
    this(version, members, keys, chat, List.of());
  }

  public static RoomState empty() {
    return new RoomState(0, Map.of(), Map.of(), List.of(), List.of());
  }

  /** Every open session of the room, of every member. */
  public Stream<Session> sessions() {
    return members.values().stream().flatMap(member -> member.sessions().values().stream());
  }

  public Optional<Member> memberOfSession(String sessionId) {
    return members.values().stream().filter(m -> m.hasSession(sessionId)).findFirst();
  }

  public Optional<Member> member(String userId) {
    return Optional.ofNullable(members.get(userId));
  }

  /** The version that last wrote {@code key}, or 0 when the key is absent. */
  public long keyVersion(String key) {
    KeyEntry entry = keys.get(key);
    return entry == null ? 0 : entry.version();
  }

  /**
   * The version that {@code userId}'s command {@code commandId} produced, if it is among the
   * remembered commands.
   */
  public OptionalLong appliedVersion(String userId, String commandId) {
    return appliedCommand(userId, commandId)
        .map(applied -> OptionalLong.of(applied.version()))
        .orElse(OptionalLong.empty());
  }

  /** {@code userId}'s command {@code commandId}, if it is among the remembered commands. */
  public Optional<AppliedCommand> appliedCommand(String userId, String commandId) {
    return ((AppliedCommands) appliedCommands).find(userId, commandId);
  }

  /** Applies one journal event; {@code bounds} bound the chat and commands kept in memory. */
  public RoomState apply(RoomEvent event, Bounds bounds) {
    RoomState next = fold(event, bounds.chatHistory());
    if (event instanceof RoomEvent.FromCommand e) {
      return next.remembering(e, bounds.rememberedCommands());
    }
    return next;
  }

  private RoomState fold(RoomEvent event, int chatHistory) {
    long next = version + 1;
    return event.accept(
        new RoomEvent.Visitor<>() {
          @Override
          public RoomState memberJoined(RoomEvent.MemberJoined e) {
            return withMember(next, Member.joined(e.userId(), e.name(), e.color(), sessionOf(e)));
          }

          @Override
          public RoomState sessionOpened(RoomEvent.SessionOpened e) {
            return withMember(
                next, requireMember(e.userId()).withSession(sessionOf(e), e.name(), e.color()));
          }

          @Override
          public RoomState sessionClosed(RoomEvent.SessionClosed e) {
            return withMember(next, requireMember(e.userId()).withoutSession(e.sessionId(), e.at()));
          }

          @Override
          public RoomState memberAway(RoomEvent.MemberAway e) {
            return withMember(next, requireMember(e.userId()).away(e.sessionId(), e.at()));
          }

          @Override
          public RoomState memberLeft(RoomEvent.MemberLeft e) {
            return withoutMember(next, e.userId());
          }

          @Override
          public RoomState readyChanged(RoomEvent.ReadyChanged e) {
            return withMember(next, requireMember(e.userId()).withReady(e.ready(), e.at()));
          }

          @Override
          public RoomState documentFocused(RoomEvent.DocumentFocused e) {
            return withMember(next, requireMember(e.userId()).withFocus(e.document(), e.at()));
          }

          @Override
          public RoomState keysChanged(RoomEvent.KeysChanged e) {
            return withKeys(next, e);
          }

          @Override
          public RoomState chatPosted(RoomEvent.ChatPosted e) {
            return withChat(next, e, chatHistory);
          }

          @Override
          public RoomState visibilityChanged(RoomEvent.VisibilityChanged e) {
            return new RoomState(
                next, touched(e.userId(), e.at()), keys, chat, appliedCommands, e.visibility());
          }
        });
  }

  private static Session sessionOf(RoomEvent.SessionStarted event) {
    return new Session(event.sessionId(), event.connection(), event.at());
  }

  /**
   * This state with each member's {@code lastSeen} raised to its latest activity (frames that
   * change nothing durable, such as cursors and pings, are tracked by the entity in memory).
   */
  public RoomState withActivity(Map<String, Instant> lastActivity) {
    if (lastActivity.isEmpty()) {
      return this;
    }
    Map<String, Member> updated = new HashMap<>(members);
    lastActivity.forEach(
        (userId, at) -> {
          Member member = updated.get(userId);
          if (member != null && at.isAfter(member.lastSeen())) {
            updated.put(userId, member.seenAt(at));
          }
        });
    return new RoomState(version, updated, keys, chat, appliedCommands, visibility);
  }

  private Member requireMember(String userId) {
    Member member = members.get(userId);
    if (member == null) {
      throw new IllegalStateException("event for unknown member " + userId);
    }
    return member;
  }

  private RoomState withMember(long next, Member member) {
    Map<String, Member> updated = new HashMap<>(members);
    updated.put(member.userId(), member);
    return new RoomState(next, updated, keys, chat, appliedCommands, visibility);
  }

  private RoomState withoutMember(long next, String userId) {
    Map<String, Member> updated = new HashMap<>(members);
    updated.remove(userId);
    return new RoomState(next, updated, keys, chat, appliedCommands, visibility);
  }

  private RoomState withKeys(long next, RoomEvent.KeysChanged e) {
    PMap<String, KeyEntry> updated = (PMap<String, KeyEntry>) keys;
    for (KeyOp op : e.ops()) {
      if (op instanceof KeyOp.Set set) {
        updated = updated.plus(set.key(), new KeyEntry(set.value(), next, e.userId(), e.at()));
      } else {
        updated = updated.minus(op.key());
      }
    }
    return new RoomState(
        next, touched(e.userId(), e.at()), updated, chat, appliedCommands, visibility);
  }

  private RoomState withChat(long next, RoomEvent.ChatPosted e, int chatHistory) {
    List<ChatMessage> updated = new ArrayList<>(chat.size() + 1);
    int drop = Math.max(0, chat.size() + 1 - chatHistory);
    updated.addAll(chat.subList(Math.min(drop, chat.size()), chat.size()));
    if (chatHistory > 0) {
      updated.add(new ChatMessage(e.commandId(), e.userId(), e.text(), e.at(), next));
    }
    return new RoomState(
        next, touched(e.userId(), e.at()), keys, updated, appliedCommands, visibility);
  }

  /**
   * This state with the command of {@code event} as the newest remembered one, the oldest ones
   * dropped beyond {@code limit}.
   */
  private RoomState remembering(RoomEvent.FromCommand event, int limit) {
    if (limit <= 0) {
      return appliedCommands.isEmpty()
          ? this
          : new RoomState(version, members, keys, chat, List.of(), visibility);
    }
    AppliedCommand applied =
        new AppliedCommand(
            event.userId(), event.commandId(), version, CommandFingerprint.of(event));
    return new RoomState(
        version,
        members,
        keys,
        chat,
        ((AppliedCommands) appliedCommands).plus(applied, limit),
        visibility);
  }

  private Map<String, Member> touched(String userId, Instant at) {
    Member member = members.get(userId);
    if (member == null) {
      return members;
    }
    Map<String, Member> updated = new HashMap<>(members);
    updated.put(userId, member.seenAt(at));
    return updated;
  }
}
