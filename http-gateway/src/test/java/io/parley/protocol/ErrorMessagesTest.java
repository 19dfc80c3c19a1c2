package io.parley.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.parley.validation.FieldLimits;
import io.parley.validation.FieldValidator;
import io.parley.validation.Unicode;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every message a client can get for a bad frame names the rule it broke in the protocol's words
 * (PROTOCOL.md), and where: the field, or the character of the frame. Never the words of the JSON
 * library that reads the frames (its class names, its settings, its quoting).
 */
class ErrorMessagesTest {

  private static final FieldLimits LIMITS =
      FieldLimits.fromConfig(ConfigFactory.load().getConfig("parley.limits"));
  private final FrameDecoder decoder = new FrameDecoder(new FieldValidator(LIMITS));

  /** Words of Java and of the JSON library that a client must never read. */
  private static final List<String> FORBIDDEN =
      List.of(
          "com.fasterxml", "jackson", "deserializ", "`", "java.", "exception", "jsonnode",
          "objectnode", "feature", "streamreadconstraints", "redacted", "source:", "(code ",
          "ctrl-char", "token", "start_object", "end-of-input", "bound as", "io.parley");

  /** A Java class name: two capitalised words run together (JsonNode, StreamReadConstraints…). */
  private static final Pattern CLASS_NAME = Pattern.compile("\\b[A-Z][a-z]+[A-Z][a-z]+[A-Za-z]*\\b");

  /** Marks a frame sent as it is written, single quotes included. */
  private static final String RAW = "raw:";

  /** JSON written with single quotes, to keep the Java strings readable. */
  private static String j(String singleQuoted) {
    return singleQuoted.startsWith(RAW)
        ? singleQuoted.substring(RAW.length())
        : singleQuoted.replace('\'', '"');
  }

  private static String nested(int depth) {
    return "[".repeat(depth) + "]".repeat(depth);
  }

