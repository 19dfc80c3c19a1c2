package io.parley.room;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.parley.testing.TestConfig;
import io.parley.validation.FieldValidator;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A batch decided against the running state, without actors. Connections and {@code replyTo} are
 * {@code null}: the group commit never sends anything itself.
 */
class GroupCommitTest {

  private static final Instant NOW = Instant.parse("2025-02-03T04:05:06Z");
  private static final Instant LATER = NOW.plusSeconds(1);
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final RoomState.Bounds BOUNDS = TestConfig.roomSettings().stateBounds();
  private static final RoomRules RULES =
      new RoomRules(
          new FieldValidator(TestConfig.defaultLimits()), TestConfig.roomSettings().membersPerRoom());

  /** The chat text the fake journal cannot store. */
  private static final String UNSTORABLE = "unstorable";

  private static final EventCheck CHECK =
      event ->
          event instanceof RoomEvent.ChatPosted chat && chat.text().equals(UNSTORABLE)
              ? Optional.of("no serializer for this text")
              : Optional.empty();

  /** alice (session a1) and bob (session b1), version 3: alice's command c0 set key "k" at 3. */
  private static final RoomState ROOM =
      fold(
          new RoomEvent.MemberJoined("alice", "a1", "Alice", "#aa0000", null, NOW),
          new RoomEvent.MemberJoined("bob", "b1", "Bob", "#00bb00", null, NOW),
          new RoomEvent.KeysChanged(
              "alice", "c0", List.of(new KeyOp.Set("k", JSON.textNode("v"), Optional.empty())), NOW));

  private final GroupCommit commit = new GroupCommit(RULES, CHECK, BOUNDS);

  private static RoomState fold(RoomEvent... events) {
    RoomState state = RoomState.empty();
    for (RoomEvent event : events) {
      state = state.apply(event, BOUNDS);
    }
    return state;
  }

  private static RoomCommand.ChangeKeys setX(String commandId, String sessionId, String value, long expect) {
    return new RoomCommand.ChangeKeys(
        commandId, sessionId, List.of(new KeyOp.Set("x", JSON.textNode(value), Optional.of(expect))), null);
  }

  private static RoomCommand.PostChat chat(String commandId, String sessionId, String text) {
    return new RoomCommand.PostChat(commandId, sessionId, text, null);
  }

  private GroupCommit.Batch decide(RoomCommand.Durable... commands) {
    for (RoomCommand.Durable command : commands) {
      commit.add(command);
    }
    return commit.decide(ROOM, LATER);
  }

  private static GroupCommit.Outcome outcome(GroupCommit.Batch batch, int index) {
    return (GroupCommit.Outcome) batch.results().get(index);
  }

  private static RoomCommand.OpenSession join(String sessionId, String userId) {
    return new RoomCommand.OpenSession(sessionId, userId, userId, "#123456", null);
  }

  @Test
  void theRoomUnderTestIsAtVersion3() {
    assertThat(ROOM.version()).isEqualTo(3);
    assertThat(ROOM.appliedVersion("alice", "c0")).hasValue(3);
  }

  @Test
  void onlyTheFirstCommandSinceTheLastDecisionAsksForAWrite() {
    assertThat(commit.isEmpty()).isTrue();
    assertThat(commit.add(chat("c1", "a1", "one"))).isTrue();
    assertThat(commit.add(chat("c2", "a1", "two"))).isFalse();
    assertThat(commit.add(chat("c3", "b1", "three"))).isFalse();
    assertThat(commit.isEmpty()).isFalse();

    commit.decide(ROOM, LATER);

    assertThat(commit.add(chat("c4", "a1", "four"))).isTrue();
    assertThat(commit.add(chat("c5", "a1", "five"))).isFalse();
  }

  @Test
  void decidingEmptiesTheQueue() {
    GroupCommit.Batch first = decide(chat("c1", "a1", "one"), chat("c2", "b1", "two"));
    assertThat(first.results()).hasSize(2);
    assertThat(commit.isEmpty()).isTrue();

    GroupCommit.Batch second = commit.decide(ROOM, LATER);
    assertThat(second.events()).isEmpty();
    assertThat(second.results()).isEmpty();
  }

  @Test
  void anEmptyQueueDecidesAnEmptyBatch() {
    GroupCommit.Batch batch = commit.decide(ROOM, LATER);
    assertThat(batch.events()).isEmpty();
    assertThat(batch.results()).isEmpty();
  }

