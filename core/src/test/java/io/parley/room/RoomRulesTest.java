package io.parley.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.parley.presence.DocumentFocus;
import io.parley.testing.TestConfig;
import io.parley.validation.FieldLimits;
import io.parley.validation.FieldValidator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every decision of the room rules, without actors, with the default limits of {@code
 * reference.conf}. Connections are {@code null}: the rules carry them into events untouched.
 */
class RoomRulesTest {

  private static final FieldLimits LIMITS = TestConfig.defaultLimits();
  private static final RoomRules RULES =
      new RoomRules(new FieldValidator(LIMITS), TestConfig.roomSettings().membersPerRoom());
  private static final Instant NOW = Instant.parse("2025-02-03T04:05:06Z");
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final RoomState.Bounds BOUNDS = TestConfig.roomSettings().stateBounds();

  /** alice (session a1) and bob (sessions b1 and b2); key "k" written at version 4. */
  private static final RoomState ROOM =
      fold(
          new RoomEvent.MemberJoined("alice", "a1", "Alice", "#aa0000", null, NOW),
          new RoomEvent.MemberJoined("bob", "b1", "Bob", "#00bb00", null, NOW),
          new RoomEvent.SessionOpened("bob", "b2", "Bob", "#00bb00", null, NOW),
          new RoomEvent.KeysChanged(
              "alice", "c0", List.of(new KeyOp.Set("k", JSON.textNode("v"), Optional.empty())), NOW));

  private static RoomState fold(RoomEvent... events) {
    RoomState state = RoomState.empty();
    for (RoomEvent event : events) {
      state = state.apply(event, BOUNDS);
    }
    return state;
  }

  private static RoomEvent accepted(Decision decision) {
    return assertInstanceOf(Decision.Accept.class, decision, () -> "expected accept: " + decision).event();
  }

  private static Decision.Reject rejected(Decision decision, RejectCode code) {
    Decision.Reject reject = assertInstanceOf(Decision.Reject.class, decision, () -> "expected reject: " + decision);
    assertEquals(code, reject.code(), reject::message);
    return reject;
  }

  private static void assertValidationError(Decision decision, String expectedMessage) {
    assertEquals(expectedMessage, rejected(decision, RejectCode.VALIDATION).message());
  }

