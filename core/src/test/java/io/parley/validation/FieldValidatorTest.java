package io.parley.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import io.parley.testing.TestConfig;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EmptySource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Edge cases of the field rules. The limits are small and all different so that a rule checking
 * the wrong limit fails.
 */
class FieldValidatorTest {

  private static final FieldLimits LIMITS =
      new FieldLimits(
          /* idMaxLength */ 10,
          /* nameMaxLength */ 12,
          /* keyMaxLength */ 14,
          /* valueMaxBytes */ 40,
          /* valueMaxDepth */ 3,
          /* batchMaxOps */ 5,
          /* chatMaxLength */ 20,
          /* documentIdMaxLength */ 16,
          /* documentTypeMaxLength */ 8,
          /* titleMaxLength */ 18);

  private static final FieldValidator V = new FieldValidator(LIMITS);
  private static final String TOO_LARGE =
      "contains a number too large to be finite (beyond 1.7976931348623157e308 either way)";
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static void assertValid(Optional<Violation> result) {
    assertEquals(Optional.empty(), result);
  }

  private static void assertViolation(String field, String message, Optional<Violation> result) {
    assertEquals(Optional.of(new Violation(field, message)), result);
  }

  private static JsonNode parse(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  @Test
  void referenceConfHasTheDocumentedDefaults() {
    assertEquals(new FieldLimits(64, 64, 128, 8192, 16, 64, 2000, 128, 32, 100), TestConfig.defaultLimits());
  }

  @Test
  void limitsAreReadFromConfigurationIncludingByteSizes() {
    FieldLimits limits =
        FieldLimits.fromConfig(
            ConfigFactory.parseString("value-max-bytes = 1 MiB\nid-max-length = 7")
                .withFallback(TestConfig.parley().getConfig("limits")));
    assertEquals(1024 * 1024, limits.valueMaxBytes());
    assertEquals(7, limits.idMaxLength());
  }

  @Test
  void violationPrintsAsFieldColonMessage() {
    assertEquals("name: is required", new Violation("name", "is required").toString());
  }

  // ---- ids

  @ParameterizedTest
  @ValueSource(strings = {"a", "0", "user-1", "a.b_c:d@e-", "ABCDEFGHIJ", "1234567890"})
  void validIds(String id) {
    assertValid(V.id("userId", id));
  }

  @Test
  void aMissingIdIsRequiredAndAnEmptyOneRefused() {
    assertViolation("userId", "is required", V.id("userId", null));
    assertViolation("userId", "must not be empty", V.id("userId", ""));
  }

  /** Every character is in the alphabet: the rule broken is the first character's. */
  @ParameterizedTest
  @ValueSource(strings = {"-a", ".a", "_a", ":a", "@a", "-"})
  void idsStartingWithPunctuationAreRefusedForTheirStart(String id) {
    assertViolation("sessionId", "must start with a letter or a digit", V.id("sessionId", id));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "a b|a space|2",
        "a/b|'/'|2",
        "é|'é'|1",
        "a#b|'#'|2",
        "a+b|'+'|2",
        "\" a\"|a space|1",
      })
  void idsOutsideTheAlphabetAreRefusedNamingTheFirstCharacterOutside(String id, String found, int at) {
    assertViolation(
        "sessionId",
        "may contain only ASCII letters, digits and . _ : @ -, not " + found + " (at character " + at + ")",
        V.id("sessionId", id));
  }

  @Test
  void controlCharactersAndCharactersOutsideTheBasicPlaneAreShownByCodePointOrWhole() {
    assertViolation(
        "id", "may contain only ASCII letters, digits and . _ : @ -, not U+000A (at character 2)", V.id("id", "a\nb"));
    assertViolation(
        "id", "may contain only ASCII letters, digits and . _ : @ -, not U+0000 (at character 2)", V.id("id", "a\u0000"));
    assertViolation(
        "id",
        "may contain only ASCII letters, digits and . _ : @ -, not '\ud83d\ude00' (at character 2)",
        V.id("id", "a\ud83d\ude00"));
  }

  @Test
  void idLengthLimitIsInclusive() {
    assertValid(V.id("id", "x".repeat(10)));
    assertViolation("id", "is longer than 10 characters", V.id("id", "x".repeat(11)));
  }

  @Test
  void lengthIsCheckedBeforeTheAlphabet() {
    assertViolation("id", "is longer than 10 characters", V.id("id", " ".repeat(11)));
  }

  // ---- names