  @Test
  void commandsAreDecidedInArrivalOrderEachAgainstTheChangesBeforeIt() {
    RoomCommand.ChangeKeys create = setX("c1", "a1", "first", 0);
    RoomCommand.ChangeKeys update = setX("c2", "b1", "second", 4);
    RoomCommand.ChangeKeys stale = setX("c3", "a1", "third", 0);

    GroupCommit.Batch batch = decide(create, update, stale);

    RoomEvent created = new RoomEvent.KeysChanged("alice", "c1", create.ops(), LATER);
    RoomEvent updated = new RoomEvent.KeysChanged("bob", "c2", update.ops(), LATER);
    assertThat(batch.events()).containsExactly(created, updated);
    assertThat(batch.results()).hasSize(3);

    GroupCommit.Applied first = (GroupCommit.Applied) outcome(batch, 0);
    assertThat(first.command()).isSameAs(create);
    assertThat(first.event()).isEqualTo(created);
    assertThat(first.after()).isEqualTo(ROOM.apply(created, BOUNDS));
    assertThat(first.after().version()).isEqualTo(4);

    GroupCommit.Applied second = (GroupCommit.Applied) outcome(batch, 1);
    assertThat(second.command()).isSameAs(update);
    assertThat(second.event()).isEqualTo(updated);
    assertThat(second.after()).isEqualTo(ROOM.apply(created, BOUNDS).apply(updated, BOUNDS));
    assertThat(second.after().version()).isEqualTo(5);
    assertThat(second.after().keys().get("x").value()).isEqualTo(JSON.textNode("second"));

    assertThat(outcome(batch, 2))
        .isEqualTo(
            new GroupCommit.Refused(
                stale, RejectCode.CONFLICT, "x is at version 5, expected 0", Optional.empty()));
  }

  @Test
  void aRetryOfACommandAppliedEarlierInTheBatchGetsTheEarlierVersion() {
    RoomCommand.PostChat original = chat("c1", "a1", "hello");
    RoomCommand.PostChat other = chat("c2", "b1", "hi");
    RoomCommand.PostChat retry = chat("c1", "a1", "hello");

    GroupCommit.Batch batch = decide(original, other, retry);

    assertThat(batch.events())
        .containsExactly(
            new RoomEvent.ChatPosted("alice", "c1", "hello", LATER),
            new RoomEvent.ChatPosted("bob", "c2", "hi", LATER));
    assertThat(outcome(batch, 2)).isEqualTo(new GroupCommit.Retried(retry, 4));
    assertThat(outcome(batch, 2).reply()).isEqualTo(new CommandReply.Accepted("c1", 4));
  }

  @Test
  void aRetryOfACommandAppliedBeforeTheBatchGetsItsOriginalVersion() {
    RoomCommand.ChangeKeys retry =
        new RoomCommand.ChangeKeys(
            "c0", "a1", List.of(new KeyOp.Set("k", JSON.textNode("v"), Optional.empty())), null);

    GroupCommit.Batch batch = decide(retry);

    assertThat(batch.events()).isEmpty();
    assertThat(batch.results()).containsExactly(new GroupCommit.Retried(retry, 3));
  }

  @Test
  void theSameIdWithAnotherContentEarlierInTheBatchIsRefusedAsReused() {
    RoomCommand.PostChat tab1 = chat("m1", "a1", "from tab 1");
    RoomCommand.PostChat tab2 = chat("m1", "a1", "from tab 2");
    RoomCommand.ChangeKeys reusedBefore = setX("c0", "a1", "whatever", 0);

    GroupCommit.Batch batch = decide(tab1, tab2, reusedBefore);

    assertThat(batch.events()).containsExactly(new RoomEvent.ChatPosted("alice", "m1", "from tab 1", LATER));
    assertThat(outcome(batch, 0).reply()).isEqualTo(new CommandReply.Accepted("m1", 4));
    assertThat(outcome(batch, 1).reply())
        .isEqualTo(
            new CommandReply.Rejected(
                "m1",
                RejectCode.ID_REUSED,
                "command id m1 was already used for a different command (version 4); use a fresh id for a new command"));
    assertThat(outcome(batch, 2).reply())
        .isEqualTo(
            new CommandReply.Rejected(
                "c0",
                RejectCode.ID_REUSED,
                "command id c0 was already used for a different command (version 3); use a fresh id for a new command"));
  }