  static Stream<Arguments> badFrames() {
    return Stream.of(
        // malformed JSON
        frame("{'type':'ping'} x", "not valid JSON: trailing data after the JSON object at character 17"),
        frame("{} {}", "not valid JSON: trailing data after the JSON object at character 4"),
        frame("{'type':'leave'}{'type':'leave'}", "not valid JSON: trailing data after the JSON object at character 17"),
        frame("{}]", "not valid JSON: trailing data after the JSON object at character 3"),
        frame("{} 1", "not valid JSON: trailing data after the JSON object at character 4"),
        frame("{'a':1}\u0000", "not valid JSON: trailing data after the JSON object at character 8"),
        frame("garbage", "not valid JSON: unexpected 'garbage' at character 1, expected a value"),
        frame("\uFEFF{}", "not valid JSON: unexpected U+FEFF at character 1, expected a value"),
        frame("{'type':'leave'", "not valid JSON: the frame ends before the object that starts at character 1 is closed (expected ',' or '}')"),
        frame("{", "not valid JSON: the frame ends before the object that starts at character 1 is closed (expected a field name in double quotes or '}')"),
        frame("{'a':", "not valid JSON: the frame ends at character 5, expected a value"),
        frame("{'a", "not valid JSON: the frame ends inside the field name that starts at character 2 (no closing '\"')"),
        frame("{'a':'x}", "not valid JSON: the frame ends inside the string that starts at character 6 (no closing '\"')"),
        frame("{'a':[1,", "not valid JSON: the frame ends before the array that starts at character 6 is closed (expected a value)"),
        frame("{'a':[}", "not valid JSON: unexpected '}' at character 7, expected a value"),
        frame("{'type':'chat','id':'m1','text':'a','text':'b'}", "not valid JSON: duplicate field \"text\" at character 37: an object names each field once"),
        frame("{'a':1,'a':2}", "not valid JSON: duplicate field \"a\" at character 8: an object names each field once"),
        frame("{'type':'set','id':'c1','key':'k','value':{'x':{'b':1,'b':2}}}", "not valid JSON: duplicate field \"b\" at character 55: an object names each field once"),
        frame("{'type':'cursor','x':NaN,'y':1}", "not valid JSON: unexpected 'NaN' at character 22, expected a value (JSON numbers are finite: there is no NaN or Infinity)"),
        frame("{'a':-Infinity}", "not valid JSON: unexpected '-Infinity' at character 6, expected a digit after '-' (JSON numbers are finite: there is no NaN or Infinity)"),
        frame("{'a':01}", "not valid JSON: the number at character 6 starts with 0 followed by more digits"),
        frame("{'a':1.}", "not valid JSON: the number at character 6 needs a digit after its decimal point"),
        frame("{'a':1e}", "not valid JSON: the number at character 6 needs a digit after its exponent 'e'"),
        frame("{'a':.5}", "not valid JSON: unexpected '.5' at character 6, expected a value"),
        frame("{'a':+1}", "not valid JSON: unexpected '+1' at character 6, expected a value"),
        frame("{'a':tru}", "not valid JSON: unexpected 'tru' at character 6, expected a value"),
        frame(RAW + "{'a':1}", "not valid JSON: unexpected ''' at character 2, expected a field name in double quotes or '}'"),
        frame("{a:1}", "not valid JSON: unexpected 'a' at character 2, expected a field name in double quotes or '}'"),
        frame("{'a':1,}", "not valid JSON: unexpected '}' at character 8, expected a field name in double quotes"),
        frame("{'a' 1}", "not valid JSON: unexpected '1' at character 6, expected ':' after the field name"),
        frame("{'a':1 'b':2}", "not valid JSON: unexpected '\"' at character 8, expected ',' or '}'"),
        frame("{'a':[1 2]}", "not valid JSON: unexpected '2' at character 9, expected ',' or ']'"),
        frame("{'a':1}//c", "not valid JSON: trailing data after the JSON object at character 8"),
        frame("{'a':1 /*c*/}", "not valid JSON: unexpected '/' at character 8, expected ',' or '}'"),
        frame("{'a':'x\ny'}", "not valid JSON: control character U+000A in a string at character 8 must be written as an escape (\\n)"),
        frame("{'a':'\t'}", "not valid JSON: control character U+0009 in a string at character 7 must be written as an escape (\\t)"),
        frame("{'a':'\\x'}", "not valid JSON: 'x' cannot follow a backslash (at character 7); the escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\u followed by 4 hexadecimal digits"),
        frame("{'a':'\\u12'}", "not valid JSON: the escape \\u at character 7 must be followed by 4 hexadecimal digits"),
        frame("{'a':" + "1".repeat(1001) + "}", "the frame has a number longer than 1000 characters at character 6"),
        frame("{'a':" + nested(30) + "}", "the frame is nested deeper than 20 levels (objects and arrays within each other) at character 25"),
        frame("{'type':'set','id':'c1','key':'k','value':" + nested(5000) + "}", "the frame is nested deeper than 20 levels (objects and arrays within each other) at character 62"),
        // not an object
        frame("", "a frame must be a JSON object, not an empty text"),
        frame("  ", "a frame must be a JSON object, not an empty text"),
        frame("[{'type':'leave'}]", "a frame must be a JSON object, not an array"),
        frame("42", "a frame must be a JSON object, not a number"),
        frame("'leave'", "a frame must be a JSON object, not a string"),
        frame("null", "a frame must be a JSON object, not null"),
        frame("true", "a frame must be a JSON object, not true"),
        // type
        field("{'id':'c1'}", "type", "is required (one of hello, set, delete, batch, ready, focus, chat, visibility, cursor, ping and leave)"),
        field("{'type':1}", "type", "must be a string, not a number"),
        field("{'type':null}", "type", "must be a string, not null"),
        field("{'type':{'a':'b'}}", "type", "must be a string, not an object"),
        field("{'type':'shout'}", "type", "unknown frame type 'shout': the types are hello, set, delete, batch, ready, focus, chat, visibility, cursor, ping and leave"),
        // hello
        // a hello without userId or name is the connection's to judge: a token may give them
        // (HelloIdentityTest)
        field("{'type':'hello','userId':7,'name':'Ann'}", "userId", "must be a string or null, not a number"),
        field("{'type':'hello','userId':'','name':'Ann'}", "userId", "must not be empty"),
        field("{'type':'hello','userId':'-ann','name':'Ann'}", "userId", "must start with a letter or a digit"),
        field("{'type':'hello','userId':'_ann','name':'Ann'}", "userId", "must start with a letter or a digit"),
        field("{'type':'hello','userId':'ann b','name':'Ann'}", "userId", "may contain only ASCII letters, digits and . _ : @ -, not a space (at character 4)"),
        field("{'type':'hello','userId':'café','name':'Ann'}", "userId", "may contain only ASCII letters, digits and . _ : @ -, not 'é' (at character 4)"),
        field("{'type':'hello','userId':'a😀','name':'Ann'}", "userId", "may contain only ASCII letters, digits and . _ : @ -, not '😀' (at character 2)"),
        field("{'type':'hello','userId':'" + "u".repeat(65) + "','name':'Ann'}", "userId", "is longer than 64 characters"),
        field("{'type':'hello','userId':'ann','name':'  '}", "name", "must not be blank"),
        field("{'type':'hello','userId':'ann','name':'" + "n".repeat(65) + "'}", "name", "is longer than 64 characters"),
        field("{'type':'hello','userId':'ann','name':'A\\u0007n'}", "name", "must not contain control characters, not U+0007 (at character 2)"),
        field("{'type':'hello','userId':'ann','name':'An\\ud800'}", "name", "is not valid Unicode (a lone UTF-16 surrogate at character 3)"),
        field("{'type':'hello','userId':'ann','name':'Ann','color':'red'}", "color", "must be a colour written #rrggbb in hexadecimal, like #1e90ff"),
        field("{'type':'hello','userId':'ann','name':'Ann','color':5}", "color", "must be a string or null, not a number"),
        field("{'type':'hello','userId':'ann','name':'Ann','resume':7}", "resume", "must be an object {\"version\": N} or null, not a number"),
        field("{'type':'hello','userId':'ann','name':'Ann','resume':{}}", "resume.version", "is required: the last version the client applied"),
        field("{'type':'hello','userId':'ann','name':'Ann','resume':{'version':'7'}}", "resume.version", "must be an integer, not a string: the last version the client applied"),
        field("{'type':'hello','userId':'ann','name':'Ann','resume':{'version':-1}}", "resume.version", "must not be negative: the last version the client applied"),
        field("{'type':'hello','userId':'ann','name':'Ann','resume':{'version':1.5}}", "resume.version", "must be an integer (digits only, without '.' or an exponent): the last version the client applied"),
        field("{'type':'hello','userId':'ann','name':'Ann','resume':{'version':99999999999999999999}}", "resume.version", "is larger than any version (at most 9223372036854775807)"),
        // command ids
        field("{'type':'ready','ready':true}", "id", "is required (a string)"),
        field("{'type':'ready','id':7,'ready':true}", "id", "must be a string, not a number"),
        field("{'type':'chat','id':'-a','text':'hi'}", "id", "must start with a letter or a digit"),
        field("{'type':'chat','id':'a/b','text':'hi'}", "id", "may contain only ASCII letters, digits and . _ : @ -, not '/' (at character 2)"),
        field("{'type':'ping','id':'p 1'}", "id", "may contain only ASCII letters, digits and . _ : @ -, not a space (at character 2)"),
        // set, delete, batch
        field("{'type':'set','id':'c','value':1}", "key", "is required (a string)"),
        field("{'type':'delete','id':'c','key':5}", "key", "must be a string, not a number"),
        field("{'type':'set','id':'c','key':'.a','value':1}", "key", "must start with a letter, a digit or _"),
        field("{'type':'set','id':'c','key':'-a','value':1}", "key", "must start with a letter, a digit or _"),
        field("{'type':'set','id':'c','key':'a b','value':1}", "key", "may contain only ASCII letters, digits and . _ : / @ -, not a space (at character 2)"),
        field("{'type':'set','id':'c','key':'" + "k".repeat(129) + "','value':1}", "key", "is longer than 128 characters"),
        field("{'type':'set','id':'c','key':'k'}", "value", "is required (any JSON value)"),
        field("{'type':'set','id':'c','key':'k','value':" + nested(17) + "}", "value", "is nested deeper than 16 levels"),
        field("{'type':'set','id':'c','key':'k','value':'" + "x".repeat(8191) + "'}", "value", "is larger than 8192 bytes written as JSON"),
        field("{'type':'set','id':'c','key':'k','value':1e999}", "value", "contains a number too large to be finite (beyond 1.7976931348623157e308 either way)"),
        field("{'type':'set','id':'c','key':'k','value':{'a':'\\ud800'}}", "value", "contains a string that is not valid Unicode (a lone UTF-16 surrogate)"),
        field("{'type':'set','id':'c','key':'k','value':1,'expect':'3'}", "expect", "must be an integer, not a string: the version that last wrote the key, or 0 for a key that must not exist"),
        field("{'type':'set','id':'c','key':'k','value':1,'expect':-1}", "expect", "must not be negative: the version that last wrote the key, or 0 for a key that must not exist"),
        field("{'type':'set','id':'c','key':'k','value':1,'expect':2.5}", "expect", "must be an integer (digits only, without '.' or an exponent): the version that last wrote the key, or 0 for a key that must not exist"),
        field("{'type':'set','id':'c','key':'k','value':1,'expect':1e30}", "expect", "must be an integer (digits only, without '.' or an exponent): the version that last wrote the key, or 0 for a key that must not exist"),
        field("{'type':'delete','id':'c','key':'k','expect':123456789012345678901}", "expect", "is larger than any version (at most 9223372036854775807)"),
        field("{'type':'batch','id':'b'}", "ops", "is required (an array of operations)"),
        field("{'type':'batch','id':'b','ops':{}}", "ops", "must be an array of operations, not an object"),
        field("{'type':'batch','id':'b','ops':[]}", "ops", "must contain at least one operation"),
        field("{'type':'batch','id':'b','ops':[1]}", "ops[0]", "must be an object (an operation), not a number"),
        field("{'type':'batch','id':'b','ops':[{'key':'k'}]}", "ops[0].op", "is required (a string)"),
        field("{'type':'batch','id':'b','ops':[{'op':'put','key':'k'}]}", "ops[0].op", "must be \"set\" or \"delete\", not 'put'"),
        field("{'type':'batch','id':'b','ops':[{'op':'delete','key':'k'},{'op':'set','key':'_k','value':1,'expect':-2}]}", "ops[1].expect", "must not be negative: the version that last wrote the key, or 0 for a key that must not exist"),
        field("{'type':'batch','id':'b','ops':[{'op':'delete','key':'k'},{'op':'delete','key':'k'}]}", "ops[1].key", "duplicates ops[0].key: a batch changes each key at most once"),
        // ready, focus, chat, cursor
        field("{'type':'ready','id':'r'}", "ready", "is required (true or false)"),
        field("{'type':'ready','id':'r','ready':'yes'}", "ready", "must be true or false, not a string"),
        field("{'type':'focus','id':'f','document':'doc-1'}", "document", "must be an object with id and type, or null, not a string"),
        field("{'type':'focus','id':'f','document':{'type':'canvas'}}", "document.id", "is required (a string)"),
        field("{'type':'focus','id':'f','document':{'id':'d','type':'Canvas'}}", "document.type", "may contain only lower-case ASCII letters, digits and . _ + -, not 'C' (at character 1)"),
        field("{'type':'focus','id':'f','document':{'id':'d','type':'1canvas'}}", "document.type", "must start with a lower-case letter"),
        field("{'type':'chat','id':'m'}", "text", "is required (a string)"),
        field("{'type':'chat','id':'m','text':' '}", "text", "must not be blank"),
        field("{'type':'chat','id':'m','text':'a\\u0000'}", "text", "must not contain control characters other than line feed, carriage return and tab, not U+0000 (at character 2)"),
        field("{'type':'chat','id':'m','text':'" + "t".repeat(2001) + "'}", "text", "is longer than 2000 characters"),
        field("{'type':'cursor','y':1}", "x", "is required (a number)"),
        field("{'type':'cursor','x':'1','y':1}", "x", "must be a number, not a string"),
        field("{'type':'cursor','x':1,'y':-1e999}", "y", "must be a finite number (at most 1.7976931348623157e308 either way)"),
        field("{'type':'cursor','x':1,'y':2,'document':'a b'}", "document", "may contain only ASCII letters, digits and . _ : @ -, not a space (at character 2)"));
  }

