package io.parley.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.parley.presence.DocumentFocus;
import io.parley.presence.Member;
import io.parley.presence.MemberStatus;
import io.parley.presence.Session;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The fold of room events into a room state, without actors. Connections are {@code null}: the
 * state keeps them but never uses them.
 */
class RoomStateTest {

  private static final int CHAT_HISTORY = 3;
  private static final int REMEMBERED_COMMANDS = 4;
  private static final RoomState.Bounds BOUNDS = new RoomState.Bounds(CHAT_HISTORY, REMEMBERED_COMMANDS);
  private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  private static RoomState fold(RoomState state, RoomEvent... events) {
    RoomState current = state;
    for (RoomEvent event : events) {
      current = current.apply(event, BOUNDS);
    }
    return current;
  }

  private static RoomState.Bounds chatHistory(int messages) {
    return new RoomState.Bounds(messages, REMEMBERED_COMMANDS);
  }

  private static RoomState fold(RoomEvent... events) {
    return fold(RoomState.empty(), events);
  }

  private static RoomEvent.MemberJoined joined(String userId, String sessionId, int second) {
    return new RoomEvent.MemberJoined(userId, sessionId, "Name " + userId, "#112233", null, at(second));
  }

  private static RoomEvent.KeysChanged keys(String userId, String commandId, int second, KeyOp... ops) {
    return new RoomEvent.KeysChanged(userId, commandId, List.of(ops), at(second));
  }

  private static KeyOp set(String key, JsonNode value) {
    return new KeyOp.Set(key, value, Optional.empty());
  }

  private static KeyOp delete(String key) {
    return new KeyOp.Delete(key, Optional.empty());
  }

  private static RoomEvent.ChatPosted chat(String userId, String commandId, String text, int second) {
    return new RoomEvent.ChatPosted(userId, commandId, text, at(second));
  }

  @Test
  void emptyRoomHasVersionZeroAndNothingInIt() {
    RoomState empty = RoomState.empty();
    assertEquals(0, empty.version());
    assertTrue(empty.members().isEmpty());
    assertTrue(empty.keys().isEmpty());
    assertTrue(empty.chat().isEmpty());
    assertEquals(0, empty.keyVersion("anything"));
  }

  @Test
  void memberJoinedAddsAMemberWithItsFirstSession() {
    RoomState state = fold(joined("alice", "s1", 1));

    assertEquals(1, state.version());
    Member alice = state.members().get("alice");
    assertEquals(
        new Member(
            "alice",
            "Name alice",
            "#112233",
            at(1),
            at(1),
            Optional.empty(),
            false,
            Map.of("s1", new Session("s1", null, at(1))),
            Optional.empty()),
        alice);
    assertEquals(MemberStatus.ONLINE, alice.status());
    assertEquals(Optional.of(alice), state.memberOfSession("s1"));
    assertEquals(Optional.of(alice), state.member("alice"));
    assertEquals(Optional.empty(), state.memberOfSession("s2"));
  }

  @Test
  void sessionOpenedAddsASessionToTheSameMemberAndTakesTheNewNameAndColour() {
    RoomState state =
        fold(
            joined("alice", "s1", 1),
            new RoomEvent.SessionOpened("alice", "s2", "Alice B", "#abcdef", null, at(5)));

    assertEquals(2, state.version());
    assertEquals(1, state.members().size());
    Member alice = state.members().get("alice");
    assertEquals(Map.of("s1", new Session("s1", null, at(1)), "s2", new Session("s2", null, at(5))), alice.sessions());
    assertEquals("Alice B", alice.name());
    assertEquals("#abcdef", alice.color());
    assertEquals(at(1), alice.joinedAt());
    assertEquals(at(5), alice.lastSeen());
    assertEquals("alice", state.memberOfSession("s2").orElseThrow().userId());
  }

  @Test
  void sessionClosedRemovesOnlyThatSessionAndKeepsTheMember() {
    RoomState state =
        fold(
            joined("alice", "s1", 1),
            new RoomEvent.SessionOpened("alice", "s2", "Name alice", "#112233", null, at(2)),
            new RoomEvent.SessionClosed("alice", "s1", at(7)));

    assertEquals(3, state.version());
    Member alice = state.members().get("alice");
    assertEquals(Map.of("s2", new Session("s2", null, at(2))), alice.sessions());
    assertEquals(at(7), alice.lastSeen());
    assertEquals(Optional.empty(), state.memberOfSession("s1"));
  }

