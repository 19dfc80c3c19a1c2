package io.parley.room;

import io.parley.presence.Member;
import io.parley.presence.MemberStatus;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.japi.function.Procedure;

/**
 * What one running room adds to its node's {@link RoomMetrics}: that it runs, its online members,
 * its recovery time and its journal writes. Used by the room's own actor only (one thread at a
 * time).
 */
final class RoomMeters {

  private final RoomMetrics metrics;
  private long startedAt = System.nanoTime();
  private boolean active;
  private Map<String, Member> members;
  private long online;
  /** The user of each open session of the room, for the logging context. */
  private Map<String, String> userOfSession = Map.of();

  RoomMeters(RoomMetrics metrics) {
    this.metrics = metrics;
  }

  /** The meters of the room {@code context} runs; the start of its recovery is now. */
  static RoomMeters of(ActorContext<?> context) {
    RoomMeters meters = RoomMetrics.of(context.getSystem()).room(context.getSelf());
    meters.startedAt = System.nanoTime();
    return meters;
  }

  /** The node's room meters. */
  RoomMetrics node() {
    return metrics;
  }

  /** The room's state is recovered: it runs, with the members online that state has. */
  void recovered(RoomState state) {
    metrics.recovery.record(System.nanoTime() - startedAt, java.util.concurrent.TimeUnit.NANOSECONDS);
    if (!active) {
      active = true;
      metrics.roomsActive(1);
    }
    membersChanged(state);
  }

  /** After a change: the room's online members, counted again only when its members changed. */
  void membersChanged(RoomState state) {
    if (state.members() == members) {
      return;
    }
    members = state.members();
    Map<String, String> users = new HashMap<>();
    members.values().forEach(m -> m.sessions().keySet().forEach(s -> users.put(s, m.userId())));
    userOfSession = users;
    long now = members.values().stream().filter(m -> m.status() == MemberStatus.ONLINE).count();
    metrics.membersOnline(now - online);
    online = now;
  }

  /**
   * A journal write of {@code events} events starts now; the returned side effect, run once it
   * succeeded, records its time and size.
   */
  Procedure<RoomState> journalWrite(int events) {
    if (events == 0) {
      return state -> {};
    }
    long started = System.nanoTime();
    return state -> {
      metrics.journalWrite.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
      metrics.batchSize.record(events);
    };
  }

  /** The user of the open session {@code sessionId}, or null if the room has no such session. */
  String userOfSession(String sessionId) {
    return userOfSession.get(sessionId);
  }

  void stopped() {
    if (active) {
      active = false;
      metrics.roomsActive(-1);
    }
    metrics.membersOnline(-online);
    online = 0;
    members = null;
  }
}
