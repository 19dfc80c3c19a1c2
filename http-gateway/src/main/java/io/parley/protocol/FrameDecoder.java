package io.parley.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.parley.presence.DocumentFocus;
import io.parley.room.KeyOp;
import io.parley.validation.FieldValidator;
import io.parley.validation.Unicode;
import io.parley.validation.Violation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a text frame into a {@link ClientFrame}, checking every field against the documented
 * limits. It never throws: anything wrong comes back as {@link DecodeResult.Malformed}, itself
 * valid Unicode whatever the frame held.
 */
public final class FrameDecoder {

  /** Deeper than any valid frame can be: the value limit plus the frame's own envelope. */
  private static final int ENVELOPE_DEPTH = 4;

  /** The frame types, as a message about an unknown one lists them. */
  private static final String TYPES = "hello, set, delete, batch, ready, focus, chat, visibility, cursor, ping and leave";

  /** Reads the id of a frame that failed to parse ({@link #idIn}). */
  private static final JsonFactory STREAMING =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder().maxNestingDepth(Integer.MAX_VALUE).build())
          .build();

  private final FieldValidator validator;
  private final ObjectMapper json;
  private final JsonSyntax.Limits syntaxLimits;

  public FrameDecoder(FieldValidator validator) {
    this.validator = validator;
    this.json =
        JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();
    this.json
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(validator.limits().valueMaxDepth() + ENVELOPE_DEPTH)
                .build());
    StreamReadConstraints constraints = this.json.getFactory().streamReadConstraints();
    this.syntaxLimits =
        new JsonSyntax.Limits(
            constraints.getMaxNestingDepth(),
            constraints.getMaxNumberLength(),
            constraints.getMaxStringLength(),
            constraints.getMaxNameLength());
  }

  public DecodeResult decode(String text) {
    JsonNode root;
    try {
      root = json.readTree(text);
    } catch (JsonProcessingException e) {
      // a frame refused only for its size or depth still says which command it was
      String id = e instanceof StreamConstraintsException ? idIn(text).orElse(null) : null;
      return malformed(ErrorCode.BAD_FRAME, null, notJson(text, e), id);
    }
    if (root == null || !root.isObject()) {
      return malformed(
          ErrorCode.BAD_FRAME,
          null,
          "a frame must be a JSON object, not "
              + (root == null || root.isMissingNode() ? "an empty text" : kind(root)),
          null);
    }
    String id = root.path("id").isTextual() ? root.path("id").asText() : null;
    JsonNode type = root.get("type");
    if (type == null) {
      return malformed(ErrorCode.INVALID_FIELD, "type", "is required (one of " + TYPES + ")", id);
    }
    if (!type.isTextual()) {
      return malformed(ErrorCode.INVALID_FIELD, "type", "must be a string, not " + kind(type), id);
    }
    try {
      check(validator.unicode("type", type.asText()));
      return new DecodeResult.Decoded(frame(type.asText(), root));
    } catch (UnknownType e) {
      return malformed(ErrorCode.UNKNOWN_TYPE, "type", e.getMessage(), id);
    } catch (InvalidField e) {
      return malformed(ErrorCode.INVALID_FIELD, e.violation.field(), e.violation.message(), id);
    }
  }

  private ClientFrame frame(String type, JsonNode root) {
    switch (type) {
      case "hello":
        return hello(root);
      case "set":
        return new ClientFrame.ChangeKeys(commandId(root), List.of(set(root, "")));
      case "delete":
        return new ClientFrame.ChangeKeys(commandId(root), List.of(delete(root, "")));
      case "batch":
        return batch(root);
      case "ready":
        return new ClientFrame.Ready(commandId(root), bool(root, "ready"));
      case "focus":
        return focus(root);
      case "chat":
        return chat(root);
      case "visibility":
        return visibility(root);
      case "cursor":
        return cursor(root);
      case "ping":
        Optional<String> pingId = optionalText(root, "id");
        pingId.ifPresent(id -> check(validator.id("id", id)));
        return new ClientFrame.Ping(pingId);
      case "leave":
        return new ClientFrame.Leave();
      case "refresh":
        return refresh(root);
      case "kick":
        String kickId = commandId(root);
        String kicked = text(root, "userId");
        check(validator.id("userId", kicked));
        return new ClientFrame.Kick(kickId, kicked);
      case "close_room":
        return new ClientFrame.CloseRoom(commandId(root));
      default:
        throw new UnknownType("unknown frame type '" + abbreviate(type) + "': the types are " + TYPES);
    }
  }

  /**
   * Every identity field is optional here: whether it is required depends on whether the
   * connection came with a token, which the connection knows ({@code auth.HelloIdentity}).
   */
  private ClientFrame.Hello hello(JsonNode root) {
    Optional<String> userId = optionalText(root, "userId");
    userId.ifPresent(id -> check(validator.id("userId", id)));
    Optional<String> name = optionalText(root, "name");
    name.ifPresent(value -> check(validator.name(value)));
    Optional<String> color = optionalText(root, "color");
    color.ifPresent(value -> check(validator.color(value)));
    return new ClientFrame.Hello(userId, name, color, resumeVersion(root));
  }

  /** A token is at most as long as a frame; what is in it is the verifier's to judge. */
  private ClientFrame.Refresh refresh(JsonNode root) {
    String token = text(root, "token");
    if (token.isEmpty()) {
      throw new InvalidField(new Violation("token", "must not be empty"));
    }
    return new ClientFrame.Refresh(token);
  }

  /** {@code "resume": {"version": N}}, the last version the client applied. */
  private static Optional<Long> resumeVersion(JsonNode root) {
    JsonNode resume = root.get("resume");
    if (resume == null || resume.isNull()) {
      return Optional.empty();
    }
    if (!resume.isObject()) {
      throw new InvalidField(
          new Violation(
              "resume", "must be an object {\"version\": N} or null, not " + kind(resume)));
    }
    String meaning = "the last version the client applied";
    JsonNode version = resume.get("version");
    if (version == null) {
      throw new InvalidField(new Violation("resume.version", "is required: " + meaning));
    }
    return Optional.of(version(version, "resume.version", meaning));
  }

  /**
   * A version: an integer from 0 to the largest a room can reach, written as one (JSON's {@code
   * 3.0} and {@code 3e0} are not); {@code meaning} says which version the field is, for the
   * message.
   */
  private static long version(JsonNode node, String field, String meaning) {
    if (!node.isNumber()) {
      throw new InvalidField(
          new Violation(field, "must be an integer, not " + kind(node) + ": " + meaning));
    }
    if (!node.isIntegralNumber()) {
      throw new InvalidField(
          new Violation(
              field,
              "must be an integer (digits only, without '.' or an exponent): " + meaning));
    }
    if (node.bigIntegerValue().signum() < 0) {
      throw new InvalidField(new Violation(field, "must not be negative: " + meaning));
    }
    if (!node.canConvertToLong()) {
      throw new InvalidField(
          new Violation(field, "is larger than any version (at most " + Long.MAX_VALUE + ")"));
    }
    return node.longValue();
  }

  private ClientFrame.ChangeKeys batch(JsonNode root) {
    String id = commandId(root);
    JsonNode ops = root.get("ops");
    if (ops == null) {
      throw new InvalidField(new Violation("ops", "is required (an array of operations)"));
    }
    if (!ops.isArray()) {
      throw new InvalidField(new Violation("ops", "must be an array of operations, not " + kind(ops)));
    }
    check(validator.batchSize(ops.size()));
    List<KeyOp> parsed = new ArrayList<>(ops.size());
    for (int i = 0; i < ops.size(); i++) {
      JsonNode op = ops.get(i);
      String prefix = "ops[" + i + "].";
      if (!op.isObject()) {
        throw new InvalidField(
            new Violation("ops[" + i + "]", "must be an object (an operation), not " + kind(op)));
      }
      String kind = text(op, prefix, "op");
      switch (kind) {
        case "set" -> parsed.add(set(op, prefix));
        case "delete" -> parsed.add(delete(op, prefix));
        default ->
            throw new InvalidField(
                new Violation(
                    prefix + "op", "must be \"set\" or \"delete\", not '" + abbreviate(kind) + "'"));
      }
    }
    check(validator.distinctKeys(parsed.stream().map(KeyOp::key).toList()));
    return new ClientFrame.ChangeKeys(id, parsed);
  }

  private KeyOp.Set set(JsonNode node, String prefix) {
    String key = text(node, prefix, "key");
    check(validator.key(prefix + "key", key));
    JsonNode value = node.get("value");
    if (value == null) {
      throw new InvalidField(new Violation(prefix + "value", "is required (any JSON value)"));
    }
    check(validator.value(prefix + "value", value));
    return new KeyOp.Set(key, value, expect(node, prefix));
  }

  private KeyOp.Delete delete(JsonNode node, String prefix) {
    String key = text(node, prefix, "key");
    check(validator.key(prefix + "key", key));
    return new KeyOp.Delete(key, expect(node, prefix));
  }

  private Optional<Long> expect(JsonNode node, String prefix) {
    JsonNode expect = node.get("expect");
    if (expect == null || expect.isNull()) {
      return Optional.empty();
    }
    return Optional.of(version(expect, prefix + "expect", FieldValidator.EXPECT_RULE));
  }

  private ClientFrame.Focus focus(JsonNode root) {
    String id = commandId(root);
    JsonNode document = root.get("document");
    if (document == null || document.isNull()) {
      return new ClientFrame.Focus(id, Optional.empty());
    }
    if (!document.isObject()) {
      throw new InvalidField(
          new Violation("document", "must be an object with id and type, or null, not " + kind(document)));
    }
    String documentId = text(document, "document.", "id");
    check(validator.documentId("document.id", documentId));
    String documentType = text(document, "document.", "type");
    check(validator.documentType(documentType));
    return new ClientFrame.Focus(id, Optional.of(new DocumentFocus(documentId, documentType)));
  }

  private ClientFrame.Chat chat(JsonNode root) {
    String id = commandId(root);
    String text = text(root, "text");
    check(validator.chatText(text));
    return new ClientFrame.Chat(id, text);
  }

  /** A public room needs a title; a private one has none. */
  private ClientFrame.Visibility visibility(JsonNode root) {
    String id = commandId(root);
    boolean listed = bool(root, "public");
    Optional<String> title = optionalText(root, "title");
    if (listed) {
      check(validator.title(title.orElse(null)));
    } else if (title.isPresent()) {
      throw new InvalidField(new Violation("title", "only a public room has a title"));
    }
    return new ClientFrame.Visibility(id, listed, title);
  }

  private ClientFrame.Cursor cursor(JsonNode root) {
    double x = number(root, "x");
    double y = number(root, "y");
    Optional<String> documentId = optionalText(root, "document");
    documentId.ifPresent(d -> check(validator.documentId("document", d)));
    return new ClientFrame.Cursor(x, y, documentId);
  }

  private String commandId(JsonNode root) {
    String id = text(root, "id");
    check(validator.id("id", id));
    return id;
  }

  private static String text(JsonNode node, String field) {
    return text(node, "", field);
  }

  private static String text(JsonNode node, String prefix, String field) {
    JsonNode value = node.get(field);
    if (value == null) {
      throw new InvalidField(new Violation(prefix + field, "is required (a string)"));
    }
    if (!value.isTextual()) {
      throw new InvalidField(new Violation(prefix + field, "must be a string, not " + kind(value)));
    }
    return value.asText();
  }

  private static Optional<String> optionalText(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw new InvalidField(new Violation(field, "must be a string or null, not " + kind(value)));
    }
    return Optional.of(value.asText());
  }

  private static boolean bool(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null) {
      throw new InvalidField(new Violation(field, "is required (true or false)"));
    }
    if (!value.isBoolean()) {
      throw new InvalidField(new Violation(field, "must be true or false, not " + kind(value)));
    }
    return value.asBoolean();
  }

  private double number(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null) {
      throw new InvalidField(new Violation(field, "is required (a number)"));
    }
    if (!value.isNumber()) {
      throw new InvalidField(new Violation(field, "must be a number, not " + kind(value)));
    }
    check(validator.finite(field, value.doubleValue()));
    return value.doubleValue();
  }

  /** What a JSON value is, in JSON's words, for "must be …, not …". */
  private static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case OBJECT -> "an object";
      case ARRAY -> "an array";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> node.booleanValue() ? "true" : "false";
      case NULL -> "null";
      default -> "a value of another kind";
    };
  }

  /**
   * Why {@code text} could not be read, in the protocol's words: the rule of JSON it breaks, or
   * the limit it goes over, and where. Never the JSON library's own message.
   */
  private String notJson(String text, JsonProcessingException e) {
    String problem = JsonSyntax.problem(text, syntaxLimits);
    if (problem != null) {
      return problem;
    }
    // the library refused what the check accepts: say where, without its words
    long offset = e.getLocation() == null ? -1 : e.getLocation().getCharOffset();
    return offset >= 0 ? "not valid JSON at character " + (offset + 1) : "not valid JSON";
  }

  private static void check(Optional<Violation> violation) {
    if (violation.isPresent()) {
      throw new InvalidField(violation.get());
    }
  }

  /** The first 32 characters and an ellipsis; a surrogate pair is never cut in two. */
  private static String abbreviate(String text) {
    if (text.length() <= 32) {
      return text;
    }
    int end = Character.isHighSurrogate(text.charAt(31)) ? 31 : 32;
    return text.substring(0, end) + "…";
  }

  /**
   * The top-level {@code "id"} string of a frame refused for its nesting depth: echoed, the client
   * can settle that command instead of waiting for its timeout. Read with a streaming parser
   * without a depth limit (it keeps no stack, so depth costs nothing).
   */
  private static Optional<String> idIn(String text) {
    try (JsonParser parser = STREAMING.createParser(text)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      for (JsonToken token = parser.nextToken();
          token == JsonToken.FIELD_NAME;
          token = parser.nextToken()) {
        boolean isId = "id".equals(parser.currentName());
        JsonToken value = parser.nextToken();
        if (isId) {
          return value == JsonToken.VALUE_STRING
              ? Optional.of(parser.getText())
              : Optional.empty();
        }
        parser.skipChildren();
      }
    } catch (IOException | RuntimeException fault) {
      // not readable: no id
    }
    return Optional.empty();
  }


  /**
   * Echoes a valid id whole, so the client can match the error; an invalid one shortened, and
   * none that is not valid Unicode. Messages can quote the frame's strings (a duplicate field
   * name): a lone surrogate in them is replaced, as the answer must be valid Unicode too.
   */
  private DecodeResult.Malformed malformed(
      ErrorCode code, String field, String message, String id) {
    Optional<String> echoed =
        Optional.ofNullable(id)
            .filter(i -> Unicode.loneSurrogate(i) < 0)
            .map(i -> validator.id("id", i).isEmpty() ? i : abbreviate(i));
    return new DecodeResult.Malformed(
        code, Optional.ofNullable(field), Unicode.withoutLoneSurrogates(message), echoed);
  }

  /** A field broke a rule; caught in {@link #decode} and never escapes. */
  private static final class InvalidField extends RuntimeException {
    private final Violation violation;

    InvalidField(Violation violation) {
      super(violation.toString(), null, false, false);
      this.violation = violation;
    }
  }

  private static final class UnknownType extends RuntimeException {
    UnknownType(String message) {
      super(message, null, false, false);
    }
  }
}