  // ---- presence: away and back

  /** alice joined at 1, opened a second tab at 2, got ready at 3, focused a document at 4. */
  private static RoomState aliceWithTwoTabs() {
    return fold(
        joined("alice", "s1", 1),
        new RoomEvent.SessionOpened("alice", "s2", "Name alice", "#112233", null, at(2)),
        new RoomEvent.ReadyChanged("alice", "c1", true, at(3)),
        new RoomEvent.DocumentFocused("alice", "c2", Optional.of(new DocumentFocus("d", "text")), at(4)));
  }

  @Test
  void memberAwayKeepsTheMemberWithoutSessionsAndMarksItAway() {
    RoomState state =
        fold(
            aliceWithTwoTabs(),
            joined("bob", "s3", 5),
            new RoomEvent.SessionClosed("alice", "s1", at(6)),
            new RoomEvent.MemberAway("alice", "s2", at(8)));

    assertEquals(7, state.version());
    Member alice = state.members().get("alice");
    assertEquals(
        new Member(
            "alice",
            "Name alice",
            "#112233",
            at(1),
            at(8),
            Optional.of(new DocumentFocus("d", "text")),
            true,
            Map.of(),
            Optional.of(at(8))),
        alice);
    assertEquals(MemberStatus.AWAY, alice.status());
    assertEquals(Optional.of(alice), state.member("alice"));
    assertEquals(Optional.empty(), state.memberOfSession("s2"));
    assertEquals(MemberStatus.ONLINE, state.members().get("bob").status());
    assertEquals(Optional.empty(), state.members().get("bob").awaySince());
  }

  @Test
  void sessionOpenedBringsAnAwayMemberBackOnlineWithTheSameJoinedAt() {
    RoomState away =
        fold(
            aliceWithTwoTabs(),
            new RoomEvent.SessionClosed("alice", "s1", at(6)),
            new RoomEvent.MemberAway("alice", "s2", at(8)));

    RoomState back = fold(away, new RoomEvent.SessionOpened("alice", "s4", "Alice again", "#445566", null, at(11)));

    assertEquals(7, back.version());
    Member alice = back.members().get("alice");
    assertEquals(
        new Member(
            "alice",
            "Alice again",
            "#445566",
            at(1),
            at(11),
            Optional.of(new DocumentFocus("d", "text")),
            true,
            Map.of("s4", new Session("s4", null, at(11))),
            Optional.empty()),
        alice);
    assertEquals(MemberStatus.ONLINE, alice.status());
    assertEquals("alice", back.memberOfSession("s4").orElseThrow().userId());
  }

  @Test
  void anAwayMemberCanBeAwayAgainAfterComingBack() {
    RoomState state =
        fold(
            joined("alice", "s1", 1),
            new RoomEvent.MemberAway("alice", "s1", at(2)),
            new RoomEvent.SessionOpened("alice", "s2", "Name alice", "#112233", null, at(3)),
            new RoomEvent.MemberAway("alice", "s2", at(9)));

    Member alice = state.members().get("alice");
    assertEquals(MemberStatus.AWAY, alice.status());
    assertEquals(Optional.of(at(9)), alice.awaySince());
    assertEquals(at(1), alice.joinedAt());
    assertEquals(Map.of(), alice.sessions());
  }

  @Test
  void memberLeftRemovesAnAwayMember() {
    RoomState state =
        fold(
            joined("alice", "s1", 1),
            joined("bob", "s2", 2),
            new RoomEvent.MemberAway("alice", "s1", at(3)),
            new RoomEvent.MemberLeft("alice", RoomEvent.LeaveReason.TIMED_OUT, at(13)));

    assertEquals(4, state.version());
    assertEquals(Map.of("bob", state.members().get("bob")), state.members());
    assertEquals(Optional.empty(), state.member("alice"));
  }

