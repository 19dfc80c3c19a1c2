package io.parley.room;

import io.parley.serialization.CborSerializable;
import java.time.Instant;

/** A chat message; its id is the command id the author gave it, its version the room's. */
public record ChatMessage(String id, String userId, String text, Instant at, long version)
    implements CborSerializable {}