  @ParameterizedTest
  @ValueSource(strings = {"Alice", "Ålice Ø", "名前", "<b>x</b>", "a\u200Bb", "\uD83D\uDE00 smile"})
  void namesMayContainAnyPrintableText(String name) {
    assertValid(V.name(name));
  }

  @ParameterizedTest
  @EmptySource
  @ValueSource(strings = {" ", "\t", "\u2003"})
  void blankNamesAreRefused(String name) {
    assertViolation("name", "must not be blank", V.name(name));
  }

  @Test
  void aMissingNameIsRequired() {
    assertViolation("name", "is required", V.name(null));
  }

  @Test
  void namesWithControlCharactersAreRefusedIncludingLineBreaks() {
    Map<String, String> found =
        Map.of(
            "a\tb", "U+0009 (at character 2)",
            "a\nb", "U+000A (at character 2)",
            "a\rb", "U+000D (at character 2)",
            "a\u0000", "U+0000 (at character 2)",
            "\u007f", "U+007F (at character 1)",
            "\u0080x", "U+0080 (at character 1)",
            "x\u009f", "U+009F (at character 2)");
    found.forEach(
        (name, what) ->
            assertViolation("name", "must not contain control characters, not " + what, V.name(name)));
  }

  @Test
  void nameLengthLimitIsInclusive() {
    assertValid(V.name("n".repeat(12)));
    assertViolation("name", "is longer than 12 characters", V.name("n".repeat(13)));
  }

  // ---- colours

