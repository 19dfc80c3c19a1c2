package io.parley.presence;

import io.parley.serialization.CborSerializable;

/** The document a member is looking at, declared by the client together with its type. */
public record DocumentFocus(String id, String type) implements CborSerializable {}
