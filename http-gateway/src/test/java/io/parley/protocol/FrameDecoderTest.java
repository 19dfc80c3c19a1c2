package io.parley.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.parley.presence.DocumentFocus;
import io.parley.room.KeyOp;
import io.parley.validation.FieldLimits;
import io.parley.validation.FieldValidator;
import io.parley.validation.Unicode;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class FrameDecoderTest {

  private static final FieldLimits LIMITS =
      FieldLimits.fromConfig(ConfigFactory.load().getConfig("parley.limits"));
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FrameDecoder decoder = new FrameDecoder(new FieldValidator(LIMITS));

  /** JSON written with single quotes, to keep the Java strings readable. */
  private static String j(String singleQuoted) {
    return singleQuoted.replace('\'', '"');
  }

  private static JsonNode tree(String singleQuoted) {
    try {
      return JSON.readTree(j(singleQuoted));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private ClientFrame decoded(String text) {
    DecodeResult result = decoder.decode(text);
    DecodeResult.Decoded decoded =
        assertInstanceOf(DecodeResult.Decoded.class, result, () -> "for " + text + ": " + result);
    return decoded.frame();
  }

  private DecodeResult.Malformed malformed(String text) {
    DecodeResult result = decoder.decode(text);
    return assertInstanceOf(
        DecodeResult.Malformed.class, result, () -> "for " + text + ": " + result);
  }

  private static String nestedArrays(int depth, String inner) {
    return "[".repeat(depth) + inner + "]".repeat(depth);
  }

  @Test
  void limitsAreTheDocumentedDefaults() {
    // The boundaries below are derived from these; fail loudly if reference.conf changes.
    assertEquals(64, LIMITS.idMaxLength());
    assertEquals(64, LIMITS.nameMaxLength());
    assertEquals(128, LIMITS.keyMaxLength());
    assertEquals(8192, LIMITS.valueMaxBytes());
    assertEquals(16, LIMITS.valueMaxDepth());
    assertEquals(64, LIMITS.batchMaxOps());
    assertEquals(2000, LIMITS.chatMaxLength());
    assertEquals(128, LIMITS.documentIdMaxLength());
    assertEquals(32, LIMITS.documentTypeMaxLength());
  }

  @Nested
  class ValidFrames {

    @Test
    void helloWithColour() {
      ClientFrame frame =
          decoded(j("{'type':'hello','userId':'u-1','name':'Ada Lovelace','color':'#1E90ff'}"));
      assertEquals(new ClientFrame.Hello(Optional.of("u-1"), Optional.of("Ada Lovelace"), Optional.of("#1E90ff"), Optional.empty()), frame);
    }

    @Test
    void helloThatResumes() {
      ClientFrame frame =
          decoded(j("{'type':'hello','userId':'u-1','name':'Ada','resume':{'version':41,'sessionId':'s'}}"));
      assertEquals(Optional.of(41L), ((ClientFrame.Hello) frame).resumeVersion());
    }

    @Test
    void helloWithoutColourLeavesItToTheConnection() {
      ClientFrame.Hello hello =
          assertInstanceOf(
              ClientFrame.Hello.class, decoded(j("{'type':'hello','userId':'u-1','name':'Ada'}")));
      assertEquals(Optional.of("u-1"), hello.userId());
      assertEquals(Optional.of("Ada"), hello.name());
      assertEquals(Optional.empty(), hello.color());
      assertEquals(
          Optional.empty(),
          assertInstanceOf(
                  ClientFrame.Hello.class,
                  decoded(j("{'type':'hello','userId':'u-1','name':'Someone else','color':null}")))
              .color());
    }

    @Test
    void helloMayLeaveOutTheIdentityThatATokenGives() {
      assertEquals(
          new ClientFrame.Hello(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()),
          decoded(j("{'type':'hello'}")));
    }

    @Test
    void paletteGivesOneUserOneColour() {
      assertEquals(ColorPalette.forUser("u-1"), ColorPalette.forUser("u-1"));
      assertTrue(ColorPalette.forUser("u-1").matches("#[0-9a-f]{6}"));
    }

    @Test
    void aFrameNestedTooDeepStillEchoesItsId() {
      String deep = "[".repeat(40) + "]".repeat(40);
      DecodeResult.Malformed tooDeep = malformed("{\"type\":\"set\",\"id\":\"c7\",\"key\":\"k\",\"value\":" + deep + "}");
      assertEquals(ErrorCode.BAD_FRAME, tooDeep.code());
      assertEquals(Optional.of("c7"), tooDeep.id());
      assertEquals(Optional.of("c9"), malformed("{\"type\":\"set\",\"value\":" + deep + ",\"id\":\"c9\"}").id());
      assertEquals(Optional.empty(), malformed("{\"type\":\"set\",\"id\":7,\"value\":" + deep + "}").id());
    }

    @Test
    void kickAndCloseRoom() {
      assertEquals(new ClientFrame.Kick("k1", "bob"), decoded(j("{'type':'kick','id':'k1','userId':'bob'}")));
      assertEquals("userId", malformed(j("{'type':'kick','id':'k1'}")).field().orElseThrow());
      assertEquals("userId", malformed(j("{'type':'kick','id':'k1','userId':'<b>'}")).field().orElseThrow());
      assertEquals(new ClientFrame.CloseRoom("x1"), decoded(j("{'type':'close_room','id':'x1'}")));
      assertEquals("id", malformed(j("{'type':'close_room'}")).field().orElseThrow());
    }

    @Test
    void refreshCarriesAToken() {
      assertEquals(new ClientFrame.Refresh("a.b.c"), decoded(j("{'type':'refresh','token':'a.b.c'}")));
      assertEquals(
          "token", malformed(j("{'type':'refresh','token':''}")).field().orElseThrow());
      assertEquals("token", malformed(j("{'type':'refresh'}")).field().orElseThrow());
    }

    @Test
    void paletteSpreadsUsersOverSeveralColours() {
      long distinct =
          Stream.of("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi")
              .map(ColorPalette::forUser)
              .distinct()
              .count();
      assertTrue(distinct > 1, "palette gave every user the same colour");
    }

    @Test
    void set() {
      ClientFrame frame =
          decoded(j("{'type':'set','id':'c1','key':'field/a','value':{'x':[1,2.5,'s',null,true]}}"));
      assertEquals(
          new ClientFrame.ChangeKeys(
              "c1",
              List.of(
                  new KeyOp.Set("field/a", tree("{'x':[1,2.5,'s',null,true]}"), Optional.empty()))),
          frame);
    }

    @Test
    void setWithExpectAndNullValue() {
      ClientFrame frame =
          decoded(j("{'type':'set','id':'c1','key':'k','value':null,'expect':7}"));
      assertEquals(
          new ClientFrame.ChangeKeys(
              "c1", List.of(new KeyOp.Set("k", tree("null"), Optional.of(7L)))),
          frame);
    }

    @Test
    void setWithExpectZeroMeansTheKeyMustNotExist() {
      ClientFrame.ChangeKeys frame =
          assertInstanceOf(
              ClientFrame.ChangeKeys.class,
              decoded(j("{'type':'set','id':'c1','key':'k','value':1,'expect':0}")));
      assertEquals(Optional.of(0L), frame.ops().get(0).expect());
    }

    @Test
    void delete() {
      assertEquals(
          new ClientFrame.ChangeKeys("c2", List.of(new KeyOp.Delete("k.1", Optional.empty()))),
          decoded(j("{'type':'delete','id':'c2','key':'k.1'}")));
      assertEquals(
          new ClientFrame.ChangeKeys("c3", List.of(new KeyOp.Delete("k.1", Optional.of(3L)))),
          decoded(j("{'type':'delete','id':'c3','key':'k.1','expect':3}")));
    }

    @Test
    void batchOfSetAndDeleteWithExpect() {
      ClientFrame frame =
          decoded(
              j(
                  "{'type':'batch','id':'b1','ops':["
                      + "{'op':'set','key':'a','value':'x','expect':0},"
                      + "{'op':'delete','key':'b','expect':12},"
                      + "{'op':'set','key':'c','value':[1]}]}"));
      assertEquals(
          new ClientFrame.ChangeKeys(
              "b1",
              List.of(
                  new KeyOp.Set("a", tree("'x'"), Optional.of(0L)),
                  new KeyOp.Delete("b", Optional.of(12L)),
                  new KeyOp.Set("c", tree("[1]"), Optional.empty()))),
          frame);
    }

    @Test
    void batchWithTheMaximumNumberOfOps() {
      String ops =
          String.join(
              ",",
              java.util.stream.IntStream.range(0, 64)
                  .mapToObj(i -> "{'op':'delete','key':'k" + i + "'}")
                  .toList());
      ClientFrame.ChangeKeys frame =
          assertInstanceOf(
              ClientFrame.ChangeKeys.class,
              decoded(j("{'type':'batch','id':'b1','ops':[" + ops + "]}")));
      assertEquals(64, frame.ops().size());
    }

    @Test
    void ready() {
      assertEquals(
          new ClientFrame.Ready("r1", true), decoded(j("{'type':'ready','id':'r1','ready':true}")));
      assertEquals(
          new ClientFrame.Ready("r2", false),
          decoded(j("{'type':'ready','id':'r2','ready':false}")));
    }

    @Test
    void focusOnADocument() {
      assertEquals(
          new ClientFrame.Focus("f1", Optional.of(new DocumentFocus("doc-42", "text.x+md"))),
          decoded(j("{'type':'focus','id':'f1','document':{'id':'doc-42','type':'text.x+md'}}")));
    }

    @Test
    void focusNullOrAbsentClearsTheFocus() {
      assertEquals(
          new ClientFrame.Focus("f2", Optional.empty()),
          decoded(j("{'type':'focus','id':'f2','document':null}")));
      assertEquals(
          new ClientFrame.Focus("f3", Optional.empty()), decoded(j("{'type':'focus','id':'f3'}")));
    }

    @Test
    void chat() {
      assertEquals(
          new ClientFrame.Chat("m1", "hello <b>world</b>\nsecond line\tand tab ✓"),
          decoded(
              JSON.createObjectNode()
                  .put("type", "chat")
                  .put("id", "m1")
                  .put("text", "hello <b>world</b>\nsecond line\tand tab ✓")
                  .toString()));
    }

    @Test
    void visibility() {
      assertEquals(
          new ClientFrame.Visibility("v1", true, Optional.of("Planning")),
          decoded(j("{'type':'visibility','id':'v1','public':true,'title':'Planning'}")));
      assertEquals(
          new ClientFrame.Visibility("v2", false, Optional.empty()),
          decoded(j("{'type':'visibility','id':'v2','public':false}")));
      assertEquals(
          new ClientFrame.Visibility("v3", false, Optional.empty()),
          decoded(j("{'type':'visibility','id':'v3','public':false,'title':null}")));
    }

    @Test
    void aPublicRoomNeedsATitleAndAPrivateOneHasNone() {
      assertMalformed(
          "title",
          "is required to make the room public",
          "{'type':'visibility','id':'v1','public':true}");
      assertMalformed(
          "title",
          "only a public room has a title",
          "{'type':'visibility','id':'v1','public':false,'title':'Planning'}");
      assertMalformed(
          "public", "is required (true or false)", "{'type':'visibility','id':'v1','title':'P'}");
      assertMalformed(
          "title",
          "is longer than 100 characters",
          "{'type':'visibility','id':'v1','public':true,'title':'" + "t".repeat(101) + "'}");
    }

    private void assertMalformed(String field, String message, String frame) {
      DecodeResult.Malformed result = malformed(j(frame));
      assertEquals(ErrorCode.INVALID_FIELD, result.code());
      assertEquals(Optional.of(field), result.field());
      assertEquals(message, result.message());
      assertEquals(Optional.of("v1"), result.id(), "the error names the command");
    }

    @Test
    void chatOfExactlyTheMaximumLength() {
      String text = "x".repeat(2000);
      assertEquals(
          new ClientFrame.Chat("m1", text),
          decoded(j("{'type':'chat','id':'m1','text':'" + text + "'}")));
    }

    @Test
    void cursorWithAndWithoutDocument() {
      assertEquals(
          new ClientFrame.Cursor(0.25, -3.0, Optional.empty()),
          decoded(j("{'type':'cursor','x':0.25,'y':-3}")));
      assertEquals(
          new ClientFrame.Cursor(10.0, 1e300, Optional.of("doc-1")),
          decoded(j("{'type':'cursor','x':10,'y':1e300,'document':'doc-1'}")));
      assertEquals(
          new ClientFrame.Cursor(1.0, 2.0, Optional.empty()),
          decoded(j("{'type':'cursor','x':1,'y':2,'document':null}")));
    }

    @Test
    void pingWithAndWithoutId() {
      assertEquals(new ClientFrame.Ping(Optional.of("p1")), decoded(j("{'type':'ping','id':'p1'}")));
      assertEquals(new ClientFrame.Ping(Optional.empty()), decoded(j("{'type':'ping'}")));
    }

    @Test
    void leave() {
      assertEquals(new ClientFrame.Leave(), decoded(j("{'type':'leave'}")));
    }

    @Test
    void unknownExtraFieldsAreIgnored() {
      assertEquals(
          new ClientFrame.Ready("r1", true),
          decoded(j("{'type':'ready','id':'r1','ready':true,'extra':{'a':1}}")));
    }

    @Test
    void idsAndKeysAtTheirMaximumLength() {
      String id = "i".repeat(64);
      String key = "k".repeat(128);
      assertEquals(
          new ClientFrame.ChangeKeys(id, List.of(new KeyOp.Delete(key, Optional.empty()))),
          decoded(j("{'type':'delete','id':'" + id + "','key':'" + key + "'}")));
    }

    @Test
    void valueAtTheMaximumDepthInABatch() {
      // The deepest a valid frame can be: root > ops > op > value with 16 levels.
      String value = nestedArrays(16, "1");
      ClientFrame.ChangeKeys frame =
          assertInstanceOf(
              ClientFrame.ChangeKeys.class,
              decoded(
                  j("{'type':'batch','id':'b','ops':[{'op':'set','key':'k','value':" + value + "}]}")));
      assertEquals(tree(value), ((KeyOp.Set) frame.ops().get(0)).value());
    }

    @Test
    void valueOfExactlyTheMaximumSize() {
      // "x...x" with quotes is 8192 bytes of JSON.
      String text = "x".repeat(8190);
      ClientFrame.ChangeKeys frame =
          assertInstanceOf(
              ClientFrame.ChangeKeys.class,
              decoded(j("{'type':'set','id':'c','key':'k','value':'" + text + "'}")));
      assertEquals(text, ((KeyOp.Set) frame.ops().get(0)).value().asText());
    }
  }

  static Stream<Arguments> malformedFrames() {
    String longId = "i".repeat(65);
    String longKey = "k".repeat(129);
    String tooManyOps =
        String.join(",", java.util.Collections.nCopies(65, "{'op':'delete','key':'k'}"));
    return Stream.of(
        // Not a JSON object at all.
        Arguments.of("not JSON", "hello there", ErrorCode.BAD_FRAME, null),
        Arguments.of("truncated JSON", "{'type':'leave'", ErrorCode.BAD_FRAME, null),
        Arguments.of("empty text", "", ErrorCode.BAD_FRAME, null),
        Arguments.of("trailing garbage", "{'type':'leave'} x", ErrorCode.BAD_FRAME, null),
        Arguments.of("two objects", "{'type':'leave'}{'type':'leave'}", ErrorCode.BAD_FRAME, null),
        Arguments.of("JSON array", "[{'type':'leave'}]", ErrorCode.BAD_FRAME, null),
        Arguments.of("JSON number", "42", ErrorCode.BAD_FRAME, null),
        Arguments.of("JSON string", "'leave'", ErrorCode.BAD_FRAME, null),
        Arguments.of("JSON null", "null", ErrorCode.BAD_FRAME, null),
        Arguments.of("NaN literal", "{'type':'cursor','x':NaN,'y':1}", ErrorCode.BAD_FRAME, null),
        Arguments.of(
            "duplicate keys",
            "{'type':'chat','id':'c1','text':'a','text':'b'}",
            ErrorCode.BAD_FRAME,
            null),
        Arguments.of(
            "duplicate type", "{'type':'leave','type':'ping'}", ErrorCode.BAD_FRAME, null),
        Arguments.of(
            "duplicate keys inside a value",
            "{'type':'set','id':'c1','key':'k','value':{'a':1,'a':2}}",
            ErrorCode.BAD_FRAME,
            null),
        Arguments.of(
            "nesting far beyond any valid frame",
            "{'type':'set','id':'c1','key':'k','value':" + nestedArrays(5000, "1") + "}",
            ErrorCode.BAD_FRAME,
            null),
        // type
        Arguments.of("missing type", "{'id':'c1'}", ErrorCode.INVALID_FIELD, "type"),
        Arguments.of("numeric type", "{'type':1}", ErrorCode.INVALID_FIELD, "type"),
        Arguments.of("null type", "{'type':null}", ErrorCode.INVALID_FIELD, "type"),
        Arguments.of("object type", "{'type':{'a':'b'}}", ErrorCode.INVALID_FIELD, "type"),
        Arguments.of("unknown type", "{'type':'shout'}", ErrorCode.UNKNOWN_TYPE, "type"),
        Arguments.of("type in another case", "{'type':'LEAVE'}", ErrorCode.UNKNOWN_TYPE, "type"),
        Arguments.of("empty type", "{'type':''}", ErrorCode.UNKNOWN_TYPE, "type"),
        // command id
        Arguments.of(
            "missing id", "{'type':'ready','ready':true}", ErrorCode.INVALID_FIELD, "id"),
        Arguments.of(
            "numeric id", "{'type':'ready','id':7,'ready':true}", ErrorCode.INVALID_FIELD, "id"),
        Arguments.of(
            "empty id", "{'type':'ready','id':'','ready':true}", ErrorCode.INVALID_FIELD, "id"),
        Arguments.of(
            "id with a space",
            "{'type':'ready','id':'a b','ready':true}",
            ErrorCode.INVALID_FIELD,
            "id"),
        Arguments.of(
            "id starting with a dash",
            "{'type':'chat','id':'-a','text':'hi'}",
            ErrorCode.INVALID_FIELD,
            "id"),
        Arguments.of(
            "id too long",
            "{'type':'delete','id':'" + longId + "','key':'k'}",
            ErrorCode.INVALID_FIELD,
            "id"),
        Arguments.of(
            "batch without id", "{'type':'batch','ops':[]}", ErrorCode.INVALID_FIELD, "id"),
        // key
        Arguments.of(
            "set without key", "{'type':'set','id':'c','value':1}", ErrorCode.INVALID_FIELD, "key"),
        Arguments.of(
            "key not a string",
            "{'type':'delete','id':'c','key':5}",
            ErrorCode.INVALID_FIELD,
            "key"),
        Arguments.of(
            "key too long",
            "{'type':'set','id':'c','key':'" + longKey + "','value':1}",
            ErrorCode.INVALID_FIELD,
            "key"),
        Arguments.of(
            "key with a space",
            "{'type':'delete','id':'c','key':'a b'}",
            ErrorCode.INVALID_FIELD,
            "key"),
        // value
        Arguments.of(
            "set without value", "{'type':'set','id':'c','key':'k'}", ErrorCode.INVALID_FIELD,
            "value"),
        Arguments.of(
            "value too deep",
            "{'type':'set','id':'c','key':'k','value':" + nestedArrays(17, "1") + "}",
            ErrorCode.INVALID_FIELD,
            "value"),
        Arguments.of(
            "value too big",
            "{'type':'set','id':'c','key':'k','value':'" + "x".repeat(8191) + "'}",
            ErrorCode.INVALID_FIELD,
            "value"),
        Arguments.of(
            "value 1e999",
            "{'type':'set','id':'c','key':'k','value':1e999}",
            ErrorCode.INVALID_FIELD,
            "value"),
        Arguments.of(
            "value -1e999 nested",
            "{'type':'set','id':'c','key':'k','value':{'a':[1,{'b':-1e999}]}}",
            ErrorCode.INVALID_FIELD,
            "value"),
        Arguments.of(
            "value huge integer",
            "{'type':'set','id':'c','key':'k','value':1" + "0".repeat(400) + "}",
            ErrorCode.INVALID_FIELD,
            "value"),
        // expect
        Arguments.of(
            "expect negative",
            "{'type':'set','id':'c','key':'k','value':1,'expect':-1}",
            ErrorCode.INVALID_FIELD,
            "expect"),
        Arguments.of(
            "expect fractional",
            "{'type':'delete','id':'c','key':'k','expect':1.5}",
            ErrorCode.INVALID_FIELD,
            "expect"),
        Arguments.of(
            "expect 2.0",
            "{'type':'delete','id':'c','key':'k','expect':2.0}",
            ErrorCode.INVALID_FIELD,
            "expect"),
        Arguments.of(
            "expect string",
            "{'type':'delete','id':'c','key':'k','expect':'3'}",
            ErrorCode.INVALID_FIELD,
            "expect"),
        Arguments.of(
            "expect beyond long",
            "{'type':'delete','id':'c','key':'k','expect':99999999999999999999}",
            ErrorCode.INVALID_FIELD,
            "expect"),
        // batch
        Arguments.of(
            "batch without ops", "{'type':'batch','id':'b'}", ErrorCode.INVALID_FIELD, "ops"),
        Arguments.of(
            "batch ops not an array",
            "{'type':'batch','id':'b','ops':{'op':'delete','key':'k'}}",
            ErrorCode.INVALID_FIELD,
            "ops"),
        Arguments.of(
            "batch empty", "{'type':'batch','id':'b','ops':[]}", ErrorCode.INVALID_FIELD, "ops"),
        Arguments.of(
            "batch too many ops",
            "{'type':'batch','id':'b','ops':[" + tooManyOps + "]}",
            ErrorCode.INVALID_FIELD,
            "ops"),
        Arguments.of(
            "batch op unknown",
            "{'type':'batch','id':'b','ops':[{'op':'increment','key':'k'}]}",
            ErrorCode.INVALID_FIELD,
            "ops[0].op"),
        Arguments.of(
            "batch op missing",
            "{'type':'batch','id':'b','ops':[{'op':'set','key':'k','value':1},{'key':'k'}]}",
            ErrorCode.INVALID_FIELD,
            "ops[1].op"),
        Arguments.of(
            "batch op not an object",
            "{'type':'batch','id':'b','ops':[{'op':'delete','key':'k'},'delete']}",
            ErrorCode.INVALID_FIELD,
            "ops[1]"),
        Arguments.of(
            "batch op null",
            "{'type':'batch','id':'b','ops':[null]}",
            ErrorCode.INVALID_FIELD,
            "ops[0]"),
        Arguments.of(
            "batch key too long",
            "{'type':'batch','id':'b','ops':[{'op':'delete','key':'" + longKey + "'}]}",
            ErrorCode.INVALID_FIELD,
            "ops[0].key"),
        Arguments.of(
            "batch value missing",
            "{'type':'batch','id':'b','ops':[{'op':'set','key':'k'}]}",
            ErrorCode.INVALID_FIELD,
            "ops[0].value"),
        Arguments.of(
            "batch value 1e999",
            "{'type':'batch','id':'b','ops':[{'op':'set','key':'k','value':[1e999]}]}",
            ErrorCode.INVALID_FIELD,
            "ops[0].value"),
        Arguments.of(
            "batch value too deep",
            "{'type':'batch','id':'b','ops':[{'op':'set','key':'k','value':"
                + nestedArrays(17, "1")
                + "}]}",
            ErrorCode.INVALID_FIELD,
            "ops[0].value"),
        Arguments.of(
            "batch expect negative",
            "{'type':'batch','id':'b','ops':[{'op':'delete','key':'k','expect':-5}]}",
            ErrorCode.INVALID_FIELD,
            "ops[0].expect"),
        // ready
        Arguments.of(
            "ready missing", "{'type':'ready','id':'r'}", ErrorCode.INVALID_FIELD, "ready"),
        Arguments.of(
            "ready as string",
            "{'type':'ready','id':'r','ready':'true'}",
            ErrorCode.INVALID_FIELD,
            "ready"),
        Arguments.of(
            "ready as number", "{'type':'ready','id':'r','ready':1}", ErrorCode.INVALID_FIELD,
            "ready"),
        // focus
        Arguments.of(
            "focus document not an object",
            "{'type':'focus','id':'f','document':'doc-1'}",
            ErrorCode.INVALID_FIELD,
            "document"),
        Arguments.of(
            "focus document without id",
            "{'type':'focus','id':'f','document':{'type':'text'}}",
            ErrorCode.INVALID_FIELD,
            "document.id"),
        Arguments.of(
            "focus document with a bad id",
            "{'type':'focus','id':'f','document':{'id':'a/b','type':'text'}}",
            ErrorCode.INVALID_FIELD,
            "document.id"),
        Arguments.of(
            "focus document without type",
            "{'type':'focus','id':'f','document':{'id':'doc-1'}}",
            ErrorCode.INVALID_FIELD,
            "document.type"),
        Arguments.of(
            "focus document type upper case",
            "{'type':'focus','id':'f','document':{'id':'doc-1','type':'Text'}}",
            ErrorCode.INVALID_FIELD,
            "document.type"),
        Arguments.of(
            "focus document type with a space",
            "{'type':'focus','id':'f','document':{'id':'doc-1','type':'rich text'}}",
            ErrorCode.INVALID_FIELD,
            "document.type"),
        Arguments.of(
            "focus document type too long",
            "{'type':'focus','id':'f','document':{'id':'doc-1','type':'" + "t".repeat(33) + "'}}",
            ErrorCode.INVALID_FIELD,
            "document.type"),
        // chat
        Arguments.of("chat without text", "{'type':'chat','id':'m'}", ErrorCode.INVALID_FIELD,
            "text"),
        Arguments.of(
            "chat empty", "{'type':'chat','id':'m','text':''}", ErrorCode.INVALID_FIELD, "text"),
        Arguments.of(
            "chat blank",
            "{'type':'chat','id':'m','text':' \\n\\t '}",
            ErrorCode.INVALID_FIELD,
            "text"),
        Arguments.of(
            "chat too long",
            "{'type':'chat','id':'m','text':'" + "x".repeat(2001) + "'}",
            ErrorCode.INVALID_FIELD,
            "text"),
        Arguments.of(
            "chat with a bell",
            "{'type':'chat','id':'m','text':'ding\\u0007'}",
            ErrorCode.INVALID_FIELD,
            "text"),
        Arguments.of(
            "chat with an escape sequence",
            "{'type':'chat','id':'m','text':'\\u001b[31mred'}",
            ErrorCode.INVALID_FIELD,
            "text"),
        Arguments.of(
            "chat with an escape character",
            "{'type':'chat','id':'m','text':'a\\u001bb'}",
            ErrorCode.INVALID_FIELD,
            "text"),
        // cursor
        Arguments.of("cursor without x", "{'type':'cursor','y':1}", ErrorCode.INVALID_FIELD, "x"),
        Arguments.of("cursor without y", "{'type':'cursor','x':1}", ErrorCode.INVALID_FIELD, "y"),
        Arguments.of(
            "cursor x as string", "{'type':'cursor','x':'1','y':1}", ErrorCode.INVALID_FIELD, "x"),
        Arguments.of(
            "cursor x null", "{'type':'cursor','x':null,'y':1}", ErrorCode.INVALID_FIELD, "x"),
        Arguments.of(
            "cursor x 1e999", "{'type':'cursor','x':1e999,'y':1}", ErrorCode.INVALID_FIELD, "x"),
        Arguments.of(
            "cursor y -1e999", "{'type':'cursor','x':1,'y':-1e999}", ErrorCode.INVALID_FIELD,
            "y"),
        Arguments.of(
            "cursor document not a string",
            "{'type':'cursor','x':1,'y':1,'document':{'id':'d'}}",
            ErrorCode.INVALID_FIELD,
            "document"),
        // ping
        Arguments.of("ping id not a string", "{'type':'ping','id':5}", ErrorCode.INVALID_FIELD,
            "id"),
        Arguments.of("resume without version", "{'type':'hello','userId':'u','name':'U','resume':{}}",
            ErrorCode.INVALID_FIELD, "resume.version"),
        Arguments.of("resume version negative",
            "{'type':'hello','userId':'u','name':'U','resume':{'version':-1}}",
            ErrorCode.INVALID_FIELD, "resume.version"),
        Arguments.of("resume not an object",
            "{'type':'hello','userId':'u','name':'U','resume':7}",
            ErrorCode.INVALID_FIELD, "resume"),
        Arguments.of("ping id with a control character", "{'type':'ping','id':'p\\u0007'}",
            ErrorCode.INVALID_FIELD, "id"),
        Arguments.of("ping id too long", "{'type':'ping','id':'" + "p".repeat(65) + "'}",
            ErrorCode.INVALID_FIELD, "id"),
        // hello
        // a hello without userId or name is the connection's to judge (HelloIdentityTest)
        Arguments.of(
            "hello with a userId not a string", "{'type':'hello','userId':7,'name':'Ada'}",
            ErrorCode.INVALID_FIELD, "userId"),
        Arguments.of(
            "hello with a bad userId",
            "{'type':'hello','userId':'<script>','name':'Ada'}",
            ErrorCode.INVALID_FIELD,
            "userId"),
        Arguments.of(
            "hello with a name not a string", "{'type':'hello','userId':'u','name':[]}",
            ErrorCode.INVALID_FIELD, "name"),
        Arguments.of(
            "hello blank name",
            "{'type':'hello','userId':'u','name':'   '}",
            ErrorCode.INVALID_FIELD,
            "name"),
        Arguments.of(
            "hello name too long",
            "{'type':'hello','userId':'u','name':'" + "n".repeat(65) + "'}",
            ErrorCode.INVALID_FIELD,
            "name"),
        Arguments.of(
            "hello name with a newline",
            "{'type':'hello','userId':'u','name':'Ada\\nLovelace'}",
            ErrorCode.INVALID_FIELD,
            "name"),
        Arguments.of(
            "hello name with a tab",
            "{'type':'hello','userId':'u','name':'Ada\\tLovelace'}",
            ErrorCode.INVALID_FIELD,
            "name"),
        Arguments.of(
            "hello name with NUL",
            "{'type':'hello','userId':'u','name':'Ada\\u0000'}",
            ErrorCode.INVALID_FIELD,
            "name"),
        Arguments.of(
            "hello name with a C1 control",
            "{'type':'hello','userId':'u','name':'Ada\\u0085'}",
            ErrorCode.INVALID_FIELD,
            "name"),
        Arguments.of(
            "hello colour by name",
            "{'type':'hello','userId':'u','name':'Ada','color':'red'}",
            ErrorCode.INVALID_FIELD,
            "color"),
        Arguments.of(
            "hello colour short form",
            "{'type':'hello','userId':'u','name':'Ada','color':'#fff'}",
            ErrorCode.INVALID_FIELD,
            "color"),
        Arguments.of(
            "hello colour not hex",
            "{'type':'hello','userId':'u','name':'Ada','color':'#12345g'}",
            ErrorCode.INVALID_FIELD,
            "color"),
        Arguments.of(
            "hello colour with alpha",
            "{'type':'hello','userId':'u','name':'Ada','color':'#11223344'}",
            ErrorCode.INVALID_FIELD,
            "color"),
        Arguments.of(
            "hello colour not a string",
            "{'type':'hello','userId':'u','name':'Ada','color':255}",
            ErrorCode.INVALID_FIELD,
            "color"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedFrames")
  void malformedFrameIsReportedWithCodeAndField(
      String description, String frame, ErrorCode code, String field) {
    DecodeResult.Malformed malformed = malformed(j(frame));
    assertEquals(code, malformed.code(), () -> malformed.toString());
    assertEquals(Optional.ofNullable(field), malformed.field(), () -> malformed.toString());
    assertFalse(malformed.message().isBlank(), "an error needs a message");
  }

  @Nested
  class EchoedCommandId {

    @Test
    void idOfAFrameWithABadFieldIsEchoed() {
      DecodeResult.Malformed malformed = malformed(j("{'type':'chat','id':'c-9','text':''}"));
      assertEquals(Optional.of("c-9"), malformed.id());
      assertEquals(Optional.of("text"), malformed.field());
    }

    @Test
    void idOfABatchWithABadOpIsEchoed() {
      DecodeResult.Malformed malformed =
          malformed(j("{'type':'batch','id':'b-1','ops':[{'op':'nope','key':'k'}]}"));
      assertEquals(Optional.of("b-1"), malformed.id());
    }

    @Test
    void idOfAnUnknownTypeIsEchoed() {
      DecodeResult.Malformed malformed = malformed(j("{'type':'shout','id':'s-1'}"));
      assertEquals(ErrorCode.UNKNOWN_TYPE, malformed.code());
      assertEquals(Optional.of("s-1"), malformed.id());
    }

    @Test
    void idOfAFrameWithoutTypeIsEchoed() {
      assertEquals(Optional.of("t-1"), malformed(j("{'id':'t-1'}")).id());
    }

    @Test
    void anInvalidButTextualIdIsEchoedSoTheClientCanMatchTheError() {
      DecodeResult.Malformed malformed =
          malformed(j("{'type':'ready','id':'bad id','ready':true}"));
      assertEquals(Optional.of("id"), malformed.field());
      assertEquals(Optional.of("bad id"), malformed.id());
    }

    @Test
    void aLongIdIsEchoedAbbreviated() {
      String id = "a".repeat(100);
      DecodeResult.Malformed malformed =
          malformed(j("{'type':'ready','id':'" + id + "','ready':true}"));
      assertEquals(Optional.of("a".repeat(32) + "…"), malformed.id());
    }

    @Test
    void anIdOfUpTo32CharactersIsEchoedWhole() {
      String id = "a".repeat(32);
      DecodeResult.Malformed malformed =
          malformed(j("{'type':'chat','id':'" + id + "','text':''}"));
      assertEquals(Optional.of(id), malformed.id());
    }

    @Test
    void aValidIdOfTheMaximumLengthIsEchoedWhole() {
      String id = "a".repeat(64);
      DecodeResult.Malformed malformed =
          malformed(j("{'type':'chat','id':'" + id + "','text':''}"));
      assertEquals(Optional.of(id), malformed.id());
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "{'type':'ready','ready':true}",
          "{'type':'ready','id':12,'ready':true}",
          "{'type':'ready','id':null,'ready':true}",
          "{'type':'ready','id':'r1','ready':true",
          "{'type':'ready','id':'r1','ready':true,'ready':false}",
          "[{'type':'ready','id':'r1','ready':'yes'}]"
        })
    void noIdWhenItCannotBeRead(String frame) {
      assertEquals(Optional.empty(), malformed(j(frame)).id());
    }
  }

  @Test
  void cursorWithABadDocumentIdIsAnInvalidField() {
    DecodeResult.Malformed malformed =
        malformed(j("{'type':'cursor','x':1,'y':2,'document':'a/b'}"));
    assertEquals(ErrorCode.INVALID_FIELD, malformed.code());
    assertTrue(malformed.field().isPresent());
  }

  @Test
  void cursorWithABadDocumentIdNamesTheDocumentField() {
    DecodeResult.Malformed malformed =
        malformed(j("{'type':'cursor','x':1,'y':2,'document':'a/b'}"));
    assertEquals(Optional.of("document"), malformed.field());
  }

  @Test
  void unknownTypeNameIsAbbreviatedInTheMessage() {
    DecodeResult.Malformed malformed =
        malformed(j("{'type':'" + "z".repeat(10_000) + "'}"));
    assertEquals(ErrorCode.UNKNOWN_TYPE, malformed.code());
    assertTrue(malformed.message().length() < 200, malformed.message());
  }

  @Test
  void decoderIsReusableAfterAnError() {
    malformed("{");
    malformed(j("{'type':'cursor','x':1e999,'y':0}"));
    assertEquals(new ClientFrame.Leave(), decoded(j("{'type':'leave'}")));
  }

  /**
   * Where a lone UTF-16 surrogate ({@code S}) goes in every string field of every frame, and the
   * field the error must name.
   */
  static Stream<Arguments> loneSurrogateInEveryField() {
    return Stream.of(
        Arguments.of("{'type':'hello','userId':'u','name':'EveS'}", "name"),
        Arguments.of("{'type':'hello','userId':'uS','name':'Eve'}", "userId"),
        Arguments.of("{'type':'hello','userId':'u','name':'Eve','color':'#00000S'}", "color"),
        Arguments.of("{'type':'set','id':'s1','key':'sur','value':'S'}", "value"),
        Arguments.of("{'type':'set','id':'s1','key':'sur','value':{'a':[1,{'b':'xSy'}]}}", "value"),
        Arguments.of("{'type':'set','id':'s1','key':'sur','value':{'a':{'Sb':1}}}", "value"),
        Arguments.of("{'type':'set','id':'s1','key':'kS','value':1}", "key"),
        Arguments.of("{'type':'set','id':'sS','key':'k','value':1}", "id"),
        Arguments.of("{'type':'delete','id':'d1','key':'S'}", "key"),
        Arguments.of(
            "{'type':'batch','id':'b1','ops':[{'op':'delete','key':'a'},{'op':'set','key':'b','value':1},"
                + "{'op':'set','key':'c','value':['S']}]}",
            "ops[2].value"),
        Arguments.of(
            "{'type':'batch','id':'b1','ops':[{'op':'delete','key':'a'},{'op':'set','key':'bS','value':1}]}",
            "ops[1].key"),
        Arguments.of("{'type':'batch','id':'b1','ops':[{'op':'setS','key':'a','value':1}]}", "ops[0].op"),
        Arguments.of("{'type':'ready','id':'rS','ready':true}", "id"),
        Arguments.of("{'type':'focus','id':'f1','document':{'id':'dS','type':'canvas'}}", "document.id"),
        Arguments.of("{'type':'focus','id':'f1','document':{'id':'d','type':'canvasS'}}", "document.type"),
        Arguments.of("{'type':'chat','id':'m1','text':'aSb'}", "text"),
        Arguments.of("{'type':'cursor','x':1,'y':2,'document':'dS'}", "document"),
        Arguments.of("{'type':'ping','id':'pS'}", "id"),
        Arguments.of("{'type':'S'}", "type"),
        Arguments.of("{'type':'chatS','id':'m1','text':'hi'}", "type"));
  }

  @ParameterizedTest(name = "{1}: {0}")
  @MethodSource("loneSurrogateInEveryField")
  void aLoneSurrogateInAnyStringIsAnInvalidFieldNamingIt(String frame, String field) {
    for (String surrogate : List.of("\\ud800", "\\uDFFF", "\\udc00")) {
      String text = j(frame).replace("S", surrogate);
      DecodeResult.Malformed malformed = malformed(text);
      assertEquals(ErrorCode.INVALID_FIELD, malformed.code(), () -> text + ": " + malformed);
      assertEquals(Optional.of(field), malformed.field(), () -> text + ": " + malformed);
    }
  }

  @ParameterizedTest(name = "{1}: {0}")
  @MethodSource("loneSurrogateInEveryField")
  void aLoneSurrogateWrittenAsACharacterIsRefusedToo(String frame, String field) {
    String text = j(frame).replace("S", "\ud800");
    assertEquals(Optional.of(field), malformed(text).field(), text);
  }

  @Test
  void theMessageSaysWhyAndTheSurrogateIsNeverEchoed() {
    DecodeResult.Malformed set = malformed(j("{'type':'set','id':'s1','key':'sur','value':'\\ud800'}"));
    assertEquals(
        "contains a string that is not valid Unicode (a lone UTF-16 surrogate)", set.message());
    assertEquals(Optional.of("s1"), set.id());

    DecodeResult.Malformed name = malformed(j("{'type':'hello','userId':'u','name':'Eve\\ud800'}"));
    assertEquals("is not valid Unicode (a lone UTF-16 surrogate at character 4)", name.message());

    DecodeResult.Malformed badId = malformed(j("{'type':'chat','id':'m\\ud800','text':'hi'}"));
    assertEquals(Optional.of("id"), badId.field());
    assertEquals(Optional.empty(), badId.id(), "an id that is not valid Unicode is not echoed");
  }

  @Test
  void messagesQuotingALoneSurrogateOfTheFrameAreMadeValid() {
    DecodeResult.Malformed malformed =
        malformed(j("{'type':'set','id':'c1','key':'k','value':{'a\\ud800':1,'a\\ud800':2}}"));
    assertEquals(ErrorCode.BAD_FRAME, malformed.code());
    assertTrue(malformed.message().contains("a\uFFFD"), malformed.message());
    assertEquals(-1, Unicode.loneSurrogate(malformed.message()));
  }

  @Test
  void surrogatePairsAreAcceptedWhetherEscapedOrNot() {
    for (String emoji : List.of("\\ud83d\\ude00", "\ud83d\ude00")) {
      assertEquals(
          new ClientFrame.Hello(Optional.of("u"), Optional.of("Eve " + "\ud83d\ude00"), Optional.of("#123456"), Optional.empty()),
          decoded(j("{'type':'hello','userId':'u','name':'Eve " + emoji + "','color':'#123456'}")));
      assertEquals(
          new ClientFrame.Chat("m1", "a\ud83d\ude00b"),
          decoded(j("{'type':'chat','id':'m1','text':'a" + emoji + "b'}")));
      ClientFrame.ChangeKeys set =
          assertInstanceOf(
              ClientFrame.ChangeKeys.class,
              decoded(j("{'type':'set','id':'s1','key':'k','value':{'" + emoji + "':['" + emoji + "']}}")));
      assertEquals(
          tree("{'\ud83d\ude00':['\ud83d\ude00']}"), ((KeyOp.Set) set.ops().get(0)).value());
    }
  }

  @Nested
  class DuplicateKeysInABatch {

    @Test
    void theLaterOpIsAnInvalidFieldNamingTheEarlierOne() {
      DecodeResult.Malformed malformed =
          malformed(
              j("{'type':'batch','id':'b1','ops':[{'op':'set','key':'a','value':1},{'op':'set','key':'b','value':2},"
                  + "{'op':'delete','key':'c'},{'op':'delete','key':'b'}]}"));
      assertEquals(ErrorCode.INVALID_FIELD, malformed.code());
      assertEquals(Optional.of("ops[3].key"), malformed.field());
      assertEquals("duplicates ops[1].key: a batch changes each key at most once", malformed.message());
      assertEquals(Optional.of("b1"), malformed.id());
    }

    @Test
    void keysDifferingOnlyInCaseAreDistinct() {
      decoded(j("{'type':'batch','id':'b1','ops':[{'op':'delete','key':'a'},{'op':'delete','key':'A'}]}"));
    }
  }
}
