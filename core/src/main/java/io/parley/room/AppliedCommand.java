package io.parley.room;

import io.parley.serialization.CborSerializable;

/**
 * A durable command the room applied: who sent it, under which id, and the version it produced.
 * The room remembers the latest ones so that a retry of the same command is answered with the
 * original version instead of being applied again.
 */
public record AppliedCommand(String userId, String commandId, long version)
    implements CborSerializable {}