  private static Arguments frame(String singleQuoted, String message) {
    return Arguments.of(name(singleQuoted), singleQuoted, ErrorCode.BAD_FRAME, null, message);
  }

  /** The frame as the test's name shows it: visible, and not too long. */
  private static String name(String frame) {
    String shown = frame.isEmpty() ? "(empty)" : frame.isBlank() ? "(blank)" : frame;
    return shown.length() > 80 ? shown.substring(0, 80) + "…(" + shown.length() + ")" : shown;
  }

  private static Arguments field(String singleQuoted, String field, String message) {
    return Arguments.of(
        name(singleQuoted),
        singleQuoted,
        field.equals("type") && message.startsWith("unknown") ? ErrorCode.UNKNOWN_TYPE : ErrorCode.INVALID_FIELD,
        field,
        message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFrames")
  void eachBadFrameIsAnsweredWithTheRuleItBrokeInTheProtocolsWords(
      String name, String frame, ErrorCode code, String field, String message) {
    DecodeResult.Malformed malformed =
        assertInstanceOf(DecodeResult.Malformed.class, decoder.decode(j(frame)), frame);

    assertEquals(message, malformed.message(), frame);
    assertEquals(code, malformed.code(), frame);
    assertEquals(Optional.ofNullable(field), malformed.field(), frame);
    assertSpeaksTheProtocol(malformed.message());
  }

  @Test
  void theCatalogueCoversEveryErrorCodeTheDecoderAnswers() {
    assertEquals(
        List.of(ErrorCode.BAD_FRAME, ErrorCode.UNKNOWN_TYPE, ErrorCode.INVALID_FIELD),
        badFrames().map(a -> (ErrorCode) a.get()[2]).distinct().sorted().toList());
  }

  static void assertSpeaksTheProtocol(String message) {
    String lower = message.toLowerCase(Locale.ROOT);
    for (String word : FORBIDDEN) {
      assertFalse(lower.contains(word), () -> "'" + word + "' in: " + message);
    }
    assertFalse(CLASS_NAME.matcher(message).find(), () -> "a class name in: " + message);
    assertTrue(message.length() < 300, () -> "too long: " + message);
    assertEquals(-1, Unicode.loneSurrogate(message), message);
  }
}
