package io.parley.presence;

import io.parley.room.SessionInbox;
import io.parley.serialization.CborSerializable;
import java.time.Instant;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * One connection of a member. The connection reference is persisted so that a recovered room
 * can watch the connections it knew and end the sessions whose connection is gone.
 */
public record Session(String sessionId, ActorRef<SessionInbox> connection, Instant openedAt)
    implements CborSerializable {}