  @Test
  void theSameIdFromAnotherMemberIsAnotherCommand() {
    GroupCommit.Batch batch = decide(chat("c1", "a1", "from alice"), chat("c1", "b1", "from bob"));

    assertThat(batch.events())
        .containsExactly(
            new RoomEvent.ChatPosted("alice", "c1", "from alice", LATER),
            new RoomEvent.ChatPosted("bob", "c1", "from bob", LATER));
  }

  @Test
  void aRulesRejectionIsRefusedWithItsCodeAndNoCause() {
    RoomCommand.PostChat stranger = chat("c1", "zz", "hello");
    RoomCommand.PostChat empty = chat("c2", "a1", "");

    GroupCommit.Batch batch = decide(stranger, empty);

    assertThat(batch.events()).isEmpty();
    assertThat(outcome(batch, 0))
        .isEqualTo(
            new GroupCommit.Refused(
                stranger, RejectCode.NOT_MEMBER, "no open session zz", Optional.empty()));
    assertThat(outcome(batch, 1))
        .isEqualTo(
            new GroupCommit.Refused(
                empty,
                RejectCode.VALIDATION,
                "text: must not be blank",
                Optional.empty()));
  }

  @Test
  void anEventTheJournalWouldRefuseFailsOnlyItsOwnCommandAndTakesNoVersion() {
    RoomCommand.PostChat before = chat("c1", "a1", "before");
    RoomCommand.PostChat unstorable = chat("c2", "b1", UNSTORABLE);
    RoomCommand.PostChat after = chat("c3", "a1", "after");

    GroupCommit.Batch batch = decide(before, unstorable, after);

    RoomEvent first = new RoomEvent.ChatPosted("alice", "c1", "before", LATER);
    RoomEvent third = new RoomEvent.ChatPosted("alice", "c3", "after", LATER);
    assertThat(batch.events()).containsExactly(first, third);
    assertThat(outcome(batch, 1))
        .isEqualTo(
            new GroupCommit.Refused(
                unstorable,
                RejectCode.NOT_STORED,
                "the room could not store this change",
                Optional.of("no serializer for this text")));
    GroupCommit.Applied last = (GroupCommit.Applied) outcome(batch, 2);
    assertThat(last.after().version()).isEqualTo(5);
    assertThat(last.after()).isEqualTo(ROOM.apply(first, BOUNDS).apply(third, BOUNDS));
    assertThat(last.after().appliedVersion("bob", "c2")).isEmpty();
  }

  @Test
  void aCommandRefusedAsNotStoredIsNotRememberedSoItsRetryIsRefusedAgain() {
    RoomCommand.PostChat unstorable = chat("c1", "b1", UNSTORABLE);

    GroupCommit.Batch batch = decide(unstorable, unstorable);

    assertThat(batch.events()).isEmpty();
    assertThat(batch.results())
        .extracting(outcome -> ((GroupCommit.Refused) outcome).code())
        .containsExactly(RejectCode.NOT_STORED, RejectCode.NOT_STORED);
  }

  @Test
  void eachOutcomeRepliesWhatItsSenderIsOwed() {
    RoomCommand.PostChat applied = chat("c1", "a1", "hello");
    RoomCommand.PostChat retried = chat("c1", "a1", "hello");
    RoomCommand.PostChat notMember = chat("c2", "zz", "hello");
    RoomCommand.PostChat notStored = chat("c3", "b1", UNSTORABLE);
    RoomCommand.ChangeKeys applied2 = setX("c4", "b1", "v", 0);

    GroupCommit.Batch batch = decide(applied, retried, notMember, notStored, applied2);

    assertThat(batch.results())
        .extracting(result -> ((GroupCommit.Outcome) result).reply())
        .containsExactly(
            new CommandReply.Accepted("c1", 4),
            new CommandReply.Accepted("c1", 4),
            new CommandReply.Rejected("c2", RejectCode.NOT_MEMBER, "no open session zz", Optional.empty()),
            new CommandReply.Rejected(
                "c3", RejectCode.NOT_STORED, "the room could not store this change", Optional.empty()),
            new CommandReply.Accepted("c4", 5));
    assertThat(batch.results())
        .extracting(result -> ((GroupCommit.Outcome) result).command())
        .containsExactly(applied, retried, notMember, notStored, applied2);
  }