  @ParameterizedTest
  @ValueSource(strings = {"#000000", "#ffffff", "#FFFFFF", "#1e90Ff"})
  void hexColours(String color) {
    assertValid(V.color(color));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"#fff", "#fffffff", "000000", "#00000g", "red", "#00000 ", " #000000", "#00000\n"})
  void anythingElseIsNotAColour(String color) {
    assertViolation("color", "must be a colour written #rrggbb in hexadecimal, like #1e90ff", V.color(color));
  }

  // ---- keys

  @ParameterizedTest
  @ValueSource(strings = {"k", "_private", "9", "canvas/obj-1", "a.b:c@d/e_f-g", "ends/"})
  void validKeys(String key) {
    assertValid(V.key("key", key));
  }

  /** Every character is in the alphabet: the rule broken is the first character's. */
  @ParameterizedTest
  @ValueSource(strings = {"/abs", ".dot", "-dash", ":c", "@a", ".a"})
  void keysStartingWithPunctuationOtherThanUnderscoreAreRefusedForTheirStart(String key) {
    assertViolation("ops[0].key", "must start with a letter, a digit or _", V.key("ops[0].key", key));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {"a b|a space|2", "a\\b|'\\'|2", "a?b|'?'|2", "a*b|'*'|2", "ключ|'к'|1", ".a b|a space|3"})
  void keysOutsideTheAlphabetAreRefusedNamingTheFirstCharacterOutside(String key, String found, int at) {
    assertViolation(
        "ops[0].key",
        "may contain only ASCII letters, digits and . _ : / @ -, not " + found + " (at character " + at + ")",
        V.key("ops[0].key", key));
  }

  @Test
  void keyLengthUsesTheKeyLimit() {
    assertValid(V.key("key", "k".repeat(14)));
    assertViolation("key", "is longer than 14 characters", V.key("key", "k".repeat(15)));
    assertViolation("key", "must not be empty", V.key("key", ""));
    assertViolation("key", "is required", V.key("key", null));
  }

  // ---- documents

  @Test
  void documentIdUsesItsOwnLimitAndTheIdAlphabet() {
    assertValid(V.documentId("document.id", "d".repeat(16)));
    assertViolation("document.id", "is longer than 16 characters", V.documentId("document.id", "d".repeat(17)));
    assertViolation(
        "document.id",
        "may contain only ASCII letters, digits and . _ : @ -, not '/' (at character 2)",
        V.documentId("document.id", "a/b"));
    assertViolation("document.id", "must start with a letter or a digit", V.documentId("document.id", "-doc"));
    assertViolation("document.id", "is required", V.documentId("document.id", null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"text", "canvas", "a", "x1.2_b+c", "md-v2"})
  void validDocumentTypes(String type) {
    assertValid(V.documentType(type));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|',
      quoteCharacter = '"', value = {"Text|'T'|1", "te xt|a space|3", "a/b|'/'|2", "TEXT|'T'|1", "1Text|'T'|2"})
  void documentTypesMustBeLowerCase(String type, String found, int at) {
    assertViolation(
        "document.type",
        "may contain only lower-case ASCII letters, digits and . _ + -, not " + found + " (at character " + at + ")",
        V.documentType(type));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1text", "_x", ".md", "+x", "-"})
  void documentTypesMustStartWithALetter(String type) {
    assertViolation("document.type", "must start with a lower-case letter", V.documentType(type));
  }

  @Test
  void documentTypeLengthUsesItsOwnLimit() {
    assertValid(V.documentType("t".repeat(8)));
    assertViolation("document.type", "is longer than 8 characters", V.documentType("t".repeat(9)));
    assertViolation("document.type", "must not be empty", V.documentType(""));
    assertViolation("document.type", "is required", V.documentType(null));
  }

  // ---- chat

  @ParameterizedTest
  @ValueSource(strings = {"hi", "line 1\nline 2", "windows\r\nline", "col\tcol", "<script>", "\uD83D\uDE00"})
  void chatMayContainLineBreaksAndTabs(String text) {
    assertValid(V.chatText(text));
  }

  @Test
  void chatWithOtherControlCharactersIsRefused() {
    Map<String, String> found =
        Map.of(
            "a\u0000", "U+0000 (at character 2)",
            "bell\u0007", "U+0007 (at character 5)",
            "esc\u001b[1m", "U+001B (at character 4)",
            "del\u007f", "U+007F (at character 4)",
            "c1\u0085", "U+0085 (at character 3)");
    found.forEach(
        (text, what) ->
            assertViolation(
                "text",
                "must not contain control characters other than line feed, carriage return and tab, not " + what,
                V.chatText(text)));
  }

  @ParameterizedTest
  @EmptySource
  @ValueSource(strings = {" ", "\n\n", "\t "})
  void blankChatIsRefused(String text) {
    assertViolation("text", "must not be blank", V.chatText(text));
  }

  @Test
  void aMissingChatTextIsRequired() {
    assertViolation("text", "is required", V.chatText(null));
  }

  @Test
  void chatLengthLimitIsInclusive() {
    assertValid(V.chatText("c".repeat(20)));
    assertViolation("text", "is longer than 20 characters", V.chatText("c".repeat(21)));
  }

  @Test
  void aTitleIsRequiredPlainTextWithinItsOwnLimit() {
    assertValid(V.title("t".repeat(18)));
    assertViolation("title", "is longer than 18 characters", V.title("t".repeat(19)));
    assertViolation("title", "is required to make the room public", V.title(null));
    assertViolation("title", "must not be blank", V.title("  "));
    assertTrue(V.title("two\nlines").isPresent(), "a title is one line");
  }

  // ---- numbers and batches

  @Test
  void expectedVersionMustNotBeNegative() {
    assertValid(V.expectedVersion("expect", 0));
    assertValid(V.expectedVersion("expect", Long.MAX_VALUE));
    String rule = "must not be negative: the version that last wrote the key, or 0 for a key that must not exist";
    assertViolation("ops[3].expect", rule, V.expectedVersion("ops[3].expect", -1));
    assertViolation("expect", rule, V.expectedVersion("expect", Long.MIN_VALUE));
  }

  @Test
  void batchSizeIsBetweenOneAndTheLimit() {
    assertViolation("ops", "must contain at least one operation", V.batchSize(0));
    assertValid(V.batchSize(1));
    assertValid(V.batchSize(5));
    assertViolation("ops", "has more than 5 operations", V.batchSize(6));
  }

  @Test
  void finiteNumbers() {
    assertValid(V.finite("x", 0));
    assertValid(V.finite("x", -Double.MAX_VALUE));
    assertValid(V.finite("x", Double.MIN_VALUE));
    assertViolation("x", "must be a finite number, not NaN", V.finite("x", Double.NaN));
    String tooLarge = "must be a finite number (at most 1.7976931348623157e308 either way)";
    assertViolation("y", tooLarge, V.finite("y", Double.POSITIVE_INFINITY));
    assertViolation("y", tooLarge, V.finite("y", Double.NEGATIVE_INFINITY));
  }

  // ---- values

  @ParameterizedTest
  @ValueSource(
      strings = {
        "null", "true", "0", "-1.5e10", "\"text\"", "[]", "{}", "[1,\"a\",null,false]", "{\"a\":{\"b\":[1]}}",
        "123456789012345678901234567890"
      })
  void smallJsonValuesAreValid(String json) {
    assertValid(V.value("value", parse(json)));
  }

  @Test
  void aMissingValueIsRequired() {
    assertViolation("value", "is required", V.value("value", null));
    assertViolation("ops[1].value", "is required", V.value("ops[1].value", JSON.missingNode()));
  }

  @Test
  void nonFiniteNumbersAreRefusedAtAnyDepth() {
    assertViolation("value", "contains a number that is not finite (NaN)", V.value("value", JSON.numberNode(Double.NaN)));
    assertViolation(
        "value",
        TOO_LARGE,
        V.value("value", JSON.objectNode().set("a", JSON.arrayNode().add(Double.NEGATIVE_INFINITY))));
    assertViolation("value", "contains a number that is not finite (NaN)", V.value("value", JSON.numberNode(Float.NaN)));
  }

  @Test
  void aJsonNumberTooLargeForADoubleIsRefusedAsNotFinite() {
    assertViolation("value", TOO_LARGE, V.value("value", parse("1e400")));
    assertViolation("value", TOO_LARGE, V.value("value", JSON.numberNode(new BigDecimal("1e400"))));
  }

  @Test
  void aHugeIntegerIsFiniteAndAccepted() {
    assertValid(V.value("value", JSON.numberNode(new BigInteger("9".repeat(30)))));
  }

  /** Containers nested {@code levels} deep; the innermost one holds {@code leaf} when given. */
  private static JsonNode nestedArrays(int levels, JsonNode leaf) {
    ArrayNode innermost = JSON.arrayNode();
    if (leaf != null) {
      innermost.add(leaf);
    }
    JsonNode node = innermost;
    for (int i = 1; i < levels; i++) {
      node = JSON.arrayNode().add(node);
    }
    return node;
  }

  @Test
  void nestingDepthCountsContainers() {
    assertValid(V.value("value", parse("1")));
    assertValid(V.value("value", nestedArrays(3, null)));
    assertValid(V.value("value", nestedArrays(3, JSON.numberNode(1))));
    assertValid(V.value("value", parse("{\"a\":{\"b\":{\"c\":\"leaf\"}}}")));
    assertValid(V.value("value", parse("[[],[[]],{\"a\":[null]}]")));
  }

  @Test
  void nestingDeeperThanTheLimitIsRefused() {
    String message = "is nested deeper than 3 levels";
    assertViolation("value", message, V.value("value", nestedArrays(4, null)));
    assertViolation("value", message, V.value("value", nestedArrays(4, JSON.numberNode(1))));
    assertViolation("value", message, V.value("value", parse("{\"a\":{\"b\":{\"c\":{}}}}")));
    assertViolation("value", message, V.value("value", parse("[1,[2,[3,[4]]]]")));
  }

  @Test
  void theDepthCheckStopsEarlyOnAHugelyNestedValue() {
    assertViolation("value", "is nested deeper than 3 levels", V.value("value", nestedArrays(50_000, null)));
  }

  @Test
  void sizeLimitIsInclusiveAndCountsEncodedJsonBytes() {
    // "x" * 38 encodes as 40 bytes with its quotes.
    assertValid(V.value("value", JSON.textNode("x".repeat(38))));
    assertViolation("value", "is larger than 40 bytes written as JSON", V.value("value", JSON.textNode("x".repeat(39))));
    // é is two bytes in UTF-8: 19 of them encode as 40 bytes, 20 as 42, though both are <= 20 chars.
    assertValid(V.value("value", JSON.textNode("é".repeat(19))));
    assertViolation("value", "is larger than 40 bytes written as JSON", V.value("value", JSON.textNode("é".repeat(20))));
  }

  @Test
  void sizeIncludesObjectKeysAndEscapes() {
    ObjectNode object = JSON.objectNode();
    object.put("k".repeat(30), "v"); // {"kkk...":"v"} = 30 + 2 + 1 + 3 + 2 = 38 bytes
    assertValid(V.value("value", object));
    object.put("z", 1); // ,"z":1 adds 6 bytes
    assertViolation("value", "is larger than 40 bytes written as JSON", V.value("value", object));
    // a quote is escaped as \" (2 bytes): 19 of them plus the 2 surrounding quotes = 40
    assertValid(V.value("value", JSON.textNode("\"".repeat(19))));
    assertViolation("value", "is larger than 40 bytes written as JSON", V.value("value", JSON.textNode("\"".repeat(20))));
  }

  @Test
  void theFieldNameIsCarriedIntoTheViolation() {
    Optional<Violation> violation = V.value("ops[2].value", JSON.numberNode(Double.NaN));
    assertTrue(violation.isPresent());
    assertEquals("ops[2].value: contains a number that is not finite (NaN)", violation.get().toString());
  }

  // ---- batches: one key at most once

  @Test
  void distinctKeysAreValid() {
    assertValid(V.distinctKeys(List.of()));
    assertValid(V.distinctKeys(List.of("a")));
    assertValid(V.distinctKeys(List.of("a", "b", "A", "a/")));
  }

  @Test
  void aRepeatedKeyNamesTheLaterOpAndTheEarlierOne() {
    assertViolation(
        "ops[3].key",
        "duplicates ops[1].key: a batch changes each key at most once",
        V.distinctKeys(List.of("a", "b", "c", "b", "a")));
    assertViolation(
        "ops[1].key",
        "duplicates ops[0].key: a batch changes each key at most once",
        V.distinctKeys(List.of("k", "k")));
  }

  // ---- valid Unicode: a lone surrogate (Jackson decodes the JSON escape \ud800 into one) is
  // refused wherever a string is stored or relayed; a surrogate pair (an emoji) is a character

  /** Lone surrogates: high at the end, low alone, high before a non-surrogate, a reversed pair. */
  private static final List<String> LONE_SURROGATES =
      List.of("\ud800", "a\udc00b", "x\udbffy", "\ude00\ud83d", "\ud83d\ud83d", "ok\ud83d\ude00\udfff");

  private static String loneSurrogateAt(int index) {
    return "is not valid Unicode (a lone UTF-16 surrogate at character " + (index + 1) + ")";
  }

  @Test
  void namesAndChatWithALoneSurrogateAreRefusedWithItsPosition() {
    assertViolation("name", loneSurrogateAt(3), V.name("Eve\ud800"));
    assertViolation("text", loneSurrogateAt(1), V.chatText("a\udc00b"));
    assertViolation("text", loneSurrogateAt(0), V.chatText("\ude00\ud83d"));
    assertViolation("text", loneSurrogateAt(4), V.chatText("ok\ud83d\ude00\udfff"));
    for (String text : LONE_SURROGATES) {
      assertTrue(V.name(text).isPresent(), text);
      assertTrue(V.chatText(text + "\n").isPresent(), text);
    }
  }

  @Test
  void surrogatePairsAreCharactersLikeAnyOther() {
    assertValid(V.name("\ud83d\ude00"));
    assertValid(V.name("Eve \ud83d\ude00\ud800\udc00\udbff\udfff"));
    assertValid(V.chatText("\ud83d\ude00\n\ud83d\ude00"));
    assertValid(V.value("value", parse("{\"\ud83d\ude00\":[\"\ud83d\ude00\"]}")));
  }

  @Test
  void anIdKeyColourOrDocumentWithALoneSurrogateIsRefusedAsNotUnicode() {
    assertViolation("userId", loneSurrogateAt(1), V.id("userId", "a\ud800"));
    assertViolation("ops[0].key", loneSurrogateAt(0), V.key("ops[0].key", "\udc00k"));
    assertViolation("document.id", loneSurrogateAt(1), V.documentId("document.id", "d\ud800"));
    assertViolation("document.type", loneSurrogateAt(2), V.documentType("md\udfff"));
    assertViolation("color", "must be a colour written #rrggbb in hexadecimal, like #1e90ff", V.color("#00000\ud800"));
    // A pair is valid Unicode but still outside the ASCII alphabets.
    assertViolation(
        "id", "may contain only ASCII letters, digits and . _ : @ -, not '\ud83d\ude00' (at character 2)", V.id("id", "a\ud83d\ude00"));
  }

  @Test
  void aStringWithNoOtherRuleMustStillBeValidUnicode() {
    assertValid(V.unicode("type", "chat\ud83d\ude00"));
    assertViolation("type", loneSurrogateAt(4), V.unicode("type", "chat\ud800"));
  }

  @Test
  void aValueWithALoneSurrogateInAnyStringOrFieldNameIsRefused() {
    String inString = "contains a string that is not valid Unicode (a lone UTF-16 surrogate)";
    String inName = "contains a field name that is not valid Unicode (a lone UTF-16 surrogate)";
    assertViolation("value", inString, V.value("value", JSON.textNode("\ud800")));
    assertViolation("ops[2].value", inString, V.value("ops[2].value", parse("[1,[\"ok\",\"a\\udc00b\"]]")));
    assertViolation("value", inString, V.value("value", parse("{\"a\":{\"b\":\"\\udbff\"}}")));
    assertViolation("value", inName, V.value("value", parse("{\"\\ud800\":1}")));
    assertViolation("value", inName, V.value("value", parse("[{\"ok\":{\"x\\udfff\":null}}]")));
  }
}
