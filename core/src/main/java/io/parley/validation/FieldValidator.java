package io.parley.validation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntPredicate;
import java.util.regex.Pattern;

/**
 * The format rules of every field a client can send. Plain Java so that the gateway (to answer a
 * bad frame with an error) and the room (as the last line of defence) apply the same rules.
 *
 * <p>Every string a client sends that the server stores or relays must be valid Unicode (see
 * {@link Unicode}): free text and JSON values are checked for it here, and the id, key, colour
 * and document type alphabets are ASCII.
 */
public final class FieldValidator {

  /** Room, user, session, command and document ids. */
  private static final Alphabet ID =
      new Alphabet(
          "ASCII letters, digits and . _ : @ -",
          c -> isAsciiLetterOrDigit(c) || ".:_@-".indexOf(c) >= 0,
          "a letter or a digit",
          FieldValidator::isAsciiLetterOrDigit);

  private static final Alphabet KEY =
      new Alphabet(
          "ASCII letters, digits and . _ : / @ -",
          c -> isAsciiLetterOrDigit(c) || "._:/@-".indexOf(c) >= 0,
          "a letter, a digit or _",
          c -> isAsciiLetterOrDigit(c) || c == '_');

  private static final Alphabet DOCUMENT_TYPE =
      new Alphabet(
          "lower-case ASCII letters, digits and . _ + -",
          c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "._+-".indexOf(c) >= 0,
          "a lower-case letter",
          c -> c >= 'a' && c <= 'z');

  private static final Pattern COLOR = Pattern.compile("#[0-9a-fA-F]{6}");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What an {@code expect} is, in the words of PROTOCOL.md; for the messages about it. */
  public static final String EXPECT_RULE =
      "the version that last wrote the key, or 0 for a key that must not exist";

  /** The largest finite number, as the messages about infinite ones quote it. */
  private static final String LARGEST = "1.7976931348623157e308";

  private final FieldLimits limits;

  public FieldValidator(FieldLimits limits) {
    this.limits = limits;
  }

  public FieldLimits limits() {
    return limits;
  }

  /** Room, user, session, command and document ids share one conservative format. */
  public Optional<Violation> id(String field, String value) {
    return ID.check(field, value, limits.idMaxLength());
  }

  public Optional<Violation> name(String value) {
    if (value == null) {
      return violation("name", "is required");
    }
    if (value.isBlank()) {
      return violation("name", "must not be blank");
    }
    if (value.length() > limits.nameMaxLength()) {
      return violation("name", "is longer than " + limits.nameMaxLength() + " characters");
    }
    return plainText("name", value, false);
  }

  /** The title a room is listed under when public. */
  public Optional<Violation> title(String value) {
    if (value == null) {
      return violation("title", "is required to make the room public");
    }
    if (value.isBlank()) {
      return violation("title", "must not be blank");
    }
    if (value.length() > limits.titleMaxLength()) {
      return violation("title", "is longer than " + limits.titleMaxLength() + " characters");
    }
    return plainText("title", value, false);
  }

  public Optional<Violation> color(String value) {
    if (value == null || !COLOR.matcher(value).matches()) {
      return violation("color", "must be a colour written #rrggbb in hexadecimal, like #1e90ff");
    }
    return Optional.empty();
  }

  public Optional<Violation> key(String field, String value) {
    return KEY.check(field, value, limits.keyMaxLength());
  }

  public Optional<Violation> documentId(String field, String value) {
    return ID.check(field, value, limits.documentIdMaxLength());
  }

  public Optional<Violation> documentType(String value) {
    return DOCUMENT_TYPE.check("document.type", value, limits.documentTypeMaxLength());
  }

  public Optional<Violation> chatText(String value) {
    if (value == null) {
      return violation("text", "is required");
    }
    if (value.isBlank()) {
      return violation("text", "must not be blank");
    }
    if (value.length() > limits.chatMaxLength()) {
      return violation("text", "is longer than " + limits.chatMaxLength() + " characters");
    }
    return plainText("text", value, true);
  }

  /** A string whose only rule is to be valid Unicode, such as a frame's {@code type}. */
  public Optional<Violation> unicode(String field, String value) {
    int lone = Unicode.loneSurrogate(value);
    return lone < 0 ? Optional.empty() : violation(field, notUnicode(lone));
  }

  public Optional<Violation> expectedVersion(String field, long expect) {
    return expect < 0 ? violation(field, "must not be negative: " + EXPECT_RULE) : Optional.empty();
  }

  public Optional<Violation> batchSize(int ops) {
    if (ops == 0) {
      return violation("ops", "must contain at least one operation");
    }
    if (ops > limits.batchMaxOps()) {
      return violation("ops", "has more than " + limits.batchMaxOps() + " operations");
    }
    return Optional.empty();
  }

