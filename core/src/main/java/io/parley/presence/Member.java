package io.parley.presence;

import io.parley.serialization.CborSerializable;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A user in a room. Several connections of one user (tabs, devices) are one member with several
 * sessions.
 */
public record Member(
    String userId,
    String name,
    String color,
    Instant joinedAt,
    Instant lastSeen,
    Optional<DocumentFocus> focus,
    boolean ready,
    Map<String, Session> sessions)
    implements CborSerializable {

  public Member {
    sessions = Map.copyOf(sessions);
  }

  public static Member joined(String userId, String name, String color, Session session) {
    return new Member(
        userId,
        name,
        color,
        session.openedAt(),
        session.openedAt(),
        Optional.empty(),
        false,
        Map.of(session.sessionId(), session));
  }

  public Member withSession(Session session, String newName, String newColor) {
    Map<String, Session> next = new LinkedHashMap<>(sessions);
    next.put(session.sessionId(), session);
    return new Member(userId, newName, newColor, joinedAt, session.openedAt(), focus, ready, next);
  }

  public Member withoutSession(String sessionId, Instant at) {
    Map<String, Session> next = new LinkedHashMap<>(sessions);
    next.remove(sessionId);
    return new Member(userId, name, color, joinedAt, at, focus, ready, next);
  }

  public Member withReady(boolean newReady, Instant at) {
    return new Member(userId, name, color, joinedAt, at, focus, newReady, sessions);
  }

  public Member withFocus(Optional<DocumentFocus> newFocus, Instant at) {
    return new Member(userId, name, color, joinedAt, at, newFocus, ready, sessions);
  }

  public Member seenAt(Instant at) {
    return new Member(userId, name, color, joinedAt, at, focus, ready, sessions);
  }

  public boolean hasSession(String sessionId) {
    return sessions.containsKey(sessionId);
  }
}