  @Test
  void anAwayMemberStillChangesItsReadyFlagAndFocusFromEventsAlreadyInTheJournal() {
    RoomState state =
        fold(
            joined("alice", "s1", 1),
            new RoomEvent.MemberAway("alice", "s1", at(2)),
            new RoomEvent.ReadyChanged("alice", "c1", true, at(3)));

    Member alice = state.members().get("alice");
    assertTrue(alice.ready());
    assertEquals(MemberStatus.AWAY, alice.status());
    assertEquals(Optional.of(at(2)), alice.awaySince());
  }

  // ---- activity that is not in the journal

  @Test
  void withActivityRaisesLastSeenOnlyForward() {
    RoomState state = fold(joined("alice", "s1", 1), joined("bob", "s2", 5));

    RoomState seen = state.withActivity(Map.of("alice", at(9), "bob", at(3)));

    assertEquals(at(9), seen.members().get("alice").lastSeen());
    assertEquals(at(5), seen.members().get("bob").lastSeen(), "an older activity does not lower lastSeen");
    assertEquals(state.members().get("bob"), seen.members().get("bob"));
    assertEquals(state.members().get("alice").seenAt(at(9)), seen.members().get("alice"));
    assertEquals(state.version(), seen.version());
    assertEquals(state.keys(), seen.keys());
    assertEquals(state.chat(), seen.chat());
    assertEquals(at(1), state.members().get("alice").lastSeen(), "the original state is unchanged");
  }

  @Test
  void withActivityOfTheSameInstantChangesNothing() {
    RoomState state = fold(joined("alice", "s1", 4));
    assertEquals(state, state.withActivity(Map.of("alice", at(4))));
  }

  @Test
  void withActivityIgnoresUsersWhoAreNotMembers() {
    RoomState state =
        fold(
            joined("alice", "s1", 1),
            joined("bob", "s2", 2),
            new RoomEvent.MemberLeft("bob", RoomEvent.LeaveReason.LEFT, at(3)));
    Map<String, Instant> activity = new HashMap<>();
    activity.put("bob", at(20));
    activity.put("ghost", at(30));

    RoomState seen = state.withActivity(activity);

    assertEquals(state, seen);
    assertEquals(Map.of("alice", state.members().get("alice")), seen.members());
  }

  @Test
  void withNoActivityIsTheSameState() {
    RoomState state = fold(joined("alice", "s1", 1));
    assertEquals(state, state.withActivity(Map.of()));
    assertEquals(RoomState.empty(), RoomState.empty().withActivity(Map.of("alice", at(1))));
  }

  @Test
  void withActivityRaisesLastSeenOfAnAwayMemberButKeepsItAway() {
    RoomState state = fold(joined("alice", "s1", 1), new RoomEvent.MemberAway("alice", "s1", at(2)));

    Member alice = state.withActivity(Map.of("alice", at(7))).members().get("alice");

    assertEquals(at(7), alice.lastSeen());
    assertEquals(MemberStatus.AWAY, alice.status());
    assertEquals(Optional.of(at(2)), alice.awaySince());
  }

  @Test
  void memberLeftRemovesTheMemberAndKeepsTheOthers() {
    RoomState state =
        fold(joined("alice", "s1", 1), joined("bob", "s2", 2), new RoomEvent.MemberLeft("alice", RoomEvent.LeaveReason.LEFT, at(3)));

    assertEquals(3, state.version());
    assertEquals(Map.of("bob", state.members().get("bob")), state.members());
    assertEquals(Optional.empty(), state.member("alice"));
    assertEquals(Optional.empty(), state.memberOfSession("s1"));
  }

  @Test
  void readyChangedSetsAndClearsTheReadyFlag() {
    RoomState ready = fold(joined("alice", "s1", 1), new RoomEvent.ReadyChanged("alice", "c1", true, at(4)));
    assertTrue(ready.members().get("alice").ready());
    assertEquals(at(4), ready.members().get("alice").lastSeen());
    assertEquals(2, ready.version());

    RoomState notReady = fold(ready, new RoomEvent.ReadyChanged("alice", "c2", false, at(6)));
    assertFalse(notReady.members().get("alice").ready());
    assertEquals(at(6), notReady.members().get("alice").lastSeen());
    assertEquals(3, notReady.version());
  }