  /**
   * A batch changes each key at most once: the later of two ops on one key is named, with the
   * earlier one in the message.
   */
  public Optional<Violation> distinctKeys(List<String> keys) {
    Map<String, Integer> firstOp = new HashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      Integer earlier = firstOp.putIfAbsent(keys.get(i), i);
      if (earlier != null) {
        return violation(
            "ops[" + i + "].key",
            "duplicates ops[" + earlier + "].key: a batch changes each key at most once");
      }
    }
    return Optional.empty();
  }

  public Optional<Violation> finite(String field, double value) {
    if (Double.isNaN(value)) {
      return violation(field, "must be a finite number, not NaN");
    }
    return Double.isFinite(value)
        ? Optional.empty()
        : violation(field, "must be a finite number (at most " + LARGEST + " either way)");
  }

  /**
   * A shared-state value: any JSON, bounded in encoded size and nesting, numbers finite, its
   * strings and field names valid Unicode.
   */
  public Optional<Violation> value(String field, JsonNode value) {
    if (value == null || value.isMissingNode()) {
      return violation(field, "is required");
    }
    Optional<Violation> shape = shape(field, value, 1);
    if (shape.isPresent()) {
      return shape;
    }
    try {
      if (JSON.writeValueAsBytes(value).length > limits.valueMaxBytes()) {
        return violation(
            field, "is larger than " + limits.valueMaxBytes() + " bytes written as JSON");
      }
    } catch (JsonProcessingException e) {
      return violation(field, "cannot be written as JSON");
    }
    return Optional.empty();
  }

  /** {@code depth} is the number of containers enclosing {@code node}, itself included. */
  private Optional<Violation> shape(String field, JsonNode node, int depth) {
    if (node.isContainerNode() && depth > limits.valueMaxDepth()) {
      return violation(field, "is nested deeper than " + limits.valueMaxDepth() + " levels");
    }
    if (node.isNumber() && Double.isNaN(node.doubleValue())) {
      return violation(field, "contains a number that is not finite (NaN)");
    }
    if (node.isNumber() && Double.isInfinite(node.doubleValue())) {
      return violation(
          field, "contains a number too large to be finite (beyond " + LARGEST + " either way)");
    }
    if (node.isTextual() && Unicode.loneSurrogate(node.textValue()) >= 0) {
      return violation(field, "contains a string that is not valid Unicode (a lone UTF-16 surrogate)");
    }
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> property : node.properties()) {
        if (Unicode.loneSurrogate(property.getKey()) >= 0) {
          return violation(
              field, "contains a field name that is not valid Unicode (a lone UTF-16 surrogate)");
        }
        Optional<Violation> child = shape(field, property.getValue(), depth + 1);
        if (child.isPresent()) {
          return child;
        }
      }
    } else if (node.isArray()) {
      for (Iterator<JsonNode> children = node.elements(); children.hasNext(); ) {
        Optional<Violation> child = shape(field, children.next(), depth + 1);
        if (child.isPresent()) {
          return child;
        }
      }
    }
    return Optional.empty();
  }

  /**
   * A format of ids, keys and document types: the characters it allows, and the ones it may start
   * with. A violation names the rule broken: the alphabet (with the first character outside it),
   * or the first character.
   */
  private record Alphabet(
      String allowed, IntPredicate allows, String startsWith, IntPredicate mayStart) {

    Optional<Violation> check(String field, String value, int maxLength) {
      if (value == null) {
        return violation(field, "is required");
      }
      if (value.isEmpty()) {
        return violation(field, "must not be empty");
      }
      if (value.length() > maxLength) {
        return violation(field, "is longer than " + maxLength + " characters");
      }
      int lone = Unicode.loneSurrogate(value);
      if (lone >= 0) {
        return violation(field, notUnicode(lone));
      }
      for (int i = 0; i < value.length(); ) {
        int c = value.codePointAt(i);
        if (!allows.test(c)) {
          return violation(
              field,
              "may contain only " + allowed + ", not " + Unicode.describe(c) + " (at character " + (i + 1) + ")");
        }
        i += Character.charCount(c);
      }
      if (!mayStart.test(value.charAt(0))) {
        return violation(field, "must start with " + startsWith);
      }
      return Optional.empty();
    }
  }

  private static boolean isAsciiLetterOrDigit(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  /** Free text: valid Unicode, without control characters. */
  private Optional<Violation> plainText(String field, String value, boolean allowLineBreaks) {
    Optional<Violation> unicode = unicode(field, value);
    if (unicode.isPresent()) {
      return unicode;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean lineBreak = c == '\n' || c == '\r' || c == '\t';
      if (Character.isISOControl(c) && !(allowLineBreaks && lineBreak)) {
        return violation(
            field,
            "must not contain control characters"
                + (allowLineBreaks ? " other than line feed, carriage return and tab" : "")
                + ", not "
                + Unicode.describe(c)
                + " (at character "
                + (i + 1)
                + ")");
      }
    }
    return Optional.empty();
  }

  private static String notUnicode(int index) {
    return "is not valid Unicode (a lone UTF-16 surrogate at character " + (index + 1) + ")";
  }

  private static Optional<Violation> violation(String field, String message) {
    return Optional.of(new Violation(field, message));
  }
}
