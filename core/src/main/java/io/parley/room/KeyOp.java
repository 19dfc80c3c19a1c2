package io.parley.room;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import io.parley.serialization.CborSerializable;
import java.util.Optional;

/**
 * One change to the room's shared state. {@code expect} is an optional compare-and-set guard:
 * the version that last wrote the key, or 0 for "the key must not exist".
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
  @JsonSubTypes.Type(value = KeyOp.Set.class, name = "set"),
  @JsonSubTypes.Type(value = KeyOp.Delete.class, name = "delete")
})
public sealed interface KeyOp extends CborSerializable {
  String key();

  Optional<Long> expect();

  record Set(String key, JsonNode value, Optional<Long> expect) implements KeyOp {}

  record Delete(String key, Optional<Long> expect) implements KeyOp {}
}