  @Test
  void documentFocusedSetsAndClearsTheFocus() {
    DocumentFocus doc = new DocumentFocus("doc-1", "canvas");
    RoomState focused =
        fold(joined("alice", "s1", 1), new RoomEvent.DocumentFocused("alice", "c1", Optional.of(doc), at(2)));
    assertEquals(Optional.of(doc), focused.members().get("alice").focus());
    assertEquals(at(2), focused.members().get("alice").lastSeen());

    RoomState cleared =
        fold(focused, new RoomEvent.DocumentFocused("alice", "c2", Optional.empty(), at(3)));
    assertEquals(Optional.empty(), cleared.members().get("alice").focus());
    assertEquals(at(3), cleared.members().get("alice").lastSeen());
    assertEquals(3, cleared.version());
  }

  @Test
  void keysChangedSetStoresTheValueWithTheVersionAuthorAndTime() {
    JsonNode value = JSON.objectNode().put("x", 1).put("label", "box");
    RoomState state = fold(joined("alice", "s1", 1), keys("alice", "c1", 9, set("shape/1", value)));

    assertEquals(2, state.version());
    assertEquals(Map.of("shape/1", new KeyEntry(value, 2, "alice", at(9))), state.keys());
    assertEquals(2, state.keyVersion("shape/1"));
    assertEquals(at(9), state.members().get("alice").lastSeen());
  }

  @Test
  void keysChangedOverwriteGivesTheKeyTheNewVersionAndDeleteRemovesIt() {
    RoomState twice =
        fold(
            joined("alice", "s1", 1),
            keys("alice", "c1", 2, set("k", JSON.numberNode(1))),
            joined("bob", "s2", 3),
            keys("bob", "c2", 4, set("k", JSON.numberNode(2))));

    assertEquals(new KeyEntry(JSON.numberNode(2), 4, "bob", at(4)), twice.keys().get("k"));
    assertEquals(4, twice.keyVersion("k"));

    RoomState deleted = fold(twice, keys("alice", "c3", 5, delete("k")));
    assertEquals(5, deleted.version());
    assertTrue(deleted.keys().isEmpty());
    assertEquals(0, deleted.keyVersion("k"));
  }

  @Test
  void deletingAMissingKeyStillTakesAVersionAndChangesNoKey() {
    RoomState state =
        fold(joined("alice", "s1", 1), keys("alice", "c1", 2, set("a", JSON.textNode("x"))));
    RoomState after = fold(state, keys("alice", "c2", 3, delete("missing")));

    assertEquals(3, after.version());
    assertEquals(state.keys(), after.keys());
  }

  @Test
  void aBatchSetsAndDeletesUnderOneVersion() {
    RoomState before =
        fold(
            joined("alice", "s1", 1),
            keys("alice", "c1", 2, set("old", JSON.textNode("gone soon")), set("kept", JSON.booleanNode(true))));
    assertEquals(2, before.version());

    RoomState after =
        fold(
            before,
            keys(
                "alice",
                "c2",
                3,
                set("a", JSON.numberNode(1)),
                delete("old"),
                set("b", JSON.arrayNode().add(1).add(2))));

    assertEquals(3, after.version(), "one event, one version, whatever the number of operations");
    assertEquals(
        Map.of(
            "a", new KeyEntry(JSON.numberNode(1), 3, "alice", at(3)),
            "b", new KeyEntry(JSON.arrayNode().add(1).add(2), 3, "alice", at(3)),
            "kept", new KeyEntry(JSON.booleanNode(true), 2, "alice", at(2))),
        after.keys());
  }

  @Test
  void aBatchThatSetsAndThenDeletesTheSameKeyLeavesItAbsent() {
    RoomState state =
        fold(joined("alice", "s1", 1), keys("alice", "c1", 2, set("k", JSON.numberNode(1)), delete("k")));
    assertEquals(2, state.version());
    assertFalse(state.keys().containsKey("k"));
  }

