package io.parley.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.typesafe.config.ConfigFactory;
import io.parley.presence.DocumentFocus;
import io.parley.room.KeyOp;
import io.parley.validation.FieldLimits;
import io.parley.validation.FieldValidator;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Properties of {@link FrameDecoder} under arbitrary input: whatever a client sends, the decoder
 * answers with {@link DecodeResult.Decoded} or a usable {@link DecodeResult.Malformed} and never
 * throws; every valid frame decodes to exactly the frame it describes.
 *
 * <p>The generators ({@link Frames}) are shared with the live fuzz test of the gateway.
 */
public class FrameDecoderProperties {

  static final FieldLimits LIMITS =
      FieldLimits.fromConfig(ConfigFactory.load().getConfig("parley.limits"));
  private static final ObjectMapper JSON = new ObjectMapper();
  static final List<String> TYPES =
      List.of("hello", "set", "delete", "batch", "ready", "focus", "chat", "cursor", "ping", "leave");

  /**
   * An error message quotes at most an excerpt of the frame (Jackson cuts tokens at 256
   * characters): a frame is never reflected back whole.
   */
  private static final int MAX_MESSAGE_LENGTH = 1024;

  private final FrameDecoder decoder = new FrameDecoder(new FieldValidator(LIMITS));
  private final FrameEncoder encoder = new FrameEncoder();

  @Property(tries = 1000)
  void anyTextIsAnsweredWithoutThrowing(@ForAll("anyText") String text) {
    answer(text);
  }

  @Property(tries = 1000)
  void anyJsonTreeIsAnsweredWithoutThrowing(@ForAll("jsonTrees") String json) {
    answer(json);
  }

  @Property(tries = 1000)
  void objectsOfKnownFieldsWithArbitraryValuesAreAnsweredWithoutThrowing(
      @ForAll("knownFieldObjects") String json) {
    DecodeResult result = answer(json);
    Statistics.collect(result.getClass().getSimpleName());
  }

  @Property(tries = 1000)
  void mutatedValidFramesAreAnsweredWithoutThrowing(@ForAll("mutatedFrames") String json) {
    DecodeResult result = answer(json);
    Statistics.collect(
        result instanceof DecodeResult.Malformed malformed
            ? malformed.code().wireName()
            : "decoded");
  }

  @Property(tries = 1000)
  void validFramesOfEveryTypeDecodeToWhatTheyDescribe(@ForAll("validFrames") ValidFrame frame) {
    DecodeResult result = answer(frame.json());
    assertThat(result).as(frame.json()).isEqualTo(new DecodeResult.Decoded(frame.expected()));
    Statistics.collect(frame.type());
    Statistics.coverage(
        coverage -> TYPES.forEach(type -> coverage.check(type).count(n -> n >= 20)));
  }

  /**
   * Every string the server stores or relays is valid Unicode: a lone surrogate put into any
   * string of a valid frame (a value, a field name inside a value, an id, the type…), as a JSON
   * escape or as a character, gets {@code invalid_field} naming the field that holds it.
   */
  @Property(tries = 1000)
  void aLoneSurrogateAnywhereInAValidFrameIsAnInvalidFieldNamingIt(
      @ForAll("withLoneSurrogate") Spoiled frame) {
    DecodeResult result = answer(frame.json());
    assertThat(result).as(frame.json()).isInstanceOf(DecodeResult.Malformed.class);
    DecodeResult.Malformed malformed = (DecodeResult.Malformed) result;
    assertThat(malformed.code()).as("%s: %s", frame.json(), malformed).isEqualTo(ErrorCode.INVALID_FIELD);
    assertThat(malformed.field()).as("%s: %s", frame.json(), malformed).contains(frame.field());
    Statistics.collect(frame.field().replaceAll("\\[\\d+]", "[i]"));
    Statistics.coverage(
        coverage ->
            List.of("value", "ops[i].value", "name", "text", "type", "id")
                .forEach(field -> coverage.check(field).count(n -> n >= 1)));
  }

  /**
   * Types and ids are quoted back in errors, shortened when long: never by cutting a character
   * outside the Basic Multilingual Plane (a surrogate pair) in two.
   */
  @Property(tries = 300)
  void errorsQuoteTheFrameWithoutCuttingACharacterInTwo(@ForAll("textWithSurrogatePairs") String text) {
    String quoted = Frames.quoted(text);
    for (String frame :
        List.of(
            "{\"type\":" + quoted + "}",
            "{\"type\":\"chat\",\"id\":" + quoted + ",\"text\":\"\"}",
            "{\"type\":\"ping\",\"id\":" + quoted + "}",
            "{\"type\":\"set\",\"id\":\"c1\",\"key\":" + quoted + ",\"value\":1}")) {
      if (!(answer(frame) instanceof DecodeResult.Malformed malformed)) {
        continue; // letters only: a valid id or key
      }
      assertThat(unpairedSurrogateIn(malformed.message())).as("message for %s: %s", frame, malformed).isFalse();
      malformed.id().ifPresent(id -> assertThat(unpairedSurrogateIn(id)).as("id for %s: %s", frame, id).isFalse());
    }
  }

