package io.parley.room;

import io.parley.presence.Member;
import io.parley.presence.MemberStatus;
import io.parley.presence.Session;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The presence check of a room that starts. A recovered room does not know which of the
 * connections it remembers are still there, nor which graces ran out while it was stopped; until
 * the fixes this finds are persisted, every read waits ({@link #holdsReads()}), so that no reader
 * ever sees a member online whose connection is known to be gone.
 *
 * <p>A connection on a node that is still in the cluster (this one included) is watched: if it
 * is gone, the watch says so at once, queueing the session's {@code CloseSession} while the
 * message that completed recovery is handled, behind round 1 of {@link
 * RoomCommand.RecoveryWatchesChecked}. Round 2, queued by round 1, comes after it: when round 2
 * arrives, every such session is closed. A connection on a node that is no longer in the cluster
 * (a process killed and replaced) is gone: its session is closed at once.
 */
final class PresenceRecovery {

  /** A connection to watch: if it is gone, {@code lost} closes its session. */
  record Watch(ActorRef<SessionInbox> connection, RoomCommand.CloseSession lost) {}

  /** An away member whose grace is not over: it expires after {@code left}. */
  record GraceLeft(String userId, Duration left) {}

  /** What the room does once it has recovered. */
  record Plan(List<RoomCommand> fixes, List<Watch> watches, List<GraceLeft> graces) {}

  private final Duration gracePeriod;
  /** Fixes sent to the room and not yet persisted; reads wait while there are any. */
  private final Set<RoomCommand> pending = new HashSet<>();

  PresenceRecovery(Duration gracePeriod) {
    this.gracePeriod = gracePeriod;
  }

  /**
   * The check of a room recovered as {@code state}: the fixes the room must send itself now (the
   * reads wait for them), the connections to watch, the graces to time. {@code clusterNodes} is
   * read once, and only if a connection is on another node than this one.
   */
  Plan start(RoomState state, Instant now, Supplier<Set<Address>> clusterNodes) {
    Set<Address> nodes = null;
    // a room recovering again in the same actor (after a journal failure) starts the check anew
    pending.clear();
    List<RoomCommand> fixes = new ArrayList<>();
    List<Watch> watches = new ArrayList<>();
    List<GraceLeft> graces = new ArrayList<>();
    for (Member member : state.members().values()) {
      if (member.status() == MemberStatus.AWAY) {
        Duration left = Duration.between(now, member.awaySince().orElse(now).plus(gracePeriod));
        if (left.isNegative() || left.isZero()) {
          fixes.add(new RoomCommand.GraceExpired(member.userId()));
        } else {
          graces.add(new GraceLeft(member.userId(), left));
        }
      }
      for (Session session : member.sessions().values()) {
        RoomCommand.CloseSession lost =
            new RoomCommand.CloseSession(session.sessionId(), RoomCommand.SessionEnd.LOST);
        Address address = session.connection().path().address();
        if (!address.hasLocalScope() && nodes == null) {
          nodes = clusterNodes.get();
        }
        if (address.hasLocalScope() || nodes.contains(address)) {
          watches.add(new Watch(session.connection(), lost));
        } else {
          fixes.add(lost);
        }
      }
    }
    if (!watches.isEmpty()) {
      fixes.add(new RoomCommand.RecoveryWatchesChecked(1));
    }
    pending.addAll(fixes);
    return new Plan(fixes, watches, graces);
  }

  /** The next round of the watch check after {@code checked}, if one is due; it is pending. */
  Optional<RoomCommand> nextRound(RoomCommand.RecoveryWatchesChecked checked) {
    if (checked.round() >= 2) {
      return Optional.empty();
    }
    RoomCommand next = new RoomCommand.RecoveryWatchesChecked(checked.round() + 1);
    pending.add(next);
    return Optional.of(next);
  }

  /** A room message was handled; true when it was the last pending fix, so reads may go on. */
  boolean handled(RoomCommand command) {
    return pending.remove(command) && pending.isEmpty();
  }

  /** Whether reads (snapshots, welcomes) must wait. */
  boolean holdsReads() {
    return !pending.isEmpty();
  }
}