  private static JsonNode json(String text) {
    try {
      return new ObjectMapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** {@code text} read with its decimals as written (2.50 stays 2.50), as some clients' values are. */
  private static JsonNode exactJson(String text) {
    try {
      return JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
          .build()
          .readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static KeyOp set(String key, JsonNode value) {
    return new KeyOp.Set(key, value, Optional.empty());
  }

  private static KeyOp set(String key, JsonNode value, long expect) {
    return new KeyOp.Set(key, value, Optional.of(expect));
  }

  private static KeyOp delete(String key) {
    return new KeyOp.Delete(key, Optional.empty());
  }

  private static KeyOp delete(String key, long expect) {
    return new KeyOp.Delete(key, Optional.of(expect));
  }

  private static Decision change(String sessionId, KeyOp... ops) {
    return change(sessionId, List.of(ops));
  }

  private static Decision change(String sessionId, List<KeyOp> ops) {
    return RULES.durable(ROOM, new RoomCommand.ChangeKeys("cmd-1", sessionId, ops, null), NOW);
  }

  private static RoomCommand.OpenSession open(String sessionId, String userId, String name, String color) {
    return new RoomCommand.OpenSession(sessionId, userId, name, color, null);
  }

  private static JsonNode nested(int levels) {
    JsonNode node = JSON.numberNode(1);
    for (int i = 0; i < levels; i++) {
      node = JSON.arrayNode().add(node);
    }
    return node;
  }

  @Nested
  class RoomFull {

    /** Rules for rooms of at most 2 members: {@link #ROOM} (alice and bob) is full. */
    private final RoomRules twoMembers = new RoomRules(new FieldValidator(LIMITS), 2);

    @Test
    void theDefaultIs500Members() {
      assertEquals(500, TestConfig.roomSettings().membersPerRoom());
    }

    @Test
    void aNewUserBeyondTheLimitIsRefused() {
      Decision.Reject reject =
          rejected(twoMembers.openSession(ROOM, open("c1", "carol", "Carol", "#123abc"), NOW), RejectCode.ROOM_FULL);
      assertEquals("the room already has its maximum of 2 members", reject.message());
      accepted(RULES.openSession(ROOM, open("c1", "carol", "Carol", "#123abc"), NOW));
    }

    @Test
    void anotherSessionOfAMemberIsNotANewMember() {
      assertEquals(
          new RoomEvent.SessionOpened("alice", "a2", "Alice", "#aa0000", null, NOW),
          accepted(twoMembers.openSession(ROOM, open("a2", "alice", "Alice", "#aa0000"), NOW)));
    }

    @Test
    void anAwayMemberStillCountsAndMayComeBack() {
      RoomState aliceAway = ROOM.apply(new RoomEvent.MemberAway("alice", "a1", NOW), BOUNDS);

      rejected(twoMembers.openSession(aliceAway, open("c1", "carol", "Carol", "#123abc"), NOW), RejectCode.ROOM_FULL);
      assertEquals(
          new RoomEvent.SessionOpened("alice", "a3", "Alice", "#aa0000", null, NOW),
          accepted(twoMembers.openSession(aliceAway, open("a3", "alice", "Alice", "#aa0000"), NOW)));
    }

    @Test
    void aMemberLeavingMakesRoom() {
      RoomState aliceLeft =
          ROOM.apply(new RoomEvent.MemberLeft("alice", RoomEvent.LeaveReason.TIMED_OUT, NOW), BOUNDS);
      assertEquals(
          new RoomEvent.MemberJoined("carol", "c1", "Carol", "#123abc", null, NOW),
          accepted(twoMembers.openSession(aliceLeft, open("c1", "carol", "Carol", "#123abc"), NOW)));
    }

    @Test
    void invalidFieldsAreReportedBeforeAFullRoom() {
      rejected(twoMembers.openSession(ROOM, open("c1", "carol", "", "#123abc"), NOW), RejectCode.VALIDATION);
    }

    @Test
    void aLimitBelowOneIsRefused() {
      org.junit.jupiter.api.Assertions.assertThrows(
          IllegalArgumentException.class, () -> new RoomRules(new FieldValidator(LIMITS), 0));
    }
  }

  @Nested
  class OpeningSessions {

    @Test
    void theFirstSessionOfAUserMakesItJoin() {
      RoomEvent event = accepted(RULES.openSession(ROOM, open("c1", "carol", "Carol", "#123abc"), NOW));
      assertEquals(new RoomEvent.MemberJoined("carol", "c1", "Carol", "#123abc", null, NOW), event);
    }

    @Test
    void aSecondSessionOfAMemberOpensASessionInsteadOfJoiningAgain() {
      RoomEvent event = accepted(RULES.openSession(ROOM, open("a2", "alice", "Alice 2", "#AABBCC"), NOW));
      assertEquals(new RoomEvent.SessionOpened("alice", "a2", "Alice 2", "#AABBCC", null, NOW), event);
    }

    @Test
    void aSessionIdThatIsAlreadyOpenIsRefused() {
      assertValidationError(
          RULES.openSession(ROOM, open("b2", "carol", "Carol", "#123abc"), NOW),
          "sessionId: is already open in this room");
      assertValidationError(
          RULES.openSession(ROOM, open("a1", "alice", "Alice", "#123abc"), NOW),
          "sessionId: is already open in this room");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-starts-with-dash", "has space", "semi;colon", "<script>", "é"})
    void aBadSessionIdIsRefused(String sessionId) {
      Decision.Reject reject =
          rejected(RULES.openSession(ROOM, open(sessionId, "carol", "Carol", "#123abc"), NOW), RejectCode.VALIDATION);
      assertTrue(reject.message().startsWith("sessionId: "), reject.message());
    }

    @Test
    void aMissingOrTooLongUserIdIsRefused() {
      assertValidationError(
          RULES.openSession(ROOM, open("c1", null, "Carol", "#123abc"), NOW), "userId: is required");
      assertValidationError(
          RULES.openSession(ROOM, open("c1", "u".repeat(LIMITS.idMaxLength() + 1), "Carol", "#123abc"), NOW),
          "userId: is longer than " + LIMITS.idMaxLength() + " characters");
      assertValidationError(
          RULES.openSession(ROOM, open("c1", "us/er", "Carol", "#123abc"), NOW),
          "userId: may contain only ASCII letters, digits and . _ : @ -, not '/' (at character 3)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Car\u0000ol", "Carol\n", "Car\tol", "\u001b[31mred", "Carol\u007f", "Car\u0085ol"})
    void aNameWithControlCharactersIsRefused(String name) {
      Decision.Reject reject =
          rejected(RULES.openSession(ROOM, open("c1", "carol", name, "#123abc"), NOW), RejectCode.VALIDATION);
      assertTrue(reject.message().startsWith("name: must not contain control characters, not U+00"), reject.message());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void aBlankNameIsRefused(String name) {
      assertValidationError(
          RULES.openSession(ROOM, open("c1", "carol", name, "#123abc"), NOW),
          "name: must not be blank");
    }

    @Test
    void aTooLongNameIsRefused() {
      assertValidationError(
          RULES.openSession(ROOM, open("c1", "carol", "n".repeat(LIMITS.nameMaxLength() + 1), "#123abc"), NOW),
          "name: is longer than " + LIMITS.nameMaxLength() + " characters");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "red", "123abc", "#12345", "#1234567", "#12345g", "#123abc ", "rgb(1,2,3)"})
    void aBadColourIsRefused(String color) {
      assertValidationError(
          RULES.openSession(ROOM, open("c1", "carol", "Carol", color), NOW),
          "color: must be a colour written #rrggbb in hexadecimal, like #1e90ff");
    }

    @Test
    void aNameWithALoneSurrogateIsRefused() {
      assertValidationError(
          RULES.openSession(ROOM, open("c1", "eve", "Eve\ud800", "#123abc"), NOW),
          "name: is not valid Unicode (a lone UTF-16 surrogate at character 4)");
    }

    @Test
    void theFirstInvalidFieldIsReported() {
      assertValidationError(RULES.openSession(ROOM, open("bad id", "bad user", "", "red"), NOW), "sessionId: may contain only ASCII letters, digits and . _ : @ -, not a space (at character 4)");
      assertValidationError(RULES.openSession(ROOM, open("ok", "bad user", "", "red"), NOW), "userId: may contain only ASCII letters, digits and . _ : @ -, not a space (at character 4)");
    }
  }

  @Nested
  class ClosingSessions {

    private static final RoomCommand.SessionEnd LEAVE = RoomCommand.SessionEnd.LEAVE;
    private static final RoomCommand.SessionEnd LOST = RoomCommand.SessionEnd.LOST;

    @Test
    void closingOneOfSeveralSessionsClosesOnlyThatSessionHoweverItEnded() {
      assertEquals(new RoomEvent.SessionClosed("bob", "b1", NOW), accepted(RULES.closeSession(ROOM, "b1", LEAVE, NOW)));
      assertEquals(new RoomEvent.SessionClosed("bob", "b1", NOW), accepted(RULES.closeSession(ROOM, "b1", LOST, NOW)));
      assertEquals(new RoomEvent.SessionClosed("bob", "b2", NOW), accepted(RULES.closeSession(ROOM, "b2", LOST, NOW)));
    }

    @Test
    void leavingFromTheLastSessionOfAMemberMakesItLeave() {
      assertEquals(
          new RoomEvent.MemberLeft("alice", RoomEvent.LeaveReason.LEFT, NOW),
          accepted(RULES.closeSession(ROOM, "a1", LEAVE, NOW)));
    }

    @Test
    void losingTheLastSessionOfAMemberMakesItAway() {
      assertEquals(new RoomEvent.MemberAway("alice", "a1", NOW), accepted(RULES.closeSession(ROOM, "a1", LOST, NOW)));
    }

    @Test
    void closingTheSecondToLastThenTheLastSessionEndsAsTheLastOneEnded() {
      RoomState afterFirst = ROOM.apply(accepted(RULES.closeSession(ROOM, "b2", LOST, NOW)), BOUNDS);
      assertEquals(
          new RoomEvent.MemberLeft("bob", RoomEvent.LeaveReason.LEFT, NOW),
          accepted(RULES.closeSession(afterFirst, "b1", LEAVE, NOW)));
      assertEquals(new RoomEvent.MemberAway("bob", "b1", NOW), accepted(RULES.closeSession(afterFirst, "b1", LOST, NOW)));
    }

    @Test
    void closingAnUnknownSessionIsIgnored() {
      for (RoomCommand.SessionEnd end : RoomCommand.SessionEnd.values()) {
        assertInstanceOf(Decision.Ignore.class, RULES.closeSession(ROOM, "nobody", end, NOW));
        assertInstanceOf(Decision.Ignore.class, RULES.closeSession(RoomState.empty(), "a1", end, NOW));
      }
    }

    @Test
    void closingTheLostSessionOfAnAwayMemberAgainIsIgnored() {
      RoomState aliceAway = ROOM.apply(new RoomEvent.MemberAway("alice", "a1", NOW), BOUNDS);
      for (RoomCommand.SessionEnd end : RoomCommand.SessionEnd.values()) {
        assertInstanceOf(Decision.Ignore.class, RULES.closeSession(aliceAway, "a1", end, NOW));
      }
    }
  }

  @Nested
  class GraceExpiring {

    private final Instant later = NOW.plusSeconds(10);
    private final RoomState aliceAway = ROOM.apply(new RoomEvent.MemberAway("alice", "a1", NOW), BOUNDS);

    @Test
    void anAwayMemberWhoseGraceEndedLeavesTimedOut() {
      assertEquals(
          new RoomEvent.MemberLeft("alice", RoomEvent.LeaveReason.TIMED_OUT, later),
          accepted(RULES.graceExpired(aliceAway, "alice", later)));
    }

    @Test
    void anOnlineMemberStays() {
      assertInstanceOf(Decision.Ignore.class, RULES.graceExpired(ROOM, "alice", later));
      assertInstanceOf(Decision.Ignore.class, RULES.graceExpired(ROOM, "bob", later));
      assertInstanceOf(Decision.Ignore.class, RULES.graceExpired(aliceAway, "bob", later));
    }

    @Test
    void anUnknownOrAlreadyGoneMemberIsIgnored() {
      assertInstanceOf(Decision.Ignore.class, RULES.graceExpired(ROOM, "carol", later));
      assertInstanceOf(Decision.Ignore.class, RULES.graceExpired(RoomState.empty(), "alice", later));
      RoomState aliceGone =
          aliceAway.apply(new RoomEvent.MemberLeft("alice", RoomEvent.LeaveReason.TIMED_OUT, later), BOUNDS);
      assertInstanceOf(Decision.Ignore.class, RULES.graceExpired(aliceGone, "alice", later));
    }

    @Test
    void anAwayMemberThatReconnectsOpensASessionAndThenStays() {
      RoomEvent back = accepted(RULES.openSession(aliceAway, open("a2", "alice", "Alice", "#aa0000"), later));
      assertEquals(new RoomEvent.SessionOpened("alice", "a2", "Alice", "#aa0000", null, later), back);
      assertInstanceOf(Decision.Ignore.class, RULES.graceExpired(aliceAway.apply(back, BOUNDS), "alice", later));
    }

    @Test
    void anAwayMemberIsNotAMemberForDurableCommands() {
      assertEquals(
          "no open session a1",
          rejected(RULES.durable(aliceAway, new RoomCommand.SetReady("r1", "a1", true, null), later), RejectCode.NOT_MEMBER)
              .message());
    }
  }

  @Nested
  class DurableCommands {

    @Test
    void setReadyIsAcceptedForTheMemberOfTheSession() {
      RoomEvent event = accepted(RULES.durable(ROOM, new RoomCommand.SetReady("r-1", "b2", true, null), NOW));
      assertEquals(new RoomEvent.ReadyChanged("bob", "r-1", true, NOW), event);
    }

    @Test
    void focusingADocumentIsAccepted() {
      DocumentFocus doc = new DocumentFocus("doc:42", "canvas+v2");
      RoomEvent event =
          accepted(RULES.durable(ROOM, new RoomCommand.FocusDocument("f-1", "a1", Optional.of(doc), null), NOW));
      assertEquals(new RoomEvent.DocumentFocused("alice", "f-1", Optional.of(doc), NOW), event);
    }

    @Test
    void clearingTheFocusIsAccepted() {
      RoomEvent event =
          accepted(RULES.durable(ROOM, new RoomCommand.FocusDocument("f-2", "a1", Optional.empty(), null), NOW));
      assertEquals(new RoomEvent.DocumentFocused("alice", "f-2", Optional.empty(), NOW), event);
    }

    @Test
    void postingChatIsAcceptedWithLineBreaksAndTabs() {
      String text = "hello\n\tworld <b>not html</b> \uD83D\uDE00";
      RoomEvent event = accepted(RULES.durable(ROOM, new RoomCommand.PostChat("m-1", "b1", text, null), NOW));
      assertEquals(new RoomEvent.ChatPosted("bob", "m-1", text, NOW), event);
    }

    @Test
    void chatOfExactlyTheMaximumLengthIsAccepted() {
      String text = "x".repeat(LIMITS.chatMaxLength());
      accepted(RULES.durable(ROOM, new RoomCommand.PostChat("m-1", "b1", text, null), NOW));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\n\t "})
    void blankChatIsRefused(String text) {
      assertValidationError(
          RULES.durable(ROOM, new RoomCommand.PostChat("m-1", "b1", text, null), NOW),
          "text: must not be blank");
    }

    @Test
    void tooLongChatIsRefused() {
      assertValidationError(
          RULES.durable(ROOM, new RoomCommand.PostChat("m-1", "b1", "x".repeat(LIMITS.chatMaxLength() + 1), null), NOW),
          "text: is longer than " + LIMITS.chatMaxLength() + " characters");
    }

    @Test
    void chatWithALoneSurrogateIsRefused() {
      assertValidationError(
          RULES.durable(ROOM, new RoomCommand.PostChat("m-1", "b1", "a\udc00b", null), NOW),
          "text: is not valid Unicode (a lone UTF-16 surrogate at character 2)");
    }

    @Test
    void chatWithOtherControlCharactersIsRefused() {
      assertValidationError(
          RULES.durable(ROOM, new RoomCommand.PostChat("m-1", "b1", "bell\u0007", null), NOW),
          "text: must not contain control characters other than line feed, carriage return and tab, not U+0007"
              + " (at character 5)");
    }

    @Test
    void aBadDocumentTypeIsRefused() {
      DocumentFocus doc = new DocumentFocus("doc-1", "Canvas");
      assertValidationError(
          RULES.durable(ROOM, new RoomCommand.FocusDocument("f-1", "a1", Optional.of(doc), null), NOW),
          "document.type: may contain only lower-case ASCII letters, digits and . _ + -, not 'C' (at character 1)");
    }

    @Test
    void aTooLongDocumentTypeIsRefused() {
      DocumentFocus doc = new DocumentFocus("doc-1", "t".repeat(LIMITS.documentTypeMaxLength() + 1));
      assertValidationError(
          RULES.durable(ROOM, new RoomCommand.FocusDocument("f-1", "a1", Optional.of(doc), null), NOW),
          "document.type: is longer than " + LIMITS.documentTypeMaxLength() + " characters");
    }

    @Test
    void aBadDocumentIdIsRefused() {
      DocumentFocus doc = new DocumentFocus("../etc/passwd", "text");
      assertValidationError(
          RULES.durable(ROOM, new RoomCommand.FocusDocument("f-1", "a1", Optional.of(doc), null), NOW),
          "document.id: may contain only ASCII letters, digits and . _ : @ -, not '/' (at character 3)");
      DocumentFocus missing = new DocumentFocus(null, "text");
      assertValidationError(
          RULES.durable(ROOM, new RoomCommand.FocusDocument("f-1", "a1", Optional.of(missing), null), NOW),
          "document.id: is required");
    }

    @Test
    void aDocumentIdLongerThanAnIdButWithinItsOwnLimitIsAccepted() {
      DocumentFocus doc = new DocumentFocus("d".repeat(LIMITS.documentIdMaxLength()), "text");
      accepted(RULES.durable(ROOM, new RoomCommand.FocusDocument("f-1", "a1", Optional.of(doc), null), NOW));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "bad id", "-x", "a/b"})
    void aBadCommandIdIsRefusedForEveryDurableCommand(String commandId) {
      List<RoomCommand.Durable> commands =
          List.of(
              new RoomCommand.SetReady(commandId, "a1", true, null),
              new RoomCommand.PostChat(commandId, "a1", "hi", null),
              new RoomCommand.FocusDocument(commandId, "a1", Optional.empty(), null),
              new RoomCommand.ChangeKeys(commandId, "a1", List.of(delete("k")), null));
      for (RoomCommand.Durable command : commands) {
        Decision.Reject reject = rejected(RULES.durable(ROOM, command, NOW), RejectCode.VALIDATION);
        assertTrue(reject.message().startsWith("id: "), reject.message());
      }
    }

    @Test
    void aSessionThatIsNotOpenIsNotAMember() {
      List<RoomCommand.Durable> commands =
          List.of(
              new RoomCommand.SetReady("c1", "ghost", true, null),
              new RoomCommand.PostChat("c1", "ghost", "hi", null),
              new RoomCommand.FocusDocument("c1", "ghost", Optional.empty(), null),
              new RoomCommand.ChangeKeys("c1", "ghost", List.of(delete("k")), null));
      for (RoomCommand.Durable command : commands) {
        assertEquals("no open session ghost", rejected(RULES.durable(ROOM, command, NOW), RejectCode.NOT_MEMBER).message());
      }
    }

    @Test
    void notMemberIsDecidedBeforeValidation() {
      rejected(RULES.durable(ROOM, new RoomCommand.PostChat("bad id", "ghost", "", null), NOW), RejectCode.NOT_MEMBER);
      rejected(RULES.durable(RoomState.empty(), new RoomCommand.SetReady("c1", "a1", true, null), NOW), RejectCode.NOT_MEMBER);
    }
  }

  /** ROOM remembers alice's "c0", which wrote "k" at version 4. */
  @Nested
  class Retries {

    private long duplicate(Decision decision) {
      return assertInstanceOf(Decision.Duplicate.class, decision, () -> "expected duplicate: " + decision).version();
    }

    @Test
    void aCommandIdTheMemberAlreadyUsedIsADuplicateWithTheOriginalVersion() {
      assertEquals(
          4, duplicate(RULES.durable(ROOM, new RoomCommand.ChangeKeys("c0", "a1", List.of(set("k", JSON.textNode("v"))), null), NOW)));
    }

    @Test
    void aRetriedCompareAndSetIsADuplicateRatherThanAConflictWithItself() {
      KeyOp create = set("fresh", JSON.numberNode(1), 0);
      RoomState after = ROOM.apply(accepted(RULES.durable(ROOM, new RoomCommand.ChangeKeys("c1", "b1", List.of(create), null), NOW)), BOUNDS);

      assertEquals(5, duplicate(RULES.durable(after, new RoomCommand.ChangeKeys("c1", "b1", List.of(create), null), NOW)));
    }

    @Test
    void aRetryFromAnotherSessionOfTheSameMemberIsADuplicate() {
      RoomState after = ROOM.apply(accepted(RULES.durable(ROOM, new RoomCommand.PostChat("m1", "b1", "hi", null), NOW)), BOUNDS);

      assertEquals(5, duplicate(RULES.durable(after, new RoomCommand.PostChat("m1", "b2", "hi", null), NOW)));
    }

    @Test
    void theSameContentIsARetryWhateverSessionAndHoweverTheValueIsWritten() {
      RoomState after =
          ROOM.apply(
              accepted(
                  RULES.durable(
                      ROOM,
                      new RoomCommand.ChangeKeys(
                          "c1", "b1", List.of(set("shape", json("{\"x\":1,\"y\":[2.5,true]}"), 0)), null),
                      NOW)),
              BOUNDS);

      RoomCommand.Durable sameValueOtherwiseWritten =
          new RoomCommand.ChangeKeys("c1", "b2", List.of(set("shape", exactJson("{\"y\":[2.50,true],\"x\":1.0}"), 0)), null);
      assertEquals(5, duplicate(RULES.durable(after, sameValueOtherwiseWritten, NOW)));
    }

    @Test
    void anotherContentUnderARememberedIdIsRejectedAsReusedBeforeAnyOtherCheck() {
      List<RoomCommand.Durable> commands =
          List.of(
              new RoomCommand.ChangeKeys("c0", "a1", List.of(set("k", JSON.textNode("w"))), null),
              new RoomCommand.ChangeKeys("c0", "a1", List.of(set("k", JSON.textNode("v"), 4)), null),
              new RoomCommand.ChangeKeys("c0", "a1", List.of(set("k", JSON.textNode("v"), 0)), null),
              new RoomCommand.ChangeKeys("c0", "a1", List.of(delete("k")), null),
              new RoomCommand.ChangeKeys("c0", "a1", List.of(set("k", JSON.textNode("v")), delete("j")), null),
              new RoomCommand.ChangeKeys("c0", "a1", List.of(), null),
              new RoomCommand.SetReady("c0", "a1", true, null),
              new RoomCommand.PostChat("c0", "a1", "", null),
              new RoomCommand.PostChat("c0", "a1", "v", null),
              new RoomCommand.FocusDocument("c0", "a1", Optional.of(new DocumentFocus("d", "Bad Type")), null));
      for (RoomCommand.Durable command : commands) {
        assertEquals(
            "command id c0 was already used for a different command (version 4); use a fresh id for a new command",
            rejected(RULES.durable(ROOM, command, NOW), RejectCode.ID_REUSED).message(),
            command::toString);
      }
    }

    @Test
    void aCommandRememberedWithoutAFingerprintIsRetriedByAnyContent() {
      // as read from a snapshot written before the room kept fingerprints
      RoomState old =
          new RoomState(
              ROOM.version(),
              ROOM.members(),
              ROOM.keys(),
              ROOM.chat(),
              List.of(new AppliedCommand("alice", "c0", 4, AppliedCommand.UNKNOWN_CONTENT)));

      assertEquals(4, duplicate(RULES.durable(old, new RoomCommand.SetReady("c0", "a1", true, null), NOW)));
      assertEquals(4, duplicate(RULES.durable(old, new RoomCommand.ChangeKeys("c0", "a1", List.of(set("k", JSON.textNode("v"))), null), NOW)));
    }

    @Test
    void theSameIdFromAnotherMemberIsAnotherCommand() {
      assertEquals(
          new RoomEvent.ReadyChanged("bob", "c0", true, NOW),
          accepted(RULES.durable(ROOM, new RoomCommand.SetReady("c0", "b1", true, null), NOW)));
    }

    @Test
    void notMemberIsDecidedBeforeTheDuplicate() {
      RoomState aliceAway = ROOM.apply(new RoomEvent.MemberAway("alice", "a1", NOW), BOUNDS);
      rejected(RULES.durable(aliceAway, new RoomCommand.SetReady("c0", "a1", true, null), NOW), RejectCode.NOT_MEMBER);
      rejected(RULES.durable(ROOM, new RoomCommand.SetReady("c0", "ghost", true, null), NOW), RejectCode.NOT_MEMBER);
    }

    @Test
    void anIdNoLongerInTheWindowIsANewCommand() {
      RoomState.Bounds two = new RoomState.Bounds(50, 2);
      RoomState state = ROOM;
      for (String id : List.of("c1", "c2")) {
        state = state.apply(accepted(RULES.durable(state, new RoomCommand.SetReady(id, "a1", true, null), NOW)), two);
      }
      assertEquals(
          List.of("c1@5", "c2@6"),
          state.appliedCommands().stream().map(a -> a.commandId() + "@" + a.version()).toList());

      assertEquals(
          new RoomEvent.ReadyChanged("alice", "c0", false, NOW),
          accepted(RULES.durable(state, new RoomCommand.SetReady("c0", "a1", false, null), NOW)));
      assertEquals(5, duplicate(RULES.durable(state, new RoomCommand.SetReady("c1", "a1", true, null), NOW)));
    }
  }

  @Nested
  class ChangingKeys {

    @Test
    void aSetIsAcceptedAsOneKeysChangedEvent() {
      KeyOp op = set("canvas/obj-1", JSON.objectNode().put("x", 10.5).put("y", -3));
      RoomEvent event = accepted(change("a1", op));
      assertEquals(new RoomEvent.KeysChanged("alice", "cmd-1", List.of(op), NOW), event);
    }

    @Test
    void aBatchOfSetsAndDeletesIsAcceptedAsOneEventInOrder() {
      List<KeyOp> ops = List.of(set("a", JSON.numberNode(1)), delete("k", 4), set("b", JSON.nullNode(), 0));
      RoomEvent event = accepted(change("b1", ops));
      assertEquals(new RoomEvent.KeysChanged("bob", "cmd-1", ops, NOW), event);
    }

    @Test
    void deletingAMissingKeyWithoutExpectIsAccepted() {
      accepted(change("a1", delete("never-set")));
    }

    @Test
    void expectMatchingTheCurrentVersionIsAccepted() {
      accepted(change("a1", set("k", JSON.textNode("w"), 4)));
      accepted(change("a1", delete("k", 4)));
    }

    @Test
    void expectZeroOnAMissingKeyIsAccepted() {
      accepted(change("a1", set("new", JSON.textNode("w"), 0)));
    }

    @Test
    void expectZeroOnAnExistingKeyIsAConflict() {
      assertEquals(
          "k is at version 4, expected 0", rejected(change("a1", set("k", JSON.textNode("w"), 0)), RejectCode.CONFLICT).message());
    }

    @Test
    void expectAnOlderVersionIsAConflict() {
      assertEquals(
          "k is at version 4, expected 3", rejected(change("a1", delete("k", 3)), RejectCode.CONFLICT).message());
      assertEquals(
          "k is at version 4, expected 5", rejected(change("a1", set("k", JSON.textNode("w"), 5)), RejectCode.CONFLICT).message());
    }

    @Test
    void expectAVersionOnAMissingKeyIsAConflict() {
      assertEquals(
          "missing is at version 0, expected 2",
          rejected(change("a1", set("missing", JSON.textNode("w"), 2)), RejectCode.CONFLICT).message());
      assertEquals(
          "missing is at version 0, expected 1",
          rejected(change("a1", delete("missing", 1)), RejectCode.CONFLICT).message());
    }

    @Test
    void everyConflictOfABatchIsReportedAndNothingIsApplied() {
      Decision decision = change("a1", set("ok", JSON.numberNode(1)), set("k", JSON.numberNode(2), 1), delete("gone", 7));
      assertEquals(
          "k is at version 4, expected 1; gone is at version 0, expected 7",
          rejected(decision, RejectCode.CONFLICT).message());
    }

    @Test
    void aNegativeExpectIsAValidationError() {
      assertValidationError(change("a1", set("k", JSON.numberNode(1), -1)), "expect: must not be negative: the version that last wrote the key, or 0 for a key that must not exist");
    }

    @Test
    void anEmptyBatchIsRefused() {
      assertValidationError(change("a1", List.of()), "ops: must contain at least one operation");
    }

    @Test
    void aBatchOfExactlyTheMaximumIsAcceptedAndOneMoreIsRefused() {
      List<KeyOp> ops = new ArrayList<>();
      for (int i = 0; i < LIMITS.batchMaxOps(); i++) {
        ops.add(set("key-" + i, JSON.numberNode(i)));
      }
      accepted(change("a1", ops));
      ops.add(set("one-too-many", JSON.numberNode(0)));
      assertValidationError(change("a1", ops), "ops: has more than " + LIMITS.batchMaxOps() + " operations");
    }

    @Test
    void aDuplicateKeyInABatchIsRefused() {
      assertValidationError(
          change("a1", set("a", JSON.numberNode(1)), set("b", JSON.numberNode(1)), delete("a")),
          "ops[2].key: duplicates ops[0].key: a batch changes each key at most once");
    }

    @Test
    void aValueWithALoneSurrogateIsRefusedAnywhereInIt() {
      assertValidationError(
          change("a1", set("k", JSON.textNode("\ud800"))),
          "value: contains a string that is not valid Unicode (a lone UTF-16 surrogate)");
      assertValidationError(
          change("a1", set("ok", JSON.numberNode(1)), set("k", JSON.objectNode().set("a\udfff", JSON.nullNode()))),
          "ops[1].value: contains a field name that is not valid Unicode (a lone UTF-16 surrogate)");
    }

    @Test
    void aValidationErrorInABatchNamesTheOperation() {
      assertValidationError(
          change("a1", set("fine", JSON.numberNode(1)), set("bad key", JSON.numberNode(1))),
          "ops[1].key: may contain only ASCII letters, digits and . _ : / @ -, not a space (at character 4)");
    }

    @Test
    void validationWinsOverConflict() {
      assertValidationError(
          change("a1", set("k", JSON.numberNode(1), 1), set("x", JSON.numberNode(Double.NaN))),
          "ops[1].value: contains a number that is not finite (NaN)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".hidden", "/abs", "-dash", "has space", "tab\tkey", "ключ"})
    void aBadKeyIsRefused(String key) {
      Decision.Reject reject = rejected(change("a1", set(key, JSON.numberNode(1))), RejectCode.VALIDATION);
      assertTrue(reject.message().startsWith("key: "), reject.message());
    }

    @Test
    void aKeyOfExactlyTheMaximumLengthIsAcceptedAndOneLongerIsRefused() {
      accepted(change("a1", set("k".repeat(LIMITS.keyMaxLength()), JSON.numberNode(1))));
      assertValidationError(
          change("a1", set("k".repeat(LIMITS.keyMaxLength() + 1), JSON.numberNode(1))),
          "key: is longer than " + LIMITS.keyMaxLength() + " characters");
      assertValidationError(
          change("a1", delete("k".repeat(LIMITS.keyMaxLength() + 1))),
          "key: is longer than " + LIMITS.keyMaxLength() + " characters");
    }

    static Stream<Arguments> badValues() {
      ArrayNode tooLarge = JSON.arrayNode();
      tooLarge.add("x".repeat(LIMITS.valueMaxBytes()));
      return Stream.of(
          Arguments.of(null, "value: is required"),
          Arguments.of(JSON.missingNode(), "value: is required"),
          Arguments.of(nested(LIMITS.valueMaxDepth() + 1), "value: is nested deeper than " + LIMITS.valueMaxDepth() + " levels"),
          Arguments.of(tooLarge, "value: is larger than " + LIMITS.valueMaxBytes() + " bytes written as JSON"),
          Arguments.of(JSON.numberNode(Double.NaN), "value: contains a number that is not finite (NaN)"),
          Arguments.of(JSON.objectNode().set("deep", JSON.arrayNode().add(Double.POSITIVE_INFINITY)),
              "value: contains a number too large to be finite (beyond 1.7976931348623157e308 either way)"),
          Arguments.of(JSON.numberNode(Float.NEGATIVE_INFINITY),
              "value: contains a number too large to be finite (beyond 1.7976931348623157e308 either way)"));
    }

    @ParameterizedTest
    @MethodSource("badValues")
    void aBadValueIsRefused(JsonNode value, String message) {
      assertValidationError(change("a1", set("k", value)), message);
    }

    @Test
    void aValueAtTheMaximumDepthIsAccepted() {
      accepted(change("a1", set("k", nested(LIMITS.valueMaxDepth()))));
    }
  }

  @Nested
  class Visibility {

    private Decision visibility(RoomState room, boolean listed, String title) {
      return visibility(room, "v1", listed, title);
    }

    private Decision visibility(RoomState room, String id, boolean listed, String title) {
      return RULES.durable(
          room,
          new RoomCommand.SetVisibility(id, "a1", listed, Optional.ofNullable(title), null),
          NOW);
    }

    @Test
    void aPublicRoomIsListedUnderItsTitleWithItsMemberCount() {
      RoomEvent.VisibilityChanged event =
          assertInstanceOf(
              RoomEvent.VisibilityChanged.class, accepted(visibility(ROOM, true, "Planning")));

      assertEquals(new io.parley.room.Visibility(true, Optional.of("Planning")), event.visibility());
      assertEquals(2, event.members());
      assertEquals("alice", event.userId());
      assertEquals(
          event.visibility(), ROOM.apply(event, BOUNDS).visibility(), "the state keeps the setting");
    }

    @Test
    void aPublicRoomNeedsAValidTitle() {
      assertValidationError(visibility(ROOM, true, null), "title: is required to make the room public");
      assertValidationError(visibility(ROOM, true, " "), "title: must not be blank");
      assertValidationError(
          visibility(ROOM, true, "t".repeat(LIMITS.titleMaxLength() + 1)),
          "title: is longer than " + LIMITS.titleMaxLength() + " characters");
      rejected(visibility(ROOM, true, "a\u0007bell"), RejectCode.VALIDATION);
    }

    @Test
    void aRoomMadePrivateAgainHasNoTitle() {
      RoomState listed = ROOM.apply(accepted(visibility(ROOM, true, "Planning")), BOUNDS);

      RoomEvent event = accepted(visibility(listed, "v2", false, null));

      assertEquals(io.parley.room.Visibility.PRIVATE, listed.apply(event, BOUNDS).visibility());
      assertValidationError(
          visibility(listed, "v3", false, "Old plans"), "title: only a public room has a title");
    }

    @Test
    void theSameSettingUnderTheSameIdIsARetryAndAnotherOneIsRefused() {
      RoomState listed = ROOM.apply(accepted(visibility(ROOM, true, "Planning")), BOUNDS);

      assertInstanceOf(Decision.Duplicate.class, visibility(listed, true, "Planning"));
      rejected(visibility(listed, true, "Other"), RejectCode.ID_REUSED);
    }
  }
}
