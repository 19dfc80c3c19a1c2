package io.parley.gateway;

/**
 * Collects the parts of one client message up to the frame limit, then only counts what follows:
 * a client can never make a connection hold more than the limit of one message. Lengths are UTF-8
 * bytes, the same measure as the limit. Not thread-safe: one per connection, used by its stage.
 */
final class MessageAssembler {

  private final int limit;
  // Most messages are one part: it is kept as it is, without a copy into a builder.
  private String first;
  private StringBuilder parts;
  private long bytes;
  private boolean binary;

  MessageAssembler(int limit) {
    this.limit = limit;
  }

  void text(String part) {
    bytes += utf8Length(part);
    if (bytes > limit) {
      first = null;
      parts = null;
    } else if (first == null) {
      first = part;
    } else {
      if (parts == null) {
        parts = new StringBuilder(first);
      }
      parts.append(part);
    }
  }

  /** Binary data is never kept: the message is refused whatever its size. */
  void binary() {
    binary = true;
  }

  /** The message whose parts were given since the last call; ready for the next one. */
  InboundMessage finish() {
    InboundMessage message;
    if (binary) {
      message = InboundMessage.Refused.BINARY;
    } else if (bytes > limit) {
      message = InboundMessage.Refused.TOO_LARGE;
    } else {
      message = new InboundMessage.Text(parts != null ? parts.toString() : first == null ? "" : first);
    }
    first = null;
    parts = null;
    bytes = 0;
    binary = false;
    return message;
  }

  /** Counted, not encoded: a message over the limit must not cost its encoding. */
  static long utf8Length(CharSequence text) {
    long length = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        length += 1;
      } else if (c < 0x800 || Character.isSurrogate(c)) {
        // a surrogate pair is 4 bytes, 2 per half
        length += 2;
      } else {
        length += 3;
      }
    }
    return length;
  }
}