  @Test
  void chatPostedAppendsAMessageNumberedWithTheRoomVersion() {
    RoomState state = fold(joined("alice", "s1", 1), chat("alice", "m1", "hello", 4));

    assertEquals(List.of(new ChatMessage("m1", "alice", "hello", at(4), 2)), state.chat());
    assertEquals(at(4), state.members().get("alice").lastSeen());
  }

  @Test
  void chatHistoryKeepsOnlyTheMostRecentMessagesOldestFirst() {
    List<RoomEvent> events = new ArrayList<>();
    events.add(joined("alice", "s1", 0));
    for (int i = 1; i <= 5; i++) {
      events.add(chat("alice", "m" + i, "message " + i, i));
    }
    RoomState state = fold(events.toArray(new RoomEvent[0]));

    assertEquals(6, state.version());
    assertEquals(CHAT_HISTORY, state.chat().size());
    assertEquals(List.of("m3", "m4", "m5"), state.chat().stream().map(ChatMessage::id).collect(Collectors.toList()));
    assertEquals(List.of(4L, 5L, 6L), state.chat().stream().map(ChatMessage::version).collect(Collectors.toList()));
  }

  @Test
  void chatHistoryOfOneKeepsOnlyTheLastMessage() {
    RoomState state = RoomState.empty().apply(joined("alice", "s1", 0), chatHistory(1));
    state = state.apply(chat("alice", "m1", "one", 1), chatHistory(1));
    state = state.apply(chat("alice", "m2", "two", 2), chatHistory(1));

    assertEquals(List.of(new ChatMessage("m2", "alice", "two", at(2), 3)), state.chat());
  }

  @Test
  void chatHistoryOfZeroKeepsNoMessageButStillCountsTheVersion() {
    RoomState state = RoomState.empty().apply(joined("alice", "s1", 0), chatHistory(0));
    state = state.apply(chat("alice", "m1", "one", 1), chatHistory(0));
    state = state.apply(chat("alice", "m2", "two", 2), chatHistory(0));

    assertTrue(state.chat().isEmpty());
    assertEquals(3, state.version());
  }

  @Test
  void aSmallerChatHistoryAfterARestartTrimsTheOldMessagesOnTheNextPost() {
    RoomState state = fold(joined("alice", "s1", 0), chat("alice", "m1", "1", 1), chat("alice", "m2", "2", 2),
        chat("alice", "m3", "3", 3));
    RoomState trimmed = state.apply(chat("alice", "m4", "4", 4), chatHistory(2));

    assertEquals(List.of("m3", "m4"), trimmed.chat().stream().map(ChatMessage::id).collect(Collectors.toList()));
  }

  @Test
  void everyEventKindRaisesTheVersionByExactlyOne() {
    List<RoomEvent> events =
        List.of(
            joined("alice", "s1", 1),
            new RoomEvent.SessionOpened("alice", "s2", "Alice", "#000000", null, at(2)),
            joined("bob", "s3", 3),
            new RoomEvent.ReadyChanged("bob", "c1", true, at(4)),
            new RoomEvent.DocumentFocused("bob", "c2", Optional.of(new DocumentFocus("d", "text")), at(5)),
            keys("alice", "c3", 6, set("k", JSON.numberNode(1)), delete("other")),
            chat("bob", "c4", "hi", 7),
            new RoomEvent.SessionClosed("alice", "s1", at(8)),
            new RoomEvent.MemberAway("bob", "s3", at(9)),
            new RoomEvent.MemberLeft("bob", RoomEvent.LeaveReason.TIMED_OUT, at(10)));

    RoomState state = RoomState.empty();
    for (int i = 0; i < events.size(); i++) {
      RoomState next = state.apply(events.get(i), BOUNDS);
      assertEquals(state.version() + 1, next.version(), "after " + events.get(i));
      assertEquals(i + 1, next.version());
      state = next;
    }
    assertEquals(Map.of("alice", state.members().get("alice")), state.members());
    assertEquals(Map.of("s2", new Session("s2", null, at(2))), state.members().get("alice").sessions());
  }

