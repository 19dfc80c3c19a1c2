package io.parley.room;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.serialization.CborSerializable;
import java.time.Instant;

/** A value of the room's shared state with the room version that last wrote it. */
public record KeyEntry(JsonNode value, long version, String updatedBy, Instant updatedAt)
    implements CborSerializable {}
