package io.parley.room;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.presence.DocumentFocus;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A 64-bit fingerprint of what a durable command asks for, without its id: the first 8 bytes of
 * the SHA-256 of a canonical form of its kind and content (the key operations with their keys,
 * values and {@code expect}s; the ready flag; the focused document; the chat text). A command and
 * the event it produced have the same fingerprint, so the room rebuilds the fingerprints of the
 * commands it remembers from its journal, and a retry can be told apart from a different command
 * sent under the same id.
 *
 * <p>Values are compared as JSON values: the order of an object's members does not count, and
 * numbers count by their numeric value ({@code 1}, {@code 1.0} and {@code 1e0} are the same), so a
 * client library that writes the same value differently still retries. A {@code set} and a {@code
 * batch} of that one operation are the same command (the room cannot tell them apart either).
 *
 * <p>The fingerprints are stored in snapshots: changing this canonical form makes every
 * remembered command look different to a retry of it, so it must not change without a migration
 * of {@link AppliedCommand}. {@link AppliedCommand#UNKNOWN_CONTENT} (0) is never a fingerprint.
 */
public final class CommandFingerprint {

  private CommandFingerprint() {}

  /** The fingerprint of a command's content. */
  public static long of(RoomCommand.Durable command) {
    return command.accept(
        new RoomCommand.Durable.Visitor<Long>() {
          @Override
          public Long changeKeys(RoomCommand.ChangeKeys c) {
            return keys(c.ops());
          }

          @Override
          public Long setReady(RoomCommand.SetReady c) {
            return ready(c.ready());
          }

          @Override
          public Long focusDocument(RoomCommand.FocusDocument c) {
            return focus(c.document());
          }

          @Override
          public Long postChat(RoomCommand.PostChat c) {
            return chat(c.text());
          }

          @Override
          public Long setVisibility(RoomCommand.SetVisibility c) {
            return visibility(new Visibility(c.listed(), c.title()));
          }
        });
  }

  /** The fingerprint of the command that produced {@code event}: equal to {@link #of(RoomCommand.Durable)}. */
  public static long of(RoomEvent.FromCommand event) {
    if (event instanceof RoomEvent.KeysChanged e) {
      return keys(e.ops());
    } else if (event instanceof RoomEvent.ReadyChanged e) {
      return ready(e.ready());
    } else if (event instanceof RoomEvent.DocumentFocused e) {
      return focus(e.document());
    } else if (event instanceof RoomEvent.ChatPosted e) {
      return chat(e.text());
    } else if (event instanceof RoomEvent.VisibilityChanged e) {
      return visibility(e.visibility());
    }
    throw new IllegalArgumentException("no fingerprint for " + event.getClass().getName());
  }

  private static long keys(List<KeyOp> ops) {
    Canonical out = new Canonical('K');
    out.count(ops.size());
    for (KeyOp op : ops) {
      out.tag(op instanceof KeyOp.Set ? 'S' : 'D');
      out.string(op.key());
      if (op.expect().isPresent()) {
        out.tag('E');
        out.number(BigDecimal.valueOf(op.expect().get()));
      } else {
        out.tag('-');
      }
      if (op instanceof KeyOp.Set set) {
        out.value(set.value());
      }
    }
    return out.fingerprint();
  }

  private static long ready(boolean ready) {
    Canonical out = new Canonical('R');
    out.tag(ready ? 't' : 'f');
    return out.fingerprint();
  }

  private static long focus(Optional<DocumentFocus> document) {
    Canonical out = new Canonical('F');
    if (document.isPresent()) {
      out.tag('d');
      out.string(document.get().id());
      out.string(document.get().type());
    } else {
      out.tag('-');
    }
    return out.fingerprint();
  }

  private static long visibility(Visibility visibility) {
    Canonical out = new Canonical('V');
    out.tag(visibility.listed() ? 'p' : 'x');
    if (visibility.title().isPresent()) {
      out.tag('t');
      out.string(visibility.title().get());
    } else {
      out.tag('-');
    }
    return out.fingerprint();
  }

  private static long chat(String text) {
    Canonical out = new Canonical('C');
    out.string(text);
    return out.fingerprint();
  }

  /**
   * The canonical form, fed to SHA-256 as it is written: one tag character per item, a count
   * before every string, array and object, so that no two different contents write the same
   * bytes.
   */
  private static final class Canonical {
    /** One digest per thread, reset for each fingerprint: getting a new one looks it up. */
    private static final ThreadLocal<MessageDigest> DIGESTS =
        ThreadLocal.withInitial(
            () -> {
              try {
                return MessageDigest.getInstance("SHA-256");
              } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java platform has SHA-256", e);
              }
            });

    private final MessageDigest digest;
    /** Bytes on their way to the digest, handed over in blocks rather than one by one. */
    private final byte[] pending = new byte[512];
    private int size;

    Canonical(char kind) {
      digest = DIGESTS.get();
      digest.reset();
      tag(kind);
    }

    private void put(int b) {
      if (size == pending.length) {
        digest.update(pending, 0, size);
        size = 0;
      }
      pending[size++] = (byte) b;
    }

    void tag(char tag) {
      put(tag);
    }

    void count(int count) {
      put(count >>> 24);
      put(count >>> 16);
      put(count >>> 8);
      put(count);
    }

    /** UTF-16 code units, so that a lone surrogate is written as it is. */
    void string(String value) {
      count(value == null ? -1 : value.length());
      if (value != null) {
        for (int i = 0; i < value.length(); i++) {
          char c = value.charAt(i);
          put(c >>> 8);
          put(c);
        }
      }
    }

    void number(BigDecimal value) {
      BigDecimal stripped = value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
      string(stripped.toString());
    }

    void value(JsonNode node) {
      if (node == null || node.isNull() || node.isMissingNode()) {
        tag('n');
      } else if (node.isBoolean()) {
        tag(node.booleanValue() ? 't' : 'f');
      } else if (node.isNumber()) {
        tag('#');
        if ((node.isDouble() || node.isFloat()) && !Double.isFinite(node.doubleValue())) {
          string(Double.toString(node.doubleValue()));
        } else {
          number(node.decimalValue());
        }
      } else if (node.isTextual()) {
        tag('s');
        string(node.textValue());
      } else if (node.isArray()) {
        tag('a');
        count(node.size());
        for (JsonNode element : node) {
          value(element);
        }
      } else if (node.isObject()) {
        tag('o');
        List<Map.Entry<String, JsonNode>> members = new ArrayList<>(node.properties());
        members.sort(Map.Entry.comparingByKey());
        count(members.size());
        for (Map.Entry<String, JsonNode> member : members) {
          string(member.getKey());
          value(member.getValue());
        }
      } else {
        // binary or POJO nodes do not come from JSON; fall back on their text
        tag('x');
        string(node.toString());
      }
    }

    long fingerprint() {
      digest.update(pending, 0, size);
      long hash = ByteBuffer.wrap(digest.digest()).getLong();
      return hash == AppliedCommand.UNKNOWN_CONTENT ? 1 : hash;
    }
  }
}