  @Test
  void keysAndChatFromAUserWhoIsNoLongerAMemberAreStillApplied() {
    RoomState state =
        fold(
            joined("alice", "s1", 1),
            new RoomEvent.MemberLeft("alice", RoomEvent.LeaveReason.LEFT, at(2)),
            keys("alice", "c1", 3, set("k", JSON.textNode("v"))),
            chat("alice", "m1", "late", 4));

    assertEquals(4, state.version());
    assertTrue(state.members().isEmpty());
    assertEquals(new KeyEntry(JSON.textNode("v"), 3, "alice", at(3)), state.keys().get("k"));
    assertEquals(List.of(new ChatMessage("m1", "alice", "late", at(4), 4)), state.chat());
  }

  @Test
  void memberEventsForAnUnknownMemberAreRefused() {
    RoomState empty = RoomState.empty();
    assertThrows(
        IllegalStateException.class,
        () -> empty.apply(new RoomEvent.ReadyChanged("ghost", "c1", true, at(1)), BOUNDS));
    assertThrows(
        IllegalStateException.class,
        () -> empty.apply(new RoomEvent.SessionClosed("ghost", "s1", at(1)), BOUNDS));
    assertThrows(
        IllegalStateException.class,
        () -> empty.apply(new RoomEvent.SessionOpened("ghost", "s1", "G", "#000000", null, at(1)), BOUNDS));
    assertThrows(
        IllegalStateException.class,
        () -> empty.apply(new RoomEvent.DocumentFocused("ghost", "c1", Optional.empty(), at(1)), BOUNDS));
    assertThrows(
        IllegalStateException.class,
        () -> empty.apply(new RoomEvent.MemberAway("ghost", "s1", at(1)), BOUNDS));
  }

  @Test
  void applyingAnEventLeavesThePreviousStateUnchanged() {
    RoomState before = fold(joined("alice", "s1", 1), keys("alice", "c1", 2, set("k", JSON.numberNode(1))));
    RoomState sameAsBefore = fold(joined("alice", "s1", 1), keys("alice", "c1", 2, set("k", JSON.numberNode(1))));

    fold(
        before,
        keys("alice", "c2", 3, delete("k")),
        new RoomEvent.ReadyChanged("alice", "c3", true, at(4)),
        chat("alice", "c4", "x", 5),
        new RoomEvent.MemberLeft("alice", RoomEvent.LeaveReason.LEFT, at(6)));

    assertEquals(sameAsBefore, before);
    assertEquals(2, before.version());
    assertEquals(1, before.members().size());
    assertThrows(UnsupportedOperationException.class, () -> before.members().clear());
    assertThrows(UnsupportedOperationException.class, () -> before.keys().clear());
    assertThrows(UnsupportedOperationException.class, () -> before.chat().clear());
    assertThrows(UnsupportedOperationException.class, () -> before.appliedCommands().clear());
  }

  // ---- remembered commands (retries)

  /** A remembered command as the tests compare them: without its fingerprint. */
  private static AppliedCommand applied(String userId, String commandId, long version) {
    return new AppliedCommand(userId, commandId, version, AppliedCommand.UNKNOWN_CONTENT);
  }

  private static List<AppliedCommand> window(RoomState state) {
    return state.appliedCommands().stream().map(a -> applied(a.userId(), a.commandId(), a.version())).toList();
  }

  @Test
  void everyEventOfADurableCommandIsRememberedWithItsAuthorIdAndVersion() {
    RoomState state =
        fold(
            joined("alice", "s1", 1),
            joined("bob", "s2", 2),
            new RoomEvent.ReadyChanged("alice", "r1", true, at(3)),
            new RoomEvent.SessionOpened("bob", "s3", "Bob", "#000000", null, at(4)),
            new RoomEvent.DocumentFocused("bob", "f1", Optional.empty(), at(5)),
            new RoomEvent.SessionClosed("bob", "s3", at(6)),
            keys("alice", "k1", 7, set("k", JSON.numberNode(1))));

    assertEquals(
        List.of(applied("alice", "r1", 3), applied("bob", "f1", 5), applied("alice", "k1", 7)),
        window(state),
        "presence events come from no command and are not remembered");
    assertEquals(OptionalLong.of(3), state.appliedVersion("alice", "r1"));
    assertEquals(OptionalLong.of(5), state.appliedVersion("bob", "f1"));
    assertEquals(OptionalLong.of(7), state.appliedVersion("alice", "k1"));
    assertEquals(OptionalLong.empty(), state.appliedVersion("bob", "r1"), "ids are per user");
    assertEquals(OptionalLong.empty(), state.appliedVersion("alice", "f1"));
    assertEquals(OptionalLong.empty(), state.appliedVersion("alice", "never"));
    assertEquals(OptionalLong.empty(), RoomState.empty().appliedVersion("alice", "r1"));
  }

