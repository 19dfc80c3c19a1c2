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
    Map<String, Session> sessions,
    Optional<Instant> awaySince)
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
        Map.of(session.sessionId(), session),
        Optional.empty());
  }

  public Member withSession(Session session, String newName, String newColor) {
    Map<String, Session> next = new LinkedHashMap<>(sessions);
    next.put(session.sessionId(), session);
    return new Member(
        userId, newName, newColor, joinedAt, session.openedAt(), focus, ready, next, Optional.empty());
  }

  public Member withoutSession(String sessionId, Instant at) {
    Map<String, Session> next = new LinkedHashMap<>(sessions);
    next.remove(sessionId);
    return new Member(userId, name, color, joinedAt, at, focus, ready, next, awaySince);
  }

  /** The last session was lost at {@code at}: away until a session opens or the grace ends. */
  public Member away(String lostSessionId, Instant at) {
    Member without = withoutSession(lostSessionId, at);
    return new Member(
        userId, name, color, joinedAt, at, focus, ready, without.sessions, Optional.of(at));
  }

  public Member withReady(boolean newReady, Instant at) {
    return new Member(userId, name, color, joinedAt, at, focus, newReady, sessions, awaySince);
  }

  public Member withFocus(Optional<DocumentFocus> newFocus, Instant at) {
    return new Member(userId, name, color, joinedAt, at, newFocus, ready, sessions, awaySince);
  }

  public Member seenAt(Instant at) {
    return new Member(userId, name, color, joinedAt, at, focus, ready, sessions, awaySince);
  }

  public MemberStatus status() {
    return sessions.isEmpty() ? MemberStatus.AWAY : MemberStatus.ONLINE;
  }

  public boolean hasSession(String sessionId) {
    return sessions.containsKey(sessionId);
  }
}
