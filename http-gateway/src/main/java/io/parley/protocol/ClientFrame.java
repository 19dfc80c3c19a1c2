package io.parley.protocol;

import io.parley.presence.DocumentFocus;
import io.parley.room.KeyOp;
import java.util.List;
import java.util.Optional;

/** A frame a client sends, after parsing and field validation. See docs/PROTOCOL.md. */
public sealed interface ClientFrame {

  /** A frame that changes the room and is answered with {@code ack} or {@code reject}. */
  sealed interface Command extends ClientFrame {
    String id();
  }

  /** {@code resumeVersion}: the last version the client applied, when it resumes a session. */
  record Hello(String userId, String name, String color, Optional<Long> resumeVersion)
      implements ClientFrame {}

  /** {@code set}, {@code delete} and {@code batch}: one or several key operations. */
  record ChangeKeys(String id, List<KeyOp> ops) implements Command {}

  record Ready(String id, boolean ready) implements Command {}

  record Focus(String id, Optional<DocumentFocus> document) implements Command {}

  record Chat(String id, String text) implements Command {}

  record Cursor(double x, double y, Optional<String> documentId) implements ClientFrame {}

  record Ping(Optional<String> id) implements ClientFrame {}

  record Leave() implements ClientFrame {}
}