  @Test
  void eachRememberedCommandCarriesTheFingerprintOfItsEvent() {
    RoomEvent.ChatPosted posted = chat("alice", "m1", "hello", 2);
    RoomEvent.KeysChanged changed = keys("alice", "k1", 3, set("k", JSON.numberNode(1)));
    RoomState state = fold(joined("alice", "s1", 1), posted, changed);

    assertEquals(
        List.of(
            new AppliedCommand("alice", "m1", 2, CommandFingerprint.of(posted)),
            new AppliedCommand("alice", "k1", 3, CommandFingerprint.of(changed))),
        state.appliedCommands());
    assertEquals(Optional.of(state.appliedCommands().get(1)), state.appliedCommand("alice", "k1"));
    assertEquals(Optional.empty(), state.appliedCommand("bob", "k1"));
  }

  @Test
  void aWindowReadFromAListFindsItsCommandsAndAnIdUsedTwiceByItsNewest() {
    // a snapshot holds the window as a plain list; an id may be in it twice after a restart with a
    // larger window than the one that forgot it
    RoomState state =
        new RoomState(
            9,
            Map.of(),
            Map.of(),
            List.of(),
            List.of(
                new AppliedCommand("alice", "m1", 3, 11),
                new AppliedCommand("bob", "m1", 4, 12),
                new AppliedCommand("alice", "m1", 8, 13)));

    assertEquals(Optional.of(new AppliedCommand("alice", "m1", 8, 13)), state.appliedCommand("alice", "m1"));
    assertEquals(OptionalLong.of(4), state.appliedVersion("bob", "m1"));
    RoomState next = state.apply(new RoomEvent.MemberJoined("carol", "s3", "Carol", "#123456", null, at(1)), BOUNDS);
    next = next.apply(new RoomEvent.ReadyChanged("carol", "r1", true, at(2)), new RoomState.Bounds(CHAT_HISTORY, 2));
    assertEquals(List.of(applied("alice", "m1", 8), applied("carol", "r1", 11)), window(next));
    assertEquals(OptionalLong.of(8), next.appliedVersion("alice", "m1"), "forgetting the older one keeps the newer");
    assertEquals(OptionalLong.empty(), next.appliedVersion("bob", "m1"));
    assertEquals(OptionalLong.of(4), state.appliedVersion("bob", "m1"), "the state before is unchanged");
    assertEquals(3, state.appliedCommands().size());
  }

  @Test
  void theSameIdFromTwoUsersIsRememberedTwice() {
    RoomState state =
        fold(joined("alice", "s1", 1), joined("bob", "s2", 2), chat("alice", "m1", "a", 3), chat("bob", "m1", "b", 4));

    assertEquals(List.of(applied("alice", "m1", 3), applied("bob", "m1", 4)), window(state));
    assertEquals(OptionalLong.of(3), state.appliedVersion("alice", "m1"));
    assertEquals(OptionalLong.of(4), state.appliedVersion("bob", "m1"));
  }

  @Test
  void theWindowKeepsOnlyTheMostRecentCommandsOldestFirst() {
    List<RoomEvent> events = new ArrayList<>();
    events.add(joined("alice", "s1", 0));
    for (int i = 1; i <= REMEMBERED_COMMANDS + 2; i++) {
      events.add(new RoomEvent.ReadyChanged("alice", "c" + i, i % 2 == 0, at(i)));
    }
    RoomState state = fold(events.toArray(new RoomEvent[0]));

    assertEquals(REMEMBERED_COMMANDS + 3, state.version());
    assertEquals(
        List.of(applied("alice", "c3", 4), applied("alice", "c4", 5), applied("alice", "c5", 6), applied("alice", "c6", 7)),
        window(state));
    assertEquals(OptionalLong.empty(), state.appliedVersion("alice", "c1"), "the oldest is forgotten");
    assertEquals(OptionalLong.empty(), state.appliedVersion("alice", "c2"));
    assertEquals(OptionalLong.of(4), state.appliedVersion("alice", "c3"));
  }

