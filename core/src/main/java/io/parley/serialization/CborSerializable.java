package io.parley.serialization;

/**
 * Marker for every message, event and state that crosses actors or reaches the journal.
 * Bound to Pekko's Jackson CBOR serializer in {@code reference.conf}.
 */
public interface CborSerializable {}
