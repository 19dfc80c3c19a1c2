package io.parley.room;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.presence.Member;
import io.parley.presence.Session;
import io.parley.serialization.CborSerializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.Address;

/**
 * What an operator sees of one running room ({@link RoomCommand.Inspect}): its members and the
 * node of each of their sessions, and how big and how busy it is. Crosses nodes (the room may run
 * on another node than the one asked), so it holds addresses as text, not references.
 *
 * @param node the cluster address of the node the room runs on
 * @param keyBytes the size of the shared state: each key's UTF-8 bytes plus its value's bytes
 *     written as JSON, the measure {@code parley.limits.value-max-bytes} applies to a value
 * @param chatCount the chat messages the room keeps (at most {@code parley.room.chat-history})
 * @param mailboxDepth the messages waiting in the room's mailbox when it answered
 */
public record RoomInspection(
    String roomId,
    String node,
    long version,
    List<MemberView> members,
    int keyCount,
    long keyBytes,
    int chatCount,
    int mailboxDepth)
    implements CborSerializable {

  private static final ObjectMapper JSON = new ObjectMapper();

  public RoomInspection {
    members = List.copyOf(members);
  }

  /** A member; {@code status} is {@code online} or {@code away}. */
  public record MemberView(
      String userId,
      String name,
      String status,
      Instant joinedAt,
      Instant lastSeen,
      Optional<Instant> awaySince,
      List<SessionView> sessions)
      implements CborSerializable {
    public MemberView {
      sessions = List.copyOf(sessions);
    }
  }

  /** A session and the cluster address of the node its connection is on. */
  public record SessionView(String sessionId, String node, Instant openedAt)
      implements CborSerializable {}

  /**
   * The inspection of {@code state}, members and sessions sorted by id. {@code self} is the
   * address of the room's node: a connection on that node has a local reference, whose address
   * names no host. Measuring the keys serializes every value: an operator's occasional question,
   * not something to ask on every change.
   */
  static RoomInspection of(String roomId, Address self, RoomState state, int mailboxDepth) {
    List<MemberView> members =
        state.members().values().stream()
            .sorted(Comparator.comparing(Member::userId))
            .map(member -> view(member, self))
            .toList();
    long keyBytes = 0;
    for (Map.Entry<String, KeyEntry> key : state.keys().entrySet()) {
      keyBytes += key.getKey().getBytes(StandardCharsets.UTF_8).length + jsonBytes(key.getValue());
    }
    return new RoomInspection(
        roomId,
        self.toString(),
        state.version(),
        members,
        state.keys().size(),
        keyBytes,
        state.chat().size(),
        mailboxDepth);
  }

  private static MemberView view(Member member, Address self) {
    List<SessionView> sessions =
        member.sessions().values().stream()
            .sorted(Comparator.comparing(Session::sessionId))
            .map(
                session -> {
                  Address address = session.connection().path().address();
                  return new SessionView(
                      session.sessionId(),
                      (address.hasGlobalScope() ? address : self).toString(),
                      session.openedAt());
                })
            .toList();
    return new MemberView(
        member.userId(),
        member.name(),
        member.status().wireName(),
        member.joinedAt(),
        member.lastSeen(),
        member.awaySince(),
        sessions);
  }

  private static int jsonBytes(KeyEntry entry) {
    try {
      return JSON.writeValueAsBytes(entry.value()).length;
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
