package io.parley.benchmarks.jmh;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.room.KeyOp;
import io.parley.room.RoomEvent;
import io.parley.room.RoomState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The history of a busy room, event by event in journal order: its members join, then in every 50
 * events 44 set one of {@code keys} keys to a small JSON object, 5 are chat messages and 1 is a
 * guest joining or leaving (in turn); the members take turns as authors. The W5 history
 * (benchmarks/RESULTS.md) with presence changes and several authors. Deterministic: the same
 * events on every run, so that two runs fold the same work.
 *
 * <p>Sessions carry no connection: the fold and the encoder never touch it.
 */
final class BusyRoom {

  /** In every {@value} events after the joins, one presence change. */
  private static final int PRESENCE_EVERY = 50;

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final String GUEST = "guest";
  private static final String CHAT_TEXT = "the quick brown fox jumps over the lazy dog, twice";

  private final int members;
  private final int keys;
  /** The version of the last event handed out. */
  private long version;
  private long keyWrites;
  private boolean guestPresent;

  BusyRoom(int members, int keys) {
    if (members < 1 || keys < 1) {
      throw new IllegalArgumentException("a busy room needs members and keys");
    }
    this.members = members;
    this.keys = keys;
  }

  /**
   * Folds, from the empty room, enough events that every key is set and the chat history and the
   * window of remembered commands are full (each at its bound): a room in its steady state, where
   * every further event costs what it will cost for the rest of the room's life. The events that
   * follow continue the same history.
   */
  RoomState fillUp(RoomState.Bounds bounds) {
    int longest = Math.max(keys, Math.max(bounds.rememberedCommands(), 10 * bounds.chatHistory()));
    // Two events per item to fill is plenty: 88 % of the events set a key, 98 % are commands,
    // 10 % chat messages.
    return fold(RoomState.empty(), next(members + 2 * longest), bounds);
  }

  /** The next {@code count} events of the history. */
  List<RoomEvent> next(int count) {
    List<RoomEvent> events = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      events.add(next());
    }
    return events;
  }

  RoomEvent next() {
    long v = ++version;
    Instant at = START.plusMillis(v);
    if (v <= members) {
      return joined(member((int) v - 1), at);
    }
    long position = v - members;
    String author = member((int) (position % members));
    if (position % PRESENCE_EVERY == 0) {
      guestPresent = !guestPresent;
      return guestPresent ? joined(GUEST, at) : left(GUEST, at);
    }
    if (position % 10 == 5) {
      return chat(author, "c" + v, at);
    }
    long item = keyWrites++ % keys;
    return keySet(author, "c" + v, item, v, at);
  }

  static RoomState fold(RoomState from, List<RoomEvent> events, RoomState.Bounds bounds) {
    RoomState state = from;
    for (RoomEvent event : events) {
      state = state.apply(event, bounds);
    }
    return state;
  }

  static String member(int index) {
    return "user-" + index;
  }

  static String sessionOf(String userId) {
    return "s-" + userId;
  }

  static String key(long item) {
    return "item/" + item;
  }

  /** A value as a client would set it: a small object of about 70 bytes as JSON. */
  static ObjectNode smallValue(long item, long revision) {
    ObjectNode value = JsonNodeFactory.instance.objectNode();
    value.put("title", "item " + item);
    value.put("x", item * 1.5);
    value.put("y", (int) (revision % 997));
    value.put("done", revision % 3 == 0);
    value.put("rev", revision);
    return value;
  }

  static RoomEvent.KeysChanged keySet(
      String userId, String commandId, long item, long revision, Instant at) {
    KeyOp op = new KeyOp.Set(key(item), smallValue(item, revision), Optional.empty());
    return new RoomEvent.KeysChanged(userId, commandId, List.of(op), at);
  }

  static RoomEvent.ChatPosted chat(String userId, String commandId, Instant at) {
    return new RoomEvent.ChatPosted(userId, commandId, CHAT_TEXT, at);
  }

  static RoomEvent.MemberJoined joined(String userId, Instant at) {
    return new RoomEvent.MemberJoined(
        userId, sessionOf(userId), "Name of " + userId, "#3366ff", null, at);
  }

  static RoomEvent.MemberLeft left(String userId, Instant at) {
    return new RoomEvent.MemberLeft(userId, RoomEvent.LeaveReason.LEFT, at);
  }
}