  @Test
  void theNextBatchStartsFromTheStateItIsGiven() {
    GroupCommit.Batch first = decide(setX("c1", "a1", "one", 0));
    RoomState afterFirst = ((GroupCommit.Applied) outcome(first, 0)).after();

    commit.add(setX("c2", "b1", "two", 4));
    GroupCommit.Batch second = commit.decide(afterFirst, LATER);

    assertThat(second.results()).singleElement().isInstanceOf(GroupCommit.Applied.class);
    assertThat(((GroupCommit.Applied) outcome(second, 0)).after().version()).isEqualTo(5);
  }

  @Test
  void joinsAndCommandsShareOneWriteInArrivalOrder() {
    RoomCommand.PostChat before = chat("c1", "a1", "before carol");
    RoomCommand.OpenSession carol = join("c-1", "carol");
    RoomCommand.OpenSession bobAgain = join("b2", "bob");
    commit.add(before);
    assertThat(commit.add(carol)).isFalse();
    assertThat(commit.add(bobAgain)).isFalse();

    GroupCommit.Batch batch = commit.decide(ROOM, LATER);

    RoomEvent chatted = new RoomEvent.ChatPosted("alice", "c1", "before carol", LATER);
    RoomEvent carolJoined = new RoomEvent.MemberJoined("carol", "c-1", "carol", "#123456", null, LATER);
    RoomEvent bobOpened = new RoomEvent.SessionOpened("bob", "b2", "bob", "#123456", null, LATER);
    assertThat(batch.events()).containsExactly(chatted, carolJoined, bobOpened);
    GroupCommit.Joined joined = (GroupCommit.Joined) batch.results().get(1);
    assertThat(joined.command()).isSameAs(carol);
    assertThat(joined.after().version()).isEqualTo(5);
    assertThat(joined.after().member("carol")).isPresent();
    assertThat(joined.after().member("bob").orElseThrow().sessions()).doesNotContainKey("b2");
    GroupCommit.Joined opened = (GroupCommit.Joined) batch.results().get(2);
    assertThat(opened.after().version()).isEqualTo(6);
    assertThat(opened.after().member("bob").orElseThrow().sessions()).containsKey("b2");
  }

  @Test
  void aJoinIsTheFirstInTheQueueWhenNothingWaits() {
    assertThat(commit.add(join("c-1", "carol"))).isTrue();
    assertThat(commit.add(chat("c1", "a1", "hi"))).isFalse();
  }

  @Test
  void joinsAreDecidedAgainstTheJoinsBeforeThemInTheBatch() {
    GroupCommit fullAtThree =
        new GroupCommit(new RoomRules(new FieldValidator(TestConfig.defaultLimits()), 3), CHECK, BOUNDS);
    RoomCommand.OpenSession carol = join("c-1", "carol");
    RoomCommand.OpenSession dave = join("d-1", "dave");
    RoomCommand.OpenSession carolAgain = join("c-1", "carol");
    fullAtThree.add(carol);
    fullAtThree.add(dave);
    fullAtThree.add(carolAgain);

    GroupCommit.Batch batch = fullAtThree.decide(ROOM, LATER);

    assertThat(batch.events()).hasSize(1);
    assertThat(batch.results().get(0)).isInstanceOf(GroupCommit.Joined.class);
    assertThat(batch.results().get(1))
        .isEqualTo(
            new GroupCommit.JoinRefused(
                dave, RejectCode.ROOM_FULL, "the room already has its maximum of 3 members", Optional.empty()));
    assertThat(batch.results().get(2))
        .isEqualTo(
            new GroupCommit.JoinRefused(
                carolAgain, RejectCode.VALIDATION, "sessionId: is already open in this room", Optional.empty()));
  }

  @Test
  void aJoinWhoseEventTheJournalWouldRefuseIsRefusedWithItsCause() {
    GroupCommit refusingJoins =
        new GroupCommit(
            RULES,
            event ->
                event instanceof RoomEvent.MemberJoined
                    ? Optional.of("no serializer for this member")
                    : Optional.empty(),
            BOUNDS);
    RoomCommand.OpenSession carol = join("c-1", "carol");
    refusingJoins.add(carol);

    GroupCommit.Batch batch = refusingJoins.decide(ROOM, LATER);

    assertThat(batch.events()).isEmpty();
    assertThat(batch.results())
        .containsExactly(
            new GroupCommit.JoinRefused(
                carol,
                RejectCode.NOT_STORED,
                "the room could not store this join",
                Optional.of("no serializer for this member")));
  }
}