  @Provide
  Arbitrary<String> textWithSurrogatePairs() {
    return Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.strings().alpha().ofLength(1)),
            Tuple.of(2, Arbitraries.integers().between(0x1F300, 0x1FAFF).map(Character::toString)))
        .list()
        .ofMinSize(1)
        .ofMaxSize(300)
        .map(parts -> String.join("", parts));
  }

  private static boolean unpairedSurrogateIn(String text) {
    return !Frames.sendable(text).equals(text);
  }

  @Provide
  Arbitrary<String> anyText() {
    return Frames.anyText();
  }

  @Provide
  Arbitrary<Spoiled> withLoneSurrogate() {
    return Frames.withLoneSurrogate();
  }

  @Provide
  Arbitrary<String> jsonTrees() {
    return Frames.jsonTrees();
  }

  @Provide
  Arbitrary<String> knownFieldObjects() {
    return Frames.knownFieldObjects();
  }

  @Provide
  Arbitrary<String> mutatedFrames() {
    return Frames.mutatedFrames();
  }

  @Provide
  Arbitrary<ValidFrame> validFrames() {
    return Frames.validFrames();
  }

  /** Decodes and checks that the answer is one a connection can send back as it is. */
  private DecodeResult answer(String text) {
    DecodeResult result = decoder.decode(text);
    assertThat(result).as("the answer to %s", text).isNotNull();
    if (result instanceof DecodeResult.Decoded decoded) {
      assertThat(decoded.frame()).as("the frame decoded from %s", text).isNotNull();
    } else {
      assertUsable((DecodeResult.Malformed) result, text);
    }
    return result;
  }

  private void assertUsable(DecodeResult.Malformed malformed, String text) {
    assertThat(malformed.code()).as("code for %s", text).isNotNull();
    assertThat(malformed.message()).as("message for %s", text).isNotBlank();
    assertThat(unpairedSurrogateIn(malformed.message())).as("message for %s: %s", text, malformed).isFalse();
    malformed.id().ifPresent(id -> assertThat(unpairedSurrogateIn(id)).as("id for %s: %s", text, id).isFalse());
    assertThat(malformed.message().length()).as("message for %s", text).isLessThanOrEqualTo(MAX_MESSAGE_LENGTH);
    assertThat(malformed.field()).isNotNull();
    malformed.field().ifPresent(field -> assertThat(field).as("field for %s", text).isNotBlank());
    assertThat(malformed.id()).isNotNull();
    malformed
        .id()
        .ifPresent(
            id ->
                assertThat(id.length())
                    .as("echoed id for %s (a valid one whole, an invalid one cut to 32 characters)", text)
                    .isLessThanOrEqualTo(LIMITS.idMaxLength()));
    JsonNode error = readTree(encoder.error(malformed));
    assertThat(error.path("type").asText()).isEqualTo("error");
    assertThat(error.path("code").asText()).isEqualTo(malformed.code().wireName());
    assertThat(error.path("message").asText()).isEqualTo(malformed.message());
  }

  private static JsonNode readTree(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A valid frame: its JSON text, the tree it was written from and what it must decode to.
   */
  public record ValidFrame(String type, ObjectNode tree, String json, ClientFrame expected) {}

  /** A frame with a lone surrogate in one of its strings, and the field its error must name. */
  public record Spoiled(String json, String field) {}

  /** Generators of valid, almost valid and hostile frames. */
  public static final class Frames {

    private Frames() {}

    private static final String DIGITS = "0123456789";
    private static final String LOWER = "abcdefghijklmnopqrstuvwxyz";
    private static final String ALNUM = LOWER + LOWER.toUpperCase() + DIGITS;
    private static final String ID_REST = ALNUM + "._:@-";
    private static final String KEY_FIRST = ALNUM + "_";
    private static final String KEY_REST = ALNUM + "._:/@-";
    private static final String DOCUMENT_TYPE_REST = LOWER + DIGITS + "._+-";
    private static final List<String> FIELDS =
        List.of(
            "type", "id", "userId", "name", "color", "resume", "version", "key", "value",
            "expect", "ops", "op", "ready", "document", "text", "x", "y");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Any of the generators below, weighted towards frames that get past the JSON parser. */
    public static Arbitrary<String> hostile() {
      return Arbitraries.frequencyOf(
          Tuple.of(3, validFrames().map(ValidFrame::json)),
          Tuple.of(4, mutatedFrames()),
          Tuple.of(3, knownFieldObjects()),
          Tuple.of(2, jsonTrees()),
          Tuple.of(2, anyText()));
    }

    // ---- text that is rarely JSON ----

    public static Arbitrary<String> anyText() {
      return Arbitraries.oneOf(
          Arbitraries.strings().all().ofMaxLength(200),
          Arbitraries.strings().withChars("{}[]\":,.-+0123456789eE \\/ntrufalsu\t\n").ofMaxLength(200),
          Arbitraries.of(
                  "{", "}", "[", "]", ":", ",", " ", "\"type\"", "\"hello\"", "\"set\"", "\"id\"",
                  "\"c1\"", "\"ops\"", "\"value\"", "1", "-1", "1e999", "-0", "null", "true",
                  "\"\\u0000\"", "\"\\ud800\"", "\"\\\"\"", "\uFEFF", "/*", "*/", "//", "'")
              .list()
              .ofMaxSize(40)
              .map(tokens -> String.join("", tokens)),
          Arbitraries.of(
              "", " ", "\n", "\uFEFF{}", "{}", "[]", "null", "\"\"", "0", "{}{}", "{} x", "{}]",
              "{\"type\":\"ping\"}{", "{\"type\":\"ping\"} //", "{\"type\":\"ping\",}",
              "{'type':'ping'}", "{type:\"ping\"}", "{\"type\":\"ping\"\u0000}"));
    }

    // ---- arbitrary JSON trees, as text ----

    public static Arbitrary<String> jsonTrees() {
      return Arbitraries.frequencyOf(
          Tuple.of(3, bushyJson(3)), Tuple.of(2, spineJson(45)), Tuple.of(1, leafJson()));
    }

    /** Scalars: valid JSON mostly, with huge and non-finite numbers and odd strings. */
    static Arbitrary<String> leafJson() {
      Arbitrary<String> hugeInteger =
          Combinators.combine(
                  Arbitraries.of("", "-"),
                  Arbitraries.strings().withChars("123456789").ofLength(1),
                  Arbitraries.strings().numeric().ofMinLength(15).ofMaxLength(1500))
              .as((sign, first, rest) -> sign + first + rest);
      Arbitrary<String> longFraction =
          Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(1200).map(d -> "0." + d);
      return Arbitraries.frequencyOf(
          Tuple.of(2, Arbitraries.of("null", "true", "false")),
          Tuple.of(2, Arbitraries.integers().map(String::valueOf)),
          Tuple.of(1, Arbitraries.longs().map(String::valueOf)),
          Tuple.of(1, hugeInteger),
          Tuple.of(1, longFraction),
          Tuple.of(2, Arbitraries.doubles().map(String::valueOf)),
          Tuple.of(
              1,
              Arbitraries.of(
                  "-0", "0.0", "1e400", "-1e400", "1e-400", "4.9e-324", "1.7976931348623157e309",
                  "123456789.123456789e-999999999", "1E+2147483648", "1e-2147483649")),
          Tuple.of(4, Arbitraries.strings().all().ofMaxLength(60).map(Frames::quoted)),
          Tuple.of(
              1,
              Arbitraries.of(
                  "\"\\ud800\"", "\"\\udfff\\ud800\"", "\"\\u0000\\u001f\"", "\"\\uD83D\\uDE00\"",
                  "\"\\uZZZZ\"", "\"\\x41\"", "\"tab\there\"", "\"line\nbreak\"",
                  "\"" + "\u0000".repeat(3) + "\"")),
          Tuple.of(
              1,
              Arbitraries.of(
                  "NaN", "Infinity", "-Infinity", "01", "1.", "+1", ".5", "tru", "nul", "'x'",
                  "undefined", "0x10", "1_000", "\"unterminated")));
    }

    private static Arbitrary<String> keyJson() {
      return Arbitraries.frequencyOf(
          Tuple.of(3, Arbitraries.of(FIELDS).map(Frames::quoted)),
          Tuple.of(1, Arbitraries.strings().all().ofMaxLength(20).map(Frames::quoted)));
    }

    /** Full trees of a small depth; objects may repeat a key. */
    static Arbitrary<String> bushyJson(int depth) {
      if (depth == 0) {
        return leafJson();
      }
      Arbitrary<String> child = Arbitraries.lazy(() -> bushyJson(depth - 1));
      Arbitrary<String> array =
          child.list().ofMaxSize(4).map(items -> "[" + String.join(",", items) + "]");
      Arbitrary<String> object =
          Combinators.combine(keyJson(), child)
              .as((key, value) -> key + ":" + value)
              .list()
              .ofMaxSize(4)
              .map(entries -> "{" + String.join(",", entries) + "}");
      return Arbitraries.frequencyOf(Tuple.of(3, leafJson()), Tuple.of(1, array), Tuple.of(1, object));
    }

    /** One long branch of nested arrays and objects, up to well past the nesting limit. */
    static Arbitrary<String> spineJson(int maxDepth) {
      return Combinators.combine(
              Arbitraries.integers().between(0, maxDepth),
              leafJson(),
              leafJson().list().ofMaxSize(3),
              Arbitraries.randoms())
          .as(
              (depth, leaf, siblings, random) -> {
                String json = leaf;
                for (int i = 0; i < depth; i++) {
                  String sibling =
                      siblings.isEmpty() || random.nextBoolean()
                          ? ""
                          : siblings.get(random.nextInt(siblings.size()));
                  if (random.nextBoolean()) {
                    json = "[" + (sibling.isEmpty() ? "" : sibling + ",") + json + "]";
                  } else {
                    String key = quoted(FIELDS.get(random.nextInt(FIELDS.size())));
                    json = "{" + (sibling.isEmpty() ? "" : "\"s\":" + sibling + ",") + key + ":" + json + "}";
                  }
                }
                return json;
              });
    }

    // ---- objects made of the protocol's own fields, with arbitrary values ----

    public static Arbitrary<String> knownFieldObjects() {
      Arbitrary<String> type =
          Arbitraries.frequencyOf(
              Tuple.of(6, Arbitraries.of(TYPES).map(Frames::quoted)),
              Tuple.of(1, Arbitraries.of(TYPES).map(t -> quoted(t.toUpperCase()))),
              Tuple.of(1, leafJson()),
              Tuple.of(1, bushyJson(2)));
      Arbitrary<String> value =
          Arbitraries.frequencyOf(
              Tuple.of(4, leafJson()),
              Tuple.of(2, bushyJson(2)),
              Tuple.of(1, spineJson(25)),
              Tuple.of(1, opsLikeJson()),
              Tuple.of(1, documentLikeJson()),
              Tuple.of(1, resumeLikeJson()),
              Tuple.of(2, ids().map(Frames::quoted)),
              Tuple.of(1, keys().map(Frames::quoted)));
      Arbitrary<String> field =
          Combinators.combine(keyJson(), value).as((k, v) -> k + ":" + v);
      return Combinators.combine(
              type, field.list().ofMaxSize(8), Arbitraries.integers().between(0, 9), Arbitraries.randoms())
          .as(
              (typeValue, fields, where, random) -> {
                List<String> entries = new ArrayList<>(fields);
                if (where > 0) { // one in ten has no type at all
                  entries.add(random.nextInt(entries.size() + 1), "\"type\":" + typeValue);
                }
                return "{" + String.join(",", entries) + "}";
              });
    }

    private static Arbitrary<String> opsLikeJson() {
      Arbitrary<String> op =
          Combinators.combine(
                  Arbitraries.of("\"set\"", "\"delete\"", "\"SET\"", "1", "null", "[]"),
                  Arbitraries.oneOf(keys().map(Frames::quoted), leafJson()),
                  bushyJson(2),
                  Arbitraries.oneOf(Arbitraries.longs().map(String::valueOf), leafJson()),
                  Arbitraries.integers().between(0, 15))
              .as(
                  (kind, key, value, expect, omit) -> {
                    List<String> parts = new ArrayList<>();
                    if ((omit & 1) == 0) parts.add("\"op\":" + kind);
                    if ((omit & 2) == 0) parts.add("\"key\":" + key);
                    if ((omit & 4) == 0) parts.add("\"value\":" + value);
                    if ((omit & 8) == 0) parts.add("\"expect\":" + expect);
                    return "{" + String.join(",", parts) + "}";
                  });
      return Arbitraries.oneOf(op, leafJson()).list().ofMaxSize(70).map(ops -> "[" + String.join(",", ops) + "]");
    }

    private static Arbitrary<String> documentLikeJson() {
      return Combinators.combine(
              Arbitraries.oneOf(documentIds().map(Frames::quoted), leafJson()),
              Arbitraries.oneOf(documentTypes().map(Frames::quoted), leafJson()))
          .as((id, type) -> "{\"id\":" + id + ",\"type\":" + type + "}");
    }

    private static Arbitrary<String> resumeLikeJson() {
      return Arbitraries.oneOf(leafJson(), Arbitraries.longs().map(String::valueOf))
          .map(version -> "{\"version\":" + version + "}");
    }

    // ---- valid frames ----

    public static Arbitrary<ValidFrame> validFrames() {
      return Arbitraries.oneOf(
          hello(), set(), delete(), batch(), ready(), focus(), chat(), cursor(), ping(), leave());
    }

    static Arbitrary<String> formatted(String first, String rest, int maxLength) {
      return Combinators.combine(
              Arbitraries.strings().withChars(first).ofLength(1),
              Arbitraries.strings().withChars(rest).ofMaxLength(maxLength - 1))
          .as(String::concat);
    }

    public static Arbitrary<String> ids() {
      return formatted(ALNUM, ID_REST, LIMITS.idMaxLength());
    }

    static Arbitrary<String> keys() {
      return formatted(KEY_FIRST, KEY_REST, LIMITS.keyMaxLength());
    }

    static Arbitrary<String> documentIds() {
      return formatted(ALNUM, ID_REST, LIMITS.documentIdMaxLength());
    }

    static Arbitrary<String> documentTypes() {
      return formatted(LOWER, DOCUMENT_TYPE_REST, LIMITS.documentTypeMaxLength());
    }

    /**
     * Valid Unicode of at most {@code maxLength} UTF-16 units: any character, lone surrogates
     * (which {@code all()} generates) excepted, and supplementary characters such as emoji (a
     * surrogate pair each).
     */
    static Arbitrary<String> unicodeText(int maxLength) {
      Arbitrary<String> supplementary =
          Arbitraries.frequencyOf(
                  Tuple.of(2, Arbitraries.integers().between(0x1F300, 0x1FAFF)),
                  Tuple.of(1, Arbitraries.integers().between(Character.MIN_SUPPLEMENTARY_CODE_POINT, Character.MAX_CODE_POINT)))
              .map(Character::toString);
      Arbitrary<String> mixed =
          Arbitraries.frequencyOf(
                  Tuple.of(3, Arbitraries.chars().all().filter(c -> !Character.isSurrogate(c)).map(String::valueOf)),
                  Tuple.of(1, supplementary))
              .list()
              .ofMaxSize(maxLength / 2)
              .map(parts -> String.join("", parts));
      return Arbitraries.oneOf(
          Arbitraries.strings().all().ofMaxLength(maxLength).map(Frames::sendable), mixed);
    }

    /** Any characters but control characters, not blank. */
    static Arbitrary<String> names() {
      return unicodeText(LIMITS.nameMaxLength())
          .map(s -> withoutControls(s, false))
          .filter(s -> !s.isBlank());
    }

    static Arbitrary<String> chatTexts() {
      return unicodeText(LIMITS.chatMaxLength())
          .map(s -> withoutControls(s, true))
          .filter(s -> !s.isBlank());
    }

    static Arbitrary<String> colors() {
      return Arbitraries.strings().withChars("0123456789abcdefABCDEF").ofLength(6).map("#"::concat);
    }

    static Arbitrary<Long> versions() {
      return Arbitraries.longs().between(0, Long.MAX_VALUE);
    }

    /** Unknown fields, which every frame may carry and the decoder ignores. */
    static Arbitrary<Map<String, JsonNode>> extras() {
      return Arbitraries.maps(
              Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8).map("x-"::concat), values(2))
          .ofMaxSize(2);
    }

    static Arbitrary<JsonNode> leaves() {
      return Arbitraries.oneOf(
          Arbitraries.just(NullNode.instance),
          Arbitraries.of(BooleanNode.TRUE, BooleanNode.FALSE),
          Arbitraries.integers().map(IntNode::valueOf),
          Arbitraries.longs().map(LongNode::valueOf),
          Arbitraries.bigIntegers()
              .between(BigInteger.TEN.pow(300).negate(), BigInteger.TEN.pow(300))
              .map(BigIntegerNode::valueOf),
          Arbitraries.doubles().map(DoubleNode::valueOf),
          Arbitraries.of(Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, -0.0, 1e-320)
              .map(DoubleNode::valueOf),
          unicodeText(40).map(TextNode::valueOf));
    }

    /** Valid shared-state values of at most {@code maxDepth} levels (sizes unchecked). */
    static Arbitrary<JsonNode> values(int maxDepth) {
      if (maxDepth == 0) {
        return leaves();
      }
      Arbitrary<JsonNode> child = Arbitraries.lazy(() -> values(maxDepth - 1));
      Arbitrary<JsonNode> array =
          child.list().ofMaxSize(4).map(items -> (JsonNode) NODES.arrayNode().addAll(items));
      Arbitrary<JsonNode> object =
          Arbitraries.maps(unicodeText(10), child)
              .ofMaxSize(4)
              .map(fields -> NODES.objectNode().setAll(fields));
      return Arbitraries.frequencyOf(Tuple.of(3, leaves()), Tuple.of(1, array), Tuple.of(1, object));
    }

    /** A value nested exactly 1 to the limit's levels deep. */
    static Arbitrary<JsonNode> deepValues() {
      return Combinators.combine(
              Arbitraries.integers().between(1, LIMITS.valueMaxDepth()), leaves(), Arbitraries.randoms())
          .as(
              (depth, leaf, random) -> {
                JsonNode value = leaf;
                for (int i = 0; i < depth; i++) {
                  value =
                      random.nextBoolean()
                          ? NODES.arrayNode().add(value)
                          : NODES.objectNode().set("k" + i, value);
                }
                return value;
              });
    }

    static Arbitrary<JsonNode> validValues() {
      return Arbitraries.frequencyOf(
              Tuple.of(4, values(5)),
              Tuple.of(1, deepValues()),
              Tuple.of(
                  1,
                  Arbitraries.strings()
                      .all()
                      .ofMinLength(1000)
                      .ofMaxLength(2700)
                      .map(Frames::sendable)
                      .map(TextNode::valueOf)))
          .filter(value -> encodedSize(value) <= LIMITS.valueMaxBytes());
    }

    private static Arbitrary<ValidFrame> hello() {
      return Combinators.combine(
              ids(), names(), colors().optional(), versions().optional(), extras(), Arbitraries.randoms())
          .as(
              (userId, name, color, resume, extras, random) -> {
                ObjectNode frame = frame("hello");
                frame.put("userId", userId);
                frame.put("name", name);
                color.ifPresentOrElse(c -> frame.put("color", c), () -> maybeNull(frame, "color", random));
                resume.ifPresentOrElse(
                    v -> frame.putObject("resume").put("version", v),
                    () -> maybeNull(frame, "resume", random));
                return valid(
                    frame,
                    extras,
                    random,
                    new ClientFrame.Hello(Optional.of(userId), Optional.of(name), color, resume));
              });
    }

    private static Arbitrary<ValidFrame> set() {
      return Combinators.combine(
              ids(), keys(), validValues(), versions().optional(), extras(), Arbitraries.randoms())
          .as(
              (id, key, value, expect, extras, random) -> {
                ObjectNode frame = frame("set");
                frame.put("id", id);
                frame.put("key", key);
                frame.set("value", value);
                expect.ifPresentOrElse(
                    v -> frame.put("expect", v), () -> maybeNull(frame, "expect", random));
                return valid(
                    frame,
                    extras,
                    random,
                    new ClientFrame.ChangeKeys(id, List.of(new KeyOp.Set(key, reparsed(value), expect))));
              });
    }

    private static Arbitrary<ValidFrame> delete() {
      return Combinators.combine(ids(), keys(), versions().optional(), extras(), Arbitraries.randoms())
          .as(
              (id, key, expect, extras, random) -> {
                ObjectNode frame = frame("delete");
                frame.put("id", id);
                frame.put("key", key);
                expect.ifPresentOrElse(
                    v -> frame.put("expect", v), () -> maybeNull(frame, "expect", random));
                return valid(
                    frame, extras, random, new ClientFrame.ChangeKeys(id, List.of(new KeyOp.Delete(key, expect))));
              });
    }

    private record Op(ObjectNode json, KeyOp op) {}

    private static Arbitrary<ValidFrame> batch() {
      Arbitrary<Op> setOp =
          Combinators.combine(keys(), values(3), versions().optional())
              .as(
                  (key, value, expect) -> {
                    ObjectNode op = NODES.objectNode().put("op", "set").put("key", key);
                    op.set("value", value);
                    expect.ifPresent(v -> op.put("expect", v));
                    return new Op(op, new KeyOp.Set(key, reparsed(value), expect));
                  });
      Arbitrary<Op> deleteOp =
          Combinators.combine(keys(), versions().optional())
              .as(
                  (key, expect) -> {
                    ObjectNode op = NODES.objectNode().put("op", "delete").put("key", key);
                    expect.ifPresent(v -> op.put("expect", v));
                    return new Op(op, new KeyOp.Delete(key, expect));
                  });
      Arbitrary<List<Op>> ops =
          Arbitraries.oneOf(setOp, deleteOp)
              .list()
              .ofMinSize(1)
              .ofMaxSize(LIMITS.batchMaxOps())
              .uniqueElements(op -> op.op().key());
      return Combinators.combine(ids(), ops, extras(), Arbitraries.randoms())
          .as(
              (id, list, extras, random) -> {
                ObjectNode frame = frame("batch");
                frame.put("id", id);
                ArrayNode array = frame.putArray("ops");
                list.forEach(op -> array.add(op.json()));
                return valid(
                    frame,
                    extras,
                    random,
                    new ClientFrame.ChangeKeys(id, list.stream().map(Op::op).collect(Collectors.toList())));
              });
    }

    private static Arbitrary<ValidFrame> ready() {
      return Combinators.combine(ids(), Arbitraries.of(true, false), extras(), Arbitraries.randoms())
          .as(
              (id, ready, extras, random) ->
                  valid(
                      frame("ready").put("id", id).put("ready", ready),
                      extras,
                      random,
                      new ClientFrame.Ready(id, ready)));
    }

    private static Arbitrary<ValidFrame> focus() {
      Arbitrary<Optional<DocumentFocus>> documents =
          Combinators.combine(documentIds(), documentTypes()).as(DocumentFocus::new).optional();
      return Combinators.combine(ids(), documents, extras(), Arbitraries.randoms())
          .as(
              (id, document, extras, random) -> {
                ObjectNode frame = frame("focus").put("id", id);
                document.ifPresentOrElse(
                    d -> frame.putObject("document").put("id", d.id()).put("type", d.type()),
                    () -> maybeNull(frame, "document", random));
                return valid(frame, extras, random, new ClientFrame.Focus(id, document));
              });
    }

    private static Arbitrary<ValidFrame> chat() {
      return Combinators.combine(ids(), chatTexts(), extras(), Arbitraries.randoms())
          .as(
              (id, text, extras, random) ->
                  valid(
                      frame("chat").put("id", id).put("text", text),
                      extras,
                      random,
                      new ClientFrame.Chat(id, text)));
    }

    private static Arbitrary<JsonNode> finiteNumbers() {
      return Arbitraries.oneOf(
          Arbitraries.doubles().map(DoubleNode::valueOf),
          Arbitraries.integers().map(IntNode::valueOf),
          Arbitraries.longs().map(LongNode::valueOf),
          Arbitraries.of(Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, -0.0)
              .map(DoubleNode::valueOf),
          Arbitraries.bigIntegers()
              .between(BigInteger.TEN.pow(300).negate(), BigInteger.TEN.pow(300))
              .map(BigIntegerNode::valueOf));
    }

    private static Arbitrary<ValidFrame> cursor() {
      return Combinators.combine(
              finiteNumbers(), finiteNumbers(), documentIds().optional(), extras(), Arbitraries.randoms())
          .as(
              (x, y, document, extras, random) -> {
                ObjectNode frame = frame("cursor");
                frame.set("x", x);
                frame.set("y", y);
                document.ifPresentOrElse(
                    d -> frame.put("document", d), () -> maybeNull(frame, "document", random));
                return valid(
                    frame,
                    extras,
                    random,
                    new ClientFrame.Cursor(
                        reparsed(x).doubleValue(), reparsed(y).doubleValue(), document));
              });
    }

    private static Arbitrary<ValidFrame> ping() {
      return Combinators.combine(ids().optional(), extras(), Arbitraries.randoms())
          .as(
              (id, extras, random) -> {
                ObjectNode frame = frame("ping");
                id.ifPresentOrElse(i -> frame.put("id", i), () -> maybeNull(frame, "id", random));
                return valid(frame, extras, random, new ClientFrame.Ping(id));
              });
    }

    private static Arbitrary<ValidFrame> leave() {
      return Combinators.combine(extras(), Arbitraries.randoms())
          .as((extras, random) -> valid(frame("leave"), extras, random, new ClientFrame.Leave()));
    }

    private static ObjectNode frame(String type) {
      return NODES.objectNode().put("type", type);
    }

    /** An absent optional field is sometimes written as an explicit null, which means the same. */
    private static void maybeNull(ObjectNode frame, String field, Random random) {
      if (random.nextInt(4) == 0) {
        frame.putNull(field);
      }
    }

    /** Adds the unknown fields and puts the fields in a random order ({@code type} need not be first). */
    private static ValidFrame valid(
        ObjectNode frame, Map<String, JsonNode> extras, Random random, ClientFrame expected) {
      frame.setAll(extras);
      List<String> names = new ArrayList<>();
      frame.fieldNames().forEachRemaining(names::add);
      java.util.Collections.shuffle(names, random);
      ObjectNode shuffled = NODES.objectNode();
      names.forEach(name -> shuffled.set(name, frame.get(name)));
      return new ValidFrame(
          shuffled.path("type").asText(), shuffled, write(shuffled), expected);
    }

    // ---- valid frames with a lone surrogate ----

    public static Arbitrary<Spoiled> withLoneSurrogate() {
      return Combinators.combine(
              validFrames(),
              Arbitraries.chars().range(Character.MIN_SURROGATE, Character.MAX_SURROGATE),
              Arbitraries.of(true, false),
              Arbitraries.randoms())
          .as((frame, surrogate, escaped, random) -> spoil(frame.tree(), surrogate, escaped, random));
    }

    /**
     * Where a string sits: a text node (at {@code key} of an object or {@code index} of an
     * array) or a field name (the {@code key} of an object), and the field an error names.
     */
    private record StringSite(JsonNode container, String key, int index, boolean name, String field) {}

    /**
     * Inserts {@code surrogate} into one string of the frame, chosen at random. Adding one
     * surrogate to valid text always leaves one unpaired: pairs take two.
     */
    static Spoiled spoil(ObjectNode original, char surrogate, boolean escaped, Random random) {
      ObjectNode tree = original.deepCopy();
      List<StringSite> sites = new ArrayList<>();
      tree.fieldNames()
          .forEachRemaining(
              name -> {
                if (!name.startsWith("x-")) { // unknown fields are ignored, not stored
                  collectSites(tree, name, name, name.equals("value"), sites);
                }
              });
      StringSite site = sites.get(random.nextInt(sites.size()));
      if (site.name()) {
        ObjectNode object = (ObjectNode) site.container();
        JsonNode child = object.remove(site.key());
        object.set(insert(site.key(), surrogate, random), child);
      } else if (site.container() instanceof ObjectNode object) {
        object.put(site.key(), insert(object.get(site.key()).textValue(), surrogate, random));
      } else {
        ArrayNode array = (ArrayNode) site.container();
        array.set(site.index(), TextNode.valueOf(insert(array.get(site.index()).textValue(), surrogate, random)));
      }
      String json = write(tree);
      // Surrogates only occur inside JSON strings, where an escape means the same character.
      return new Spoiled(
          escaped ? json.replace(String.valueOf(surrogate), String.format("\\u%04x", (int) surrogate)) : json,
          site.field());
    }

    /** The strings of {@code container.key} and below; inside a value, everything names the value. */
    private static void collectSites(
        JsonNode container, String key, String field, boolean inValue, List<StringSite> sites) {
      JsonNode node = container.get(key);
      if (node.isTextual()) {
        sites.add(new StringSite(container, key, -1, false, field));
      }
      collectBelow(node, field, inValue, sites);
    }

    private static void collectBelow(JsonNode node, String field, boolean inValue, List<StringSite> sites) {
      if (node.isObject()) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
          if (inValue) {
            sites.add(new StringSite(node, name, -1, true, field));
            collectSites(node, name, field, true, sites);
          } else {
            collectSites(node, name, field + "." + name, name.equals("value"), sites);
          }
        }
      } else if (node.isArray()) {
        for (int i = 0; i < node.size(); i++) {
          String element = inValue ? field : field + "[" + i + "]";
          if (node.get(i).isTextual()) {
            sites.add(new StringSite(node, null, i, false, element));
          }
          collectBelow(node.get(i), element, inValue, sites);
        }
      }
    }

    private static String insert(String text, char surrogate, Random random) {
      int at = random.nextInt(text.length() + 1);
      return text.substring(0, at) + surrogate + text.substring(at);
    }

    // ---- mutations of valid frames ----

    public static Arbitrary<String> mutatedFrames() {
      return Combinators.combine(validFrames(), Arbitraries.integers().between(1, 3), Arbitraries.randoms())
          .as((frame, count, random) -> mutate(frame.tree(), count, random));
    }

    /**
     * Applies {@code count} mutations: to the tree (drop, retype, rename or add a field, change the
     * type, nest deeper) and then to the text (truncate, insert garbage, duplicate a key, damage a
     * character, add trailing data).
     */
    static String mutate(ObjectNode original, int count, Random random) {
      ObjectNode tree = original.deepCopy();
      int onTree = random.nextInt(count + 1);
      for (int i = 0; i < onTree; i++) {
        mutateTree(tree, random);
      }
      String text = write(tree);
      for (int i = onTree; i < count; i++) {
        text = mutateText(text, tree, random);
      }
      return text;
    }

    private static void mutateTree(ObjectNode root, Random random) {
      List<ObjectNode> objects = new ArrayList<>();
      collectObjects(root, objects);
      ObjectNode target = objects.get(random.nextInt(objects.size()));
      List<String> names = new ArrayList<>();
      target.fieldNames().forEachRemaining(names::add);
      String field =
          names.isEmpty() || random.nextInt(5) == 0
              ? FIELDS.get(random.nextInt(FIELDS.size()))
              : names.get(random.nextInt(names.size()));
      switch (random.nextInt(6)) {
        case 0 -> target.remove(field);
        case 1 -> target.set(field, otherValue(random));
        case 2 -> {
          JsonNode value = target.remove(field);
          if (value != null) {
            target.set(renamed(field, random), value);
          }
        }
        case 3 -> root.put("type", TYPES.get(random.nextInt(TYPES.size())));
        case 4 -> {
          JsonNode value = target.get(field);
          if (value != null) {
            for (int depth = 1 + random.nextInt(25); depth > 0; depth--) {
              value = random.nextBoolean() ? NODES.arrayNode().add(value) : NODES.objectNode().set("v", value);
            }
            target.set(field, value);
          }
        }
        default -> root.put("type", renamed(root.path("type").asText(), random));
      }
    }

    private static void collectObjects(JsonNode node, List<ObjectNode> objects) {
      if (node instanceof ObjectNode object) {
        objects.add(object);
      }
      for (Iterator<JsonNode> children = node.elements(); children.hasNext(); ) {
        collectObjects(children.next(), objects);
      }
    }

    private static String renamed(String name, Random random) {
      return switch (random.nextInt(5)) {
        case 0 -> name.toUpperCase();
        case 1 -> name + " ";
        case 2 -> name.isEmpty() ? "" : name.substring(0, name.length() - 1);
        case 3 -> name + "\u0000";
        default -> "\u200b" + name;
      };
    }

    /** A value of some other kind than the field should have. */
    private static JsonNode otherValue(Random random) {
      return switch (random.nextInt(16)) {
        case 0 -> NullNode.instance;
        case 1 -> BooleanNode.TRUE;
        case 2 -> IntNode.valueOf(0);
        case 3 -> IntNode.valueOf(-1);
        case 4 -> LongNode.valueOf(Long.MIN_VALUE);
        case 5 -> DoubleNode.valueOf(1.5);
        case 6 -> BigIntegerNode.valueOf(BigInteger.TEN.pow(400));
        case 7 -> TextNode.valueOf("");
        case 8 -> TextNode.valueOf(" ");
        case 9 -> TextNode.valueOf("x".repeat(1 + random.nextInt(20_000)));
        case 10 -> TextNode.valueOf("\u0000\u001f\ud800");
        case 11 -> NODES.arrayNode();
        case 12 -> NODES.objectNode();
        case 13 -> NODES.arrayNode().add(1).add("two").addNull();
        case 14 -> NODES.objectNode().put("version", -1).put("id", 3);
        default -> TextNode.valueOf(TYPES.get(random.nextInt(TYPES.size())));
      };
    }

    private static String mutateText(String text, ObjectNode tree, Random random) {
      int at = text.isEmpty() ? 0 : random.nextInt(text.length() + 1);
      switch (random.nextInt(9)) {
        case 0:
          return text.substring(0, at);
        case 1:
          return text.substring(0, at) + garbage(random) + text.substring(at);
        case 2: {
          List<String> names = new ArrayList<>();
          tree.fieldNames().forEachRemaining(names::add);
          String name = names.isEmpty() ? "type" : names.get(random.nextInt(names.size()));
          String value = random.nextBoolean() && tree.has(name) ? write(tree.get(name)) : write(otherValue(random));
          return text.startsWith("{") ? "{" + quoted(name) + ":" + value + "," + text.substring(1) : text;
        }
        case 3:
          return at < text.length() ? text.substring(0, at) + text.substring(at + 1) : text;
        case 4:
          return at < text.length()
              ? text.substring(0, at) + (char) random.nextInt(0x10000) + text.substring(at + 1)
              : text;
        case 5:
          return at + 1 < text.length()
              ? text.substring(0, at) + text.charAt(at + 1) + text.charAt(at) + text.substring(at + 2)
              : text;
        case 6:
          String[] trailing = {" {}", "x", "]", ",", "\u0000", text, " // c", "\n"};
          return text + trailing[random.nextInt(trailing.length)];
        case 7:
          return "[" + text + "]";
        default:
          return text.replace("\"", random.nextBoolean() ? "'" : "\\\"");
      }
    }

    private static String garbage(Random random) {
      String[] pieces = {
        "{", "}", "[", "]", ",", ":", "\"", "\\", "\u0000", "\ud800", "\uFFFF", "null", "1e999",
        "\"type\":\"hello\",", "\"id\":null,", "{\"a\":", "/*", "\n", " "
      };
      StringBuilder garbage = new StringBuilder();
      for (int n = 1 + random.nextInt(4); n > 0; n--) {
        garbage.append(pieces[random.nextInt(pieces.length)]);
      }
      return garbage.toString();
    }

    // ---- helpers ----

    static String quoted(String text) {
      return write(TextNode.valueOf(text));
    }

    static String write(JsonNode node) {
      try {
        return JSON.writeValueAsString(node);
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The tree as the decoder sees it after reading the text (number node types may change). */
    private static JsonNode reparsed(JsonNode node) {
      return readTree(write(node));
    }

    /**
     * The value's size as JSON in UTF-8, as Jackson writes it (an unpaired surrogate takes 3
     * bytes, where {@code String.getBytes} would count 1 for its replacement).
     */
    private static int encodedSize(JsonNode value) {
      try {
        return JSON.writeValueAsBytes(value).length;
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static String withoutControls(String text, boolean lineBreaksAllowed) {
      char[] chars = text.toCharArray();
      for (int i = 0; i < chars.length; i++) {
        char c = chars[i];
        boolean lineBreak = c == '\n' || c == '\r' || c == '\t';
        if (Character.isISOControl(c) && !(lineBreaksAllowed && lineBreak)) {
          chars[i] = 'x';
        }
      }
      return new String(chars);
    }

    /**
     * The text with every unpaired surrogate replaced by U+FFFD: a WebSocket client can only send
     * well-formed UTF-16 (JSON escapes such as {@code \ud800} are untouched).
     */
    public static String sendable(String text) {
      StringBuilder out = new StringBuilder(text.length());
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
          out.append(c).append(text.charAt(++i));
        } else if (Character.isSurrogate(c)) {
          out.append('\uFFFD');
        } else {
          out.append(c);
        }
      }
      return out.toString();
    }
  }
}
