package io.parley.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.parley.presence.DocumentFocus;
import io.parley.presence.Member;
import io.parley.presence.Session;
import io.parley.room.AppliedCommand;
import io.parley.room.ChatMessage;
import io.parley.room.CommandReply;
import io.parley.room.FanoutMessage;
import io.parley.room.KeyEntry;
import io.parley.room.KeyOp;
import io.parley.room.RejectCode;
import io.parley.room.RoomCommand;
import io.parley.room.RoomEvent;
import io.parley.room.RoomInspection;
import io.parley.room.RoomState;
import io.parley.room.RoomUpdate;
import io.parley.room.Visibility;
import io.parley.room.SessionInbox;
import io.parley.room.SessionReply;
import io.parley.testing.TestConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every message, event and state of the core round trips through the real Pekko serialization
 * (the Jackson CBOR serializer bound in {@code reference.conf}) and comes back equal.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SerializationRoundTripTest {

  private static final int JACKSON_CBOR_ID = 33;
  private static final Instant T1 = Instant.parse("2025-06-07T08:09:10.123456789Z");
  private static final Instant T2 = Instant.parse("2025-06-07T08:10:00Z");
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  @JUnit5TestKit
  private final ActorTestKit kit =
      new JUnit5TestKitBuilder()
          .withName("SerializationRoundTripTest")
          .withCustomConfig(TestConfig.actorSystem())
          .build();

  private final ActorRef<SessionInbox> connection = kit.<SessionInbox>createTestProbe(SessionInbox.class).getRef();
  private final ActorRef<SessionInbox> otherConnection =
      kit.<SessionInbox>createTestProbe(SessionInbox.class).getRef();
  private final ActorRef<CommandReply> replyTo = kit.<CommandReply>createTestProbe(CommandReply.class).getRef();
  private final ActorRef<RoomState> stateReplyTo = kit.<RoomState>createTestProbe(RoomState.class).getRef();

  private static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  /** JSON values a client can send, as the gateway would parse them. */
  static Stream<String> jsonValues() {
    return Stream.of(
        "null",
        "true",
        "false",
        "0",
        "42",
        "-7",
        "2147483648",
        "1000000000000000",
        "-9223372036854775808",
        "123456789012345678901234567890",
        "1.5",
        "-0.1",
        "6.02e23",
        "\"\"",
        "\"text with \\\"quotes\\\", é, 名前 and \\ud83d\\ude00\"",
        "[]",
        "{}",
        "[1, \"a\", null, true, 2.5, [], {}]",
        "{\"x\": 10.5, \"y\": -3, \"label\": \"box\", \"tags\": [\"a\", \"b\"], \"meta\": {\"owner\": null}}",
        "{\"deep\": {\"er\": {\"est\": [[[1]]]}}}");
  }

  private Session session(String id, ActorRef<SessionInbox> ref) {
    return new Session(id, ref, T1);
  }

  private Member alice() {
    return new Member(
        "alice",
        "Alice",
        "#aa0000",
        T1,
        T2,
        Optional.of(new DocumentFocus("doc-1", "canvas")),
        true,
        Map.of("a1", session("a1", connection), "a2", session("a2", otherConnection)),
        Optional.empty());
  }

  /** A member whose connections were all lost: no sessions, away since T2. */
  private Member carolAway() {
    return new Member(
        "carol", "Carol", "#0000cc", T1, T2, Optional.empty(), false, Map.of(), Optional.of(T2));
  }

  private Member bob() {
    return Member.joined("bob", "Bob", "#00bb00", session("b1", otherConnection));
  }

  private List<KeyOp> allKindsOfOps() {
    List<KeyOp> ops = new ArrayList<>();
    jsonValues().forEach(text -> ops.add(new KeyOp.Set("k" + ops.size(), json(text), Optional.empty())));
    ops.add(new KeyOp.Set("guarded", json("{\"v\":1}"), Optional.of(7L)));
    ops.add(new KeyOp.Set("created", JSON.textNode("new"), Optional.of(0L)));
    ops.add(new KeyOp.Delete("gone", Optional.empty()));
    ops.add(new KeyOp.Delete("guarded-gone", Optional.of(Long.MAX_VALUE)));
    return ops;
  }

  private RoomState fullState() {
    Map<String, KeyEntry> keys = new LinkedHashMap<>();
    jsonValues().forEach(text -> keys.put("key-" + keys.size(), new KeyEntry(json(text), keys.size() + 1, "alice", T2)));
    return new RoomState(
        42,
        Map.of("alice", alice(), "bob", bob(), "carol", carolAway()),
        keys,
        List.of(
            new ChatMessage("m1", "alice", "hello\nworld", T1, 40),
            new ChatMessage("m2", "bob", "\uD83D\uDE00", T2, 41)),
        appliedCommands(),
        new Visibility(true, Optional.of("Design review \uD83D\uDE00")));
  }

  /** The window of remembered commands, oldest first; the same id from two users included. */
  private List<AppliedCommand> appliedCommands() {
    return List.of(
        new AppliedCommand("alice", "c1", 38, -6_401_224_473_937_431_554L),
        new AppliedCommand("bob", "c1", 39, 1),
        new AppliedCommand("alice", "m1", 40, Long.MAX_VALUE),
        new AppliedCommand("bob", "m2", 41, AppliedCommand.UNKNOWN_CONTENT));
  }

  private List<RoomEvent> everyEvent() {
    return List.of(
        new RoomEvent.MemberJoined("alice", "a1", "Alice", "#aa0000", connection, T1),
        new RoomEvent.SessionOpened("alice", "a2", "Alice (tab 2)", "#aa0000", otherConnection, T2),
        new RoomEvent.SessionClosed("alice", "a1", T2),
        new RoomEvent.MemberAway("alice", "a2", T2),
        new RoomEvent.SessionOpened("alice", "a3", "Alice", "#aa0000", connection, T2),
        new RoomEvent.MemberLeft("alice", RoomEvent.LeaveReason.LEFT, T2),
        new RoomEvent.MemberLeft("carol", RoomEvent.LeaveReason.TIMED_OUT, T1),
        new RoomEvent.MemberLeft("dave", RoomEvent.LeaveReason.KICKED, T1),
        new RoomEvent.MemberLeft("erin", RoomEvent.LeaveReason.ROOM_CLOSED, T1),
        new RoomEvent.ReadyChanged("bob", "r1", true, T1),
        new RoomEvent.ReadyChanged("bob", "r2", false, T1),
        new RoomEvent.DocumentFocused("bob", "f1", Optional.of(new DocumentFocus("doc:42", "text+md")), T1),
        new RoomEvent.DocumentFocused("bob", "f2", Optional.empty(), T1),
        new RoomEvent.KeysChanged("bob", "c1", allKindsOfOps(), T1),
        new RoomEvent.ChatPosted("bob", "m1", "hi <b>there</b>\n\tsecond line", T2),
        new RoomEvent.VisibilityChanged(
            "bob", "v1", new Visibility(true, Optional.of("Planning")), 3, T2),
        new RoomEvent.VisibilityChanged("bob", "v2", Visibility.PRIVATE, 0, T2));
  }

  private List<Object> samples() {
    List<Object> samples = new ArrayList<>();
    // commands
    samples.add(new RoomCommand.OpenSession("a1", "alice", "Alice", "#aa0000", connection));
    for (RoomCommand.SessionEnd end : RoomCommand.SessionEnd.values()) {
      samples.add(new RoomCommand.CloseSession("a1", end));
    }
    samples.add(new RoomCommand.SessionActive("a1", T1));
    samples.add(new RoomCommand.Stop());
    samples.add(new RoomCommand.GraceExpired("alice"));
    samples.add(new RoomCommand.HeldCursorDue("a1"));
    samples.add(new RoomCommand.PassivateIfEmpty());
    samples.add(new RoomCommand.FlushCursors());
    samples.add(new RoomCommand.WriteBatch());
    samples.add(new RoomCommand.RecoveryWatchesChecked(2));
    samples.add(new RoomCommand.ChangeKeys("c1", "a1", allKindsOfOps(), replyTo));
    samples.add(new RoomCommand.SetReady("r1", "a1", true, replyTo));
    samples.add(new RoomCommand.FocusDocument("f1", "a1", Optional.of(new DocumentFocus("doc-1", "canvas")), replyTo));
    samples.add(new RoomCommand.FocusDocument("f2", "a1", Optional.empty(), replyTo));
    samples.add(new RoomCommand.PostChat("m1", "a1", "hello", replyTo));
    samples.add(new RoomCommand.SetVisibility("v1", "a1", true, Optional.of("Planning"), replyTo));
    samples.add(new RoomCommand.SetVisibility("v2", "a1", false, Optional.empty(), replyTo));
    samples.add(new RoomCommand.Kick("k1", "bob", replyTo));
    samples.add(new RoomCommand.CloseRoom("x1", replyTo));
    samples.add(new RoomCommand.MoveCursor("a1", 10.25, -3.5, Optional.of("doc-1")));
    samples.add(new RoomCommand.MoveCursor("a1", 0, Double.MAX_VALUE, Optional.empty()));
    samples.add(new RoomCommand.GetSnapshot(stateReplyTo));
    samples.add(new RoomCommand.Inspect(kit.<RoomInspection>createTestProbe(RoomInspection.class).getRef()));
    samples.add(
        new RoomInspection(
            "r1",
            "pekko://parley@10.0.0.1:25520",
            7,
            List.of(
                new RoomInspection.MemberView(
                    "alice",
                    "Alice",
                    "away",
                    Instant.parse("2025-01-02T03:04:05Z"),
                    Instant.parse("2025-01-02T03:04:06Z"),
                    Optional.of(Instant.parse("2025-01-02T03:04:06Z")),
                    List.of()),
                new RoomInspection.MemberView(
                    "bob",
                    "Bob",
                    "online",
                    Instant.parse("2025-01-02T03:04:05Z"),
                    Instant.parse("2025-01-02T03:04:05Z"),
                    Optional.empty(),
                    List.of(
                        new RoomInspection.SessionView(
                            "b1", "pekko://parley@10.0.0.2:25520", Instant.parse("2025-01-02T03:04:05Z"))))),
            3,
            418,
            2,
            0));
    samples.add(new RoomCommand.Replay(7, connection));
    // events, alone and as delivered to the connections
    long version = 1;
    for (RoomEvent event : everyEvent()) {
      samples.add(event);
      samples.add(new RoomUpdate.EventDelivered(version++, event));
    }
    samples.add(new RoomUpdate.CursorMoved("alice", "a1", 1.5, 2.5, Optional.of("doc-1")));
    samples.add(new RoomUpdate.CursorMoved("alice", "a1", -1, 0, Optional.empty()));
    samples.add(
        new RoomUpdate.Cursors(
            List.of(
                new RoomUpdate.CursorMoved("alice", "a1", 1.5, 2.5, Optional.of("doc-1")),
                new RoomUpdate.CursorMoved("bob", "b1", 0, 0, Optional.empty()))));
    // replies
    samples.add(new CommandReply.Accepted("c1", 43));
    for (RejectCode code : RejectCode.values()) {
      samples.add(new CommandReply.Rejected("c1", code, "because " + code.wireName()));
    }
    samples.add(
        new CommandReply.Rejected(
            "c1", RejectCode.RATE_LIMITED, "too many changes", Optional.of(java.time.Duration.ofNanos(1_234_567_891))));
    samples.add(new SessionReply.Refused("a1", RejectCode.ROOM_FULL, "the room already has its maximum of 2 members"));
    samples.add(new SessionReply.Refused("a1", RejectCode.OVERLOADED, "room overloaded, retry in 1000 ms", Optional.of(java.time.Duration.ofSeconds(1))));
    samples.add(new SessionReply.Welcome("a1", fullState()));
    samples.add(new SessionReply.Welcome("a1", RoomState.empty()));
    samples.add(new SessionReply.Refused("a1", RejectCode.VALIDATION, "color: must be a colour written #rrggbb in hexadecimal, like #1e90ff"));
    samples.add(new SessionReply.Left("a1"));
    samples.add(new SessionReply.Ended("a1", RoomEvent.LeaveReason.KICKED));
    samples.add(new SessionReply.Missed(3, Optional.empty()));
    samples.add(new SessionReply.Missed(3, Optional.of(List.of(new RoomUpdate.EventDelivered(4, new RoomEvent.ReadyChanged("u", "c", true, T1))))));
    // to the fan-out of a node
    samples.add(
        new FanoutMessage.Event(
            "r1", new RoomUpdate.EventDelivered(4, new RoomEvent.ReadyChanged("u", "c", true, T1)), Optional.of("a1")));
    samples.add(
        new FanoutMessage.Cursors(
            "r1",
            new RoomUpdate.Cursors(List.of(new RoomUpdate.CursorMoved("bob", "b1", 0, 0, Optional.empty()))),
            Optional.empty()));
    samples.add(new FanoutMessage.Answer("r1", new CommandReply.Accepted("c1", 43), replyTo));
    samples.add(
        new FanoutMessage.Answer(
            "r1", new CommandReply.Rejected("c2", RejectCode.NOT_STORED, "not stored"), replyTo));
    samples.add(new FanoutMessage.Welcome("r1", new SessionReply.Welcome("a1", fullState()), connection));
    samples.add(new FanoutMessage.SessionsOpen("r1", Map.of("a1", connection, "b1", otherConnection)));
    samples.add(new FanoutMessage.SessionClosed("r1", "a1"));
    samples.add(new FanoutMessage.NodeLost("pekko://parley@127.0.0.1:25521"));
    // state and its parts
    samples.add(RoomState.empty());
    samples.add(fullState());
    samples.add(alice());
    samples.add(bob());
    samples.add(carolAway());
    samples.add(session("a1", connection));
    samples.add(new DocumentFocus("doc-1", "canvas"));
    samples.add(new ChatMessage("m1", "alice", "hello", T1, 3));
    samples.add(new AppliedCommand("alice", "c1", 3, 42));
    samples.add(new RoomState(7, Map.of("bob", bob()), Map.of(), List.of(), appliedCommands()));
    samples.add(new KeyEntry(json("{\"a\":[1,2,{\"b\":null}]}"), 9, "alice", T2));
    samples.add(new KeyEntry(JSON.nullNode(), 9, "alice", T2));
    samples.addAll(allKindsOfOps());
    return samples;
  }

  Stream<Arguments> everySample() {
    return samples().stream().map(sample -> Arguments.of(sample.getClass().getSimpleName(), sample));
  }

  private Serialization serialization() {
    return SerializationExtension.get(kit.system());
  }

  private Object roundTrip(Object original) {
    Serialization serialization = serialization();
    Serializer serializer = serialization.findSerializerFor(original);
    assertInstanceOf(JacksonCborSerializer.class, serializer, () -> original.getClass() + " uses " + serializer);
    assertEquals(JACKSON_CBOR_ID, serializer.identifier());
    // Serialization.serialize/deserialize set the transport information that ActorRefs need.
    byte[] bytes = serialization.serialize(original).get();
    String manifest = Serializers.manifestFor(serializer, original);
    return serialization.deserialize(bytes, serializer.identifier(), manifest).get();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("everySample")
  void roundTripsThroughTheJacksonCborSerializer(String name, Object original) {
    Object copy = roundTrip(original);
    assertNotSame(original, copy);
    assertEquals(original.getClass(), copy.getClass());
    assertEquals(original, copy);
  }

  @ParameterizedTest
  @MethodSource("jsonValues")
  void aJsonValueInsideASetRoundTripsWithItsExactNodeTypes(String text) {
    JsonNode value = json(text);
    KeyOp.Set copy = (KeyOp.Set) roundTrip(new KeyOp.Set("k", value, Optional.empty()));
    assertEquals(value, copy.value());
    assertEquals(value.getNodeType(), copy.value().getNodeType());
    assertEquals(value.numberType(), copy.value().numberType());
    assertEquals(value.toString(), copy.value().toString());
  }

  @Test
  void aDeliveredEventKeepsItsConcreteType() {
    for (RoomEvent event : everyEvent()) {
      RoomUpdate.EventDelivered copy = (RoomUpdate.EventDelivered) roundTrip(new RoomUpdate.EventDelivered(7, event));
      assertEquals(event.getClass(), copy.event().getClass());
      assertEquals(event, copy.event());
    }
  }

  @Test
  void actorRefsComeBackUsable() {
    var probe = kit.<SessionInbox>createTestProbe(SessionInbox.class);
    Session copy = (Session) roundTrip(new Session("s1", probe.getRef(), T1));
    copy.connection().tell(new CommandReply.Accepted("c1", 1));
    probe.expectMessage(new CommandReply.Accepted("c1", 1));
  }

  /** A new record in a sealed family must get a sample above, or this test fails. */
  @Test
  void theSamplesCoverEveryConcreteSerializableType() {
    Set<Class<?>> expected = new HashSet<>();
    for (Class<?> family :
        List.of(
            RoomCommand.class,
            RoomEvent.class,
            RoomUpdate.class,
            CommandReply.class,
            SessionReply.class,
            KeyOp.class,
            FanoutMessage.class)) {
      collectConcrete(family, expected);
    }
    expected.addAll(
        List.of(
            RoomState.class,
            Member.class,
            Session.class,
            DocumentFocus.class,
            ChatMessage.class,
            KeyEntry.class,
            AppliedCommand.class));

    Set<Class<?>> sampled = samples().stream().map(Object::getClass).collect(Collectors.toSet());
    Set<String> missing =
        expected.stream().filter(c -> !sampled.contains(c)).map(Class::getName).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(Set.of(), missing);
    assertTrue(expected.size() >= 30, "found only " + expected);
  }

  private static void collectConcrete(Class<?> type, Set<Class<?>> into) {
    if (type.isSealed()) {
      for (Class<?> sub : type.getPermittedSubclasses()) {
        collectConcrete(sub, into);
      }
    } else if (!type.isInterface()) {
      into.add(type);
    }
  }

  /** A snapshot written before rooms remembered commands has no window: it reads as empty. */
  @Test
  void aRoomStateWithoutTheWindowOfCommandsReadsWithAnEmptyWindow() throws Exception {
    RoomState state = fullState();
    Serializer serializer = serialization().findSerializerFor(state);
    ObjectMapper cbor = new ObjectMapper(new CBORFactory());
    ObjectNode tree = (ObjectNode) cbor.readTree(serialization().serialize(state).get());
    assertTrue(tree.has("appliedCommands"), () -> "fields: " + tree);
    tree.remove("appliedCommands");
    byte[] old = cbor.writeValueAsBytes(tree);

    Object read =
        serialization()
            .deserialize(old, serializer.identifier(), Serializers.manifestFor(serializer, state))
            .get();

    assertEquals(
        new RoomState(
            state.version(),
            state.members(),
            state.keys(),
            state.chat(),
            List.of(),
            state.visibility()),
        read);
  }

  /** A snapshot written before rooms could be public reads as a private room. */
  @Test
  void aRoomStateWithoutVisibilityReadsAsPrivate() throws Exception {
    RoomState state = fullState();
    Serializer serializer = serialization().findSerializerFor(state);
    ObjectMapper cbor = new ObjectMapper(new CBORFactory());
    ObjectNode tree = (ObjectNode) cbor.readTree(serialization().serialize(state).get());
    assertTrue(tree.has("visibility"), () -> "fields: " + tree);
    tree.remove("visibility");
    byte[] old = cbor.writeValueAsBytes(tree);

    Object read =
        serialization()
            .deserialize(old, serializer.identifier(), Serializers.manifestFor(serializer, state))
            .get();

    assertEquals(Visibility.PRIVATE, ((RoomState) read).visibility());
    assertEquals(state.appliedCommands(), ((RoomState) read).appliedCommands());
  }

  /**
   * A snapshot written before rooms kept fingerprints: its commands read with an unknown
   * fingerprint, which a retry of any content matches (see {@link AppliedCommand#isRetriedBy}).
   */
  @Test
  void aRememberedCommandWithoutAFingerprintReadsAsUnknownContent() throws Exception {
    RoomState state = fullState();
    Serializer serializer = serialization().findSerializerFor(state);
    ObjectMapper cbor = new ObjectMapper(new CBORFactory());
    ObjectNode tree = (ObjectNode) cbor.readTree(serialization().serialize(state).get());
    for (JsonNode applied : tree.get("appliedCommands")) {
      assertTrue(applied.has("fingerprint"), () -> "fields: " + applied);
      ((ObjectNode) applied).remove("fingerprint");
    }
    byte[] old = cbor.writeValueAsBytes(tree);

    RoomState read =
        (RoomState)
            serialization()
                .deserialize(old, serializer.identifier(), Serializers.manifestFor(serializer, state))
                .get();

    assertEquals(
        state.appliedCommands().stream()
            .map(a -> new AppliedCommand(a.userId(), a.commandId(), a.version(), AppliedCommand.UNKNOWN_CONTENT))
            .toList(),
        read.appliedCommands());
    assertEquals(java.util.OptionalLong.of(38), read.appliedVersion("alice", "c1"));
    assertTrue(read.appliedCommands().get(0).isRetriedBy(12345));
  }

  @Test
  void theManifestIsTheClassName() {
    Object message = new CommandReply.Accepted("c", 1);
    Serializer serializer = serialization().findSerializerFor(message);
    assertTrue(serializer.includeManifest());
    assertEquals(CommandReply.Accepted.class.getName(), Serializers.manifestFor(serializer, message));
  }
}