  @Test
  void anIdUsedAgainIsRememberedWithItsLatestVersion() {
    // The rules never let a remembered id through; an id used again after it was forgotten is.
    RoomState state =
        fold(
            joined("alice", "s1", 0),
            chat("alice", "m1", "first", 1),
            chat("alice", "m2", "2", 2),
            chat("alice", "m3", "3", 3),
            chat("alice", "m4", "4", 4),
            chat("alice", "m5", "5", 5),
            chat("alice", "m1", "again", 6));

    assertEquals(OptionalLong.of(7), state.appliedVersion("alice", "m1"));
  }

  @Test
  void aSmallerWindowAfterARestartTrimsTheOldCommandsOnTheNextOne() {
    RoomState state = fold(joined("alice", "s1", 0), chat("alice", "m1", "1", 1), chat("alice", "m2", "2", 2),
        chat("alice", "m3", "3", 3));

    RoomState trimmed = state.apply(chat("alice", "m4", "4", 4), new RoomState.Bounds(CHAT_HISTORY, 2));

    assertEquals(List.of(applied("alice", "m3", 4), applied("alice", "m4", 5)), window(trimmed));
  }

  @Test
  void aWindowOfZeroRemembersNothingButStillCountsTheVersion() {
    RoomState.Bounds none = new RoomState.Bounds(CHAT_HISTORY, 0);
    RoomState state = RoomState.empty().apply(joined("alice", "s1", 0), none);
    state = state.apply(chat("alice", "m1", "one", 1), none);
    state = state.apply(new RoomEvent.ReadyChanged("alice", "r1", true, at(2)), none);

    assertEquals(List.of(), state.appliedCommands());
    assertEquals(3, state.version());
    assertEquals(OptionalLong.empty(), state.appliedVersion("alice", "m1"));
  }

  @Test
  void theWindowIsRebuiltTheSameByAFoldFromScratchAndFromAnyIntermediateState() {
    List<RoomEvent> events = new ArrayList<>();
    events.add(joined("alice", "s1", 0));
    events.add(joined("bob", "s2", 0));
    for (int i = 1; i <= 9; i++) {
      String userId = i % 3 == 0 ? "bob" : "alice";
      events.add(i % 2 == 0 ? chat(userId, "c" + i, "text " + i, i) : keys(userId, "c" + i, i, set("k" + i, JSON.numberNode(i))));
    }

    RoomState fromScratch = fold(events.toArray(new RoomEvent[0]));

    assertEquals(
        List.of(applied("bob", "c6", 8), applied("alice", "c7", 9), applied("alice", "c8", 10), applied("bob", "c9", 11)),
        window(fromScratch));
    for (int cut = 0; cut <= events.size(); cut++) {
      // a snapshot at `cut`, then the events after it
      RoomState snapshot = fold(events.subList(0, cut).toArray(new RoomEvent[0]));
      RoomState recovered = fold(snapshot, events.subList(cut, events.size()).toArray(new RoomEvent[0]));
      assertEquals(fromScratch.appliedCommands(), recovered.appliedCommands(), "snapshot at " + cut);
      assertEquals(fromScratch, recovered);
    }
  }

  @Test
  void withActivityKeepsTheWindow() {
    RoomState state = fold(joined("alice", "s1", 1), chat("alice", "m1", "hi", 2));
    assertEquals(state.appliedCommands(), state.withActivity(Map.of("alice", at(9))).appliedCommands());
  }

  @Test
  void aStateBuiltWithoutAWindowRemembersNothing() {
    RoomState state = new RoomState(3, Map.of(), Map.of(), List.of());
    assertEquals(List.of(), state.appliedCommands());
    assertEquals(state, new RoomState(3, Map.of(), Map.of(), List.of(), null), "an old snapshot has no window");
  }
}
