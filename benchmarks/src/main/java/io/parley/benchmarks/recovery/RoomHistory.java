package io.parley.benchmarks.recovery;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.room.KeyOp;
import io.parley.room.RoomEvent;
import io.parley.room.SessionInbox;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The events of a long, busy room, in journal order: one member joins (version 1), then it sets
 * one of {@value #KEYS} keys to a small JSON object nine times out of ten and posts a chat message
 * the tenth. After a few thousand events the state holds {@value #KEYS} keys, a full chat history
 * and a full window of remembered commands: the largest state these settings allow for one member.
 */
final class RoomHistory {

  static final int KEYS = 1000;
  static final String USER = "bench-user";

  private final ActorRef<SessionInbox> connection;
  private long nextVersion = 1;
  private long keyEvents;

  /**
   * @param connection the member's connection; it must stay alive while the room recovers, as a
   *     connected member's would (a dead one makes the recovered room persist a departure)
   */
  RoomHistory(ActorRef<SessionInbox> connection) {
    this.connection = connection;
  }

  /** The events for versions {@code nextVersion} to {@code lastVersion}, inclusive. */
  List<RoomEvent> upTo(long lastVersion) {
    List<RoomEvent> events = new ArrayList<>((int) (lastVersion - nextVersion + 1));
    Instant now = Instant.now();
    while (nextVersion <= lastVersion) {
      events.add(event(nextVersion++, now));
    }
    return events;
  }

  private RoomEvent event(long version, Instant at) {
    if (version == 1) {
      return new RoomEvent.MemberJoined(USER, "bench-session", "Bench", "#3366ff", connection, at);
    }
    String commandId = "c" + version;
    if (version % 10 == 1) {
      return new RoomEvent.ChatPosted(
          USER, commandId, "message " + version + ": the quick brown fox jumps over the lazy dog", at);
    }
    long item = keyEvents++ % KEYS;
    ObjectNode value = JsonNodeFactory.instance.objectNode();
    value.put("title", "item " + item);
    value.put("x", item * 1.5);
    value.put("y", (int) (version % 997));
    value.put("done", version % 3 == 0);
    value.put("rev", (int) version);
    KeyOp op = new KeyOp.Set("item/" + item, value, Optional.empty());
    return new RoomEvent.KeysChanged(USER, commandId, List.of(op), at);
  }
}
