package io.parley.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parley.presence.DocumentFocus;
import io.parley.presence.Member;
import io.parley.presence.Session;
import io.parley.room.ChatMessage;
import io.parley.room.KeyEntry;
import io.parley.room.KeyOp;
import io.parley.room.RejectCode;
import io.parley.room.RoomEvent;
import io.parley.room.RoomState;
import io.parley.room.Visibility;
import io.parley.room.RoomUpdate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FrameEncoderTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
  private static final Instant T1 = Instant.parse("2024-05-01T10:05:00.123Z");
  private static final Instant T2 = Instant.parse("2024-05-01T10:09:59.5Z");

  private final FrameEncoder encoder = new FrameEncoder();

  private static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  private static JsonNode tree(String singleQuoted) {
    return parse(singleQuoted.replace('\'', '"'));
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  private static final FrameEncoder.Heartbeat HEARTBEAT =
      new FrameEncoder.Heartbeat(Duration.ofSeconds(15), Duration.ofSeconds(45));

  private static final FrameEncoder.Grant GRANT =
      new FrameEncoder.Grant("write", Optional.of(Instant.parse("2026-12-01T12:00:00Z")));

  private static Session session(String id, Instant openedAt) {
    // The connection is only used by the room; the encoder never writes it.
    return new Session(id, null, openedAt);
  }

  /**
   * A room with three members whose map order is not their join order, three keys out of
   * alphabetical order, and two chat messages.
   */
  private static RoomState sampleState() {
    Member zed =
        new Member(
            "zed", "Zed", "#000075", T0, T2, Optional.empty(), true,
            Map.of("s-z1", session("s-z1", T0), "s-z2", session("s-z2", T1)),
            Optional.empty());
    Member bob =
        new Member(
            "bob", "Bob", "#3cb44b", T1, T1,
            Optional.of(new DocumentFocus("doc-1", "canvas")), false,
            Map.of("s-b1", session("s-b1", T1)),
            Optional.empty());
    Member amy = Member.joined("amy", "Amy <b>", "#e6194b", session("s-a1", T1));
    Map<String, Member> members = Map.of("bob", bob, "zed", zed, "amy", amy);
    Map<String, KeyEntry> keys =
        Map.of(
            "zeta", new KeyEntry(tree("{'x':1,'y':[true,null]}"), 5, "zed", T1),
            "alpha", new KeyEntry(tree("'A'"), 7, "bob", T2),
            "mid/1", new KeyEntry(tree("null"), 6, "amy", T2));
    List<ChatMessage> chat =
        List.of(
            new ChatMessage("m-2", "bob", "second\nline", T1, 3),
            new ChatMessage("m-1", "zed", "first", T2, 8));
    return new RoomState(9, members, keys, chat);
  }

  private static void assertSampleSnapshot(JsonNode snapshot) {
    assertEquals(9, snapshot.get("version").asLong());

    JsonNode members = snapshot.get("members");
    assertTrue(members.isArray());
    List<String> order = new ArrayList<>();
    members.forEach(m -> order.add(m.get("userId").asText()));
    assertEquals(List.of("zed", "amy", "bob"), order, "sorted by joinedAt, then userId");

    JsonNode zed = members.get(0);
    assertEquals("Zed", zed.get("name").asText());
    assertEquals("#000075", zed.get("color").asText());
    assertEquals("online", zed.get("status").asText());
    assertEquals(T0.toString(), zed.get("joinedAt").asText());
    assertEquals(T2.toString(), zed.get("lastSeen").asText());
    assertTrue(zed.has("document") && zed.get("document").isNull());
    assertTrue(zed.get("ready").isBoolean());
    assertTrue(zed.get("ready").asBoolean());
    assertEquals(2, zed.get("sessions").asInt());

    JsonNode amy = members.get(1);
    assertEquals("Amy <b>", amy.get("name").asText(), "text is sent as is, not escaped");
    assertFalse(amy.get("ready").asBoolean());
    assertEquals(1, amy.get("sessions").asInt());

    JsonNode bob = members.get(2);
    assertEquals(tree("{'id':'doc-1','type':'canvas'}"), bob.get("document"));

    JsonNode state = snapshot.get("state");
    assertTrue(state.isObject());
    assertEquals(List.of("alpha", "mid/1", "zeta"), fieldNames(state), "keys sorted");
    JsonNode zeta = state.get("zeta");
    assertEquals(tree("{'x':1,'y':[true,null]}"), zeta.get("value"));
    assertEquals(5, zeta.get("version").asLong());
    assertEquals("zed", zeta.get("updatedBy").asText());
    assertEquals(T1.toString(), zeta.get("updatedAt").asText());
    assertEquals("A", state.get("alpha").get("value").asText());
    assertTrue(state.get("mid/1").has("value"));
    assertTrue(state.get("mid/1").get("value").isNull(), "a null value is kept as null");

    JsonNode chat = snapshot.get("chat");
    assertEquals(2, chat.size());
    assertEquals(
        tree(
            "{'id':'m-2','userId':'bob','text':'second\\nline','at':'"
                + T1
                + "','version':3}"),
        chat.get(0),
        "chat keeps its order, oldest first");
    assertEquals("m-1", chat.get(1).get("id").asText());
    assertEquals(8, chat.get(1).get("version").asLong());
  }

  @Nested
  class Welcome {

    @Test
    void carriesSessionAndSnapshot() {
      JsonNode frame = parse(encoder.welcome("room-1", "s-a1", "amy", sampleState(), HEARTBEAT, GRANT));
      assertEquals("welcome", frame.get("type").asText());
      assertEquals(FrameEncoder.PROTOCOL_VERSION, frame.get("protocol").asInt());
      assertEquals(1, frame.get("protocol").asInt());
      assertEquals("room-1", frame.get("roomId").asText());
      assertEquals("s-a1", frame.get("sessionId").asText());
      assertEquals("amy", frame.get("userId").asText());
      assertEquals(9, frame.get("version").asLong());
      assertEquals(tree("{'intervalMs':15000,'idleTimeoutMs':45000}"), frame.get("heartbeat"));
      assertEquals("write", frame.get("permission").asText());
      assertEquals("2026-12-01T12:00:00Z", frame.get("tokenExpiresAt").asText());
      assertSampleSnapshot(frame.get("snapshot"));
    }

    @Test
    void withoutAnExpiryHasNoTokenExpiresAt() {
      JsonNode frame =
          parse(
              encoder.welcome(
                  "r", "s", "u", RoomState.empty(), HEARTBEAT,
                  new FrameEncoder.Grant("admin", Optional.empty())));
      assertEquals("admin", frame.get("permission").asText());
      assertFalse(frame.has("tokenExpiresAt"));
    }

    @Test
    void ofAnEmptyRoom() {
      JsonNode frame = parse(encoder.welcome("r", "s", "u", RoomState.empty(), HEARTBEAT, GRANT));
      assertEquals(0, frame.get("version").asLong());
      assertEquals(
          tree(
              "{'version':0,'members':[],'state':{},'chat':[],"
                  + "'visibility':{'public':false,'title':null}}"),
          frame.get("snapshot"));
    }

    @Test
    void ofAPublicRoom() {
      RoomState listed =
          new RoomState(
              3, Map.of(), Map.of(), List.of(), List.of(), new Visibility(true, Optional.of("Plan")));
      JsonNode frame = parse(encoder.welcome("r", "s", "u", listed, HEARTBEAT, GRANT));
      assertEquals(tree("{'public':true,'title':'Plan'}"), frame.get("snapshot").get("visibility"));
    }
  }

  @Test
  void snapshotDocumentIsTheWelcomeSnapshotWithTheRoomId() {
    RoomState state = sampleState();
    JsonNode document = parse(encoder.snapshotDocument("room-1", state));
    assertEquals("room-1", document.get("roomId").asText());
    assertSampleSnapshot(document);

    JsonNode welcomeSnapshot =
        parse(encoder.welcome("room-1", "s", "u", state, HEARTBEAT, GRANT)).get("snapshot").deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) welcomeSnapshot).put("roomId", "room-1");
    assertEquals(welcomeSnapshot, document);
  }

  @Test
  void presenceDocumentListsMembersWithTheirStatus() {
    Member away =
        new Member(
            "eve", "Eve", "#123456", T0, T1, Optional.empty(), false, Map.of(), Optional.of(T1));
    RoomState state = new RoomState(4, Map.of("eve", away), Map.of(), List.of());
    JsonNode document = parse(encoder.presenceDocument("room-1", state));
    assertEquals(Set.of("roomId", "version", "members"), Set.copyOf(fieldNames(document)));
    assertEquals(4, document.get("version").asLong());
    JsonNode eve = document.get("members").get(0);
    assertEquals("away", eve.get("status").asText());
    assertEquals(0, eve.get("sessions").asInt());
    assertEquals(T1.toString(), eve.get("awaySince").asText());
    assertEquals(T0.toString(), eve.get("joinedAt").asText());
  }

  @Nested
  class Events {

    private JsonNode event(long version, RoomEvent event) {
      JsonNode frame = parse(encoder.event(version, event));
      assertEquals("event", frame.get("type").asText());
      assertEquals(version, frame.get("version").asLong());
      assertEquals(event.userId(), frame.get("userId").asText());
      assertEquals(event.at().toString(), frame.get("at").asText());
      return frame;
    }

    @Test
    void memberJoined() {
      JsonNode frame =
          event(4, new RoomEvent.MemberJoined("amy", "s-1", "Amy", "#e6194b", null, T1));
      assertEquals("member.joined", frame.get("kind").asText());
      assertEquals("s-1", frame.get("sessionId").asText());
      assertEquals("Amy", frame.get("name").asText());
      assertEquals("#e6194b", frame.get("color").asText());
      assertFalse(frame.has("connection"), "the actor ref is not sent to clients");
    }

    @Test
    void sessionOpened() {
      JsonNode frame =
          event(5, new RoomEvent.SessionOpened("amy", "s-2", "Amy B", "#3cb44b", null, T1));
      assertEquals("session.opened", frame.get("kind").asText());
      assertEquals("s-2", frame.get("sessionId").asText());
      assertEquals("Amy B", frame.get("name").asText());
      assertEquals("#3cb44b", frame.get("color").asText());
      assertFalse(frame.has("connection"));
    }

    @Test
    void sessionClosed() {
      JsonNode frame = event(6, new RoomEvent.SessionClosed("amy", "s-2", T2));
      assertEquals("session.closed", frame.get("kind").asText());
      assertEquals("s-2", frame.get("sessionId").asText());
      assertEquals(
          Set.of("type", "version", "kind", "userId", "at", "sessionId"),
          Set.copyOf(fieldNames(frame)));
    }

    @Test
    void memberAway() {
      JsonNode frame = event(7, new RoomEvent.MemberAway("amy", "s-1", T2));
      assertEquals("member.away", frame.get("kind").asText());
      assertEquals("s-1", frame.get("sessionId").asText());
    }

    @Test
    void memberLeftSaysWhy() {
      JsonNode left = event(7, new RoomEvent.MemberLeft("amy", RoomEvent.LeaveReason.LEFT, T2));
      assertEquals("member.left", left.get("kind").asText());
      assertEquals("left", left.get("reason").asText());
      JsonNode timedOut =
          event(8, new RoomEvent.MemberLeft("amy", RoomEvent.LeaveReason.TIMED_OUT, T2));
      assertEquals("timed_out", timedOut.get("reason").asText());
    }

    @Test
    void readyChanged() {
      JsonNode frame = event(8, new RoomEvent.ReadyChanged("bob", "c-7", true, T1));
      assertEquals("member.ready", frame.get("kind").asText());
      assertEquals("c-7", frame.get("id").asText());
      assertTrue(frame.get("ready").isBoolean());
      assertTrue(frame.get("ready").asBoolean());

      JsonNode notReady = event(9, new RoomEvent.ReadyChanged("bob", "c-8", false, T1));
      assertFalse(notReady.get("ready").asBoolean());
    }

    @Test
    void documentFocused() {
      JsonNode frame =
          event(
              10,
              new RoomEvent.DocumentFocused(
                  "bob", "c-9", Optional.of(new DocumentFocus("doc-2", "text.md")), T1));
      assertEquals("member.focused", frame.get("kind").asText());
      assertEquals("c-9", frame.get("id").asText());
      assertEquals(tree("{'id':'doc-2','type':'text.md'}"), frame.get("document"));
    }

    @Test
    void focusCleared() {
      JsonNode frame =
          event(11, new RoomEvent.DocumentFocused("bob", "c-10", Optional.empty(), T1));
      assertEquals("member.focused", frame.get("kind").asText());
      assertTrue(frame.has("document"), "a cleared focus is sent as document: null");
      assertTrue(frame.get("document").isNull());
    }

    @Test
    void keysChanged() {
      JsonNode frame =
          event(
              12,
              new RoomEvent.KeysChanged(
                  "zed",
                  "b-1",
                  List.of(
                      new KeyOp.Set("a", tree("{'n':[1,2]}"), Optional.of(0L)),
                      new KeyOp.Delete("b", Optional.of(4L)),
                      new KeyOp.Set("c", tree("null"), Optional.empty())),
                  T2));
      assertEquals("state.changed", frame.get("kind").asText());
      assertEquals("b-1", frame.get("id").asText());
      assertEquals(
          tree(
              "[{'op':'set','key':'a','value':{'n':[1,2]}},"
                  + "{'op':'delete','key':'b'},"
                  + "{'op':'set','key':'c','value':null}]"),
          frame.get("ops"),
          "ops in order, without the client's expect guard");
    }

    @Test
    void chatPosted() {
      JsonNode frame = event(13, new RoomEvent.ChatPosted("amy", "m-5", "hi\nthere", T2));
      assertEquals("chat.posted", frame.get("kind").asText());
      assertEquals("m-5", frame.get("id").asText());
      assertEquals(
          tree("{'id':'m-5','userId':'amy','text':'hi\\nthere','at':'" + T2 + "','version':13}"),
          frame.get("message"),
          "the message as it appears in the snapshot's chat");
    }

    @Test
    void visibilityChanged() {
      JsonNode listed =
          event(
              14,
              new RoomEvent.VisibilityChanged(
                  "amy", "v-1", new Visibility(true, Optional.of("Planning")), 3, T2));
      JsonNode unlisted =
          event(15, new RoomEvent.VisibilityChanged("amy", "v-2", Visibility.PRIVATE, 3, T2));

      assertEquals("room.visibility", listed.get("kind").asText());
      assertEquals("v-1", listed.get("id").asText());
      assertTrue(listed.get("public").asBoolean());
      assertEquals("Planning", listed.get("title").asText());
      assertFalse(unlisted.get("public").asBoolean());
      assertTrue(unlisted.get("title").isNull());
      assertFalse(listed.has("members"), "the member count is the registry's, not the clients'");
    }

    @Test
    void everyEventTypeHasAWireKind() {
      // The tests above cover one event per kind; a new event type must come with a kind.
      Set<String> tested =
          Set.of(
              "MemberJoined",
              "SessionOpened",
              "SessionClosed",
              "MemberAway",
              "MemberLeft",
              "ReadyChanged",
              "DocumentFocused",
              "KeysChanged",
              "ChatPosted",
              "VisibilityChanged");
      assertEquals(tested, concreteSubtypes(RoomEvent.class));
    }

    private Set<String> concreteSubtypes(Class<?> sealed) {
      Set<String> names = new java.util.HashSet<>();
      for (Class<?> permitted : sealed.getPermittedSubclasses()) {
        if (permitted.isSealed()) {
          names.addAll(concreteSubtypes(permitted));
        } else {
          names.add(permitted.getSimpleName());
        }
      }
      return names;
    }

    @Test
    void kindsAreDistinct() {
      List<RoomEvent> events =
          List.of(
              new RoomEvent.MemberJoined("u", "s", "n", "#000000", null, T0),
              new RoomEvent.SessionOpened("u", "s", "n", "#000000", null, T0),
              new RoomEvent.SessionClosed("u", "s", T0),
              new RoomEvent.MemberAway("u", "s", T0),
              new RoomEvent.MemberLeft("u", RoomEvent.LeaveReason.LEFT, T0),
              new RoomEvent.ReadyChanged("u", "c", true, T0),
              new RoomEvent.DocumentFocused("u", "c", Optional.empty(), T0),
              new RoomEvent.KeysChanged("u", "c", List.of(), T0),
              new RoomEvent.ChatPosted("u", "c", "t", T0),
              new RoomEvent.VisibilityChanged("u", "c", Visibility.PRIVATE, 0, T0));
      Set<String> kinds =
          events.stream()
              .map(event -> parse(encoder.event(1, event)).path("kind").asText())
              .collect(Collectors.toSet());
      assertEquals(events.size(), kinds.size());
    }

    @Test
    void nullEventIsRefused() {
      assertThrows(RuntimeException.class, () -> encoder.event(1, null));
    }
  }

  @Test
  void ack() {
    JsonNode frame = parse(encoder.ack("c-1", 42));
    assertEquals(tree("{'type':'ack','id':'c-1','version':42}"), frame);
  }

  @ParameterizedTest
  @EnumSource(RejectCode.class)
  void reject(RejectCode code) {
    JsonNode frame = parse(encoder.reject("c-2", code, "key a is at version 3"));
    assertEquals("reject", frame.get("type").asText());
    assertEquals("c-2", frame.get("id").asText());
    assertEquals(code.name().toLowerCase(java.util.Locale.ROOT), frame.get("code").asText());
    assertEquals("key a is at version 3", frame.get("message").asText());
  }

  @Test
  void rejectWireNames() {
    assertEquals("conflict", parse(encoder.reject("c", RejectCode.CONFLICT, "m")).get("code").asText());
    assertEquals(
        "not_member", parse(encoder.reject("c", RejectCode.NOT_MEMBER, "m")).get("code").asText());
    assertEquals(
        "rate_limited", parse(encoder.reject("c", RejectCode.RATE_LIMITED, "m")).get("code").asText());
    assertEquals("room_full", RejectCode.ROOM_FULL.wireName());
  }

  @Test
  void aRejectWithARetryAfterCarriesItInWholeMillisecondsRoundedUp() {
    JsonNode exact =
        parse(encoder.reject("c", RejectCode.RATE_LIMITED, "m", Optional.of(Duration.ofMillis(1500))));
    assertEquals(1500, exact.get("retryAfterMs").asLong());
    JsonNode rounded =
        parse(encoder.reject("c", RejectCode.RATE_LIMITED, "m", Optional.of(Duration.ofNanos(1_000_001))));
    assertEquals(2, rounded.get("retryAfterMs").asLong());
    assertFalse(parse(encoder.reject("c", RejectCode.CONFLICT, "m", Optional.empty())).has("retryAfterMs"));
    assertFalse(parse(encoder.reject("c", RejectCode.CONFLICT, "m")).has("retryAfterMs"));
  }

  @Nested
  class Errors {

    @Test
    void withFieldAndId() {
      JsonNode frame =
          parse(
              encoder.error(
                  ErrorCode.INVALID_FIELD, Optional.of("text"), "is required", Optional.of("c-3")));
      assertEquals(
          tree(
              "{'type':'error','code':'invalid_field','field':'text','message':'is required',"
                  + "'id':'c-3'}"),
          frame);
    }

    @Test
    void withoutFieldAndId() {
      JsonNode frame =
          parse(encoder.error(ErrorCode.BAD_FRAME, Optional.empty(), "not JSON", Optional.empty()));
      assertEquals(tree("{'type':'error','code':'bad_frame','message':'not JSON'}"), frame);
    }

    @Test
    void fromAMalformedFrame() {
      JsonNode frame =
          parse(
              encoder.error(
                  new DecodeResult.Malformed(
                      ErrorCode.UNKNOWN_TYPE,
                      Optional.of("type"),
                      "unknown frame type 'x'",
                      Optional.of("c-4"))));
      assertEquals("error", frame.get("type").asText());
      assertEquals("unknown_type", frame.get("code").asText());
      assertEquals("type", frame.get("field").asText());
      assertEquals("unknown frame type 'x'", frame.get("message").asText());
      assertEquals("c-4", frame.get("id").asText());
    }

    @Test
    void ofADecodedBadFrameRoundTrips() {
      FrameDecoder decoder =
          new FrameDecoder(
              new io.parley.validation.FieldValidator(
                  io.parley.validation.FieldLimits.fromConfig(
                      com.typesafe.config.ConfigFactory.load().getConfig("parley.limits"))));
      DecodeResult.Malformed malformed =
          (DecodeResult.Malformed) decoder.decode("{\"type\":\"chat\",\"id\":\"c\\\"5\",\"text\":\"\"}");
      JsonNode frame = parse(encoder.error(malformed));
      assertEquals("invalid_field", frame.get("code").asText());
      assertEquals("c\"5", frame.get("id").asText(), "the echoed id is JSON-escaped");
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void everyCodeHasALowerCaseWireName(ErrorCode code) {
      JsonNode frame = parse(encoder.error(code, Optional.empty(), "m", Optional.empty()));
      assertEquals(code.wireName(), frame.get("code").asText());
      assertEquals(code.name().toLowerCase(java.util.Locale.ROOT), code.wireName());
    }
  }

  @Test
  void pongWithAndWithoutId() {
    assertEquals(tree("{'type':'pong','id':'p-1'}"), parse(encoder.pong(Optional.of("p-1"))));
    assertEquals(tree("{'type':'pong'}"), parse(encoder.pong(Optional.empty())));
  }

  @Test
  void cursorsComeInOneFrame() {
    JsonNode batch =
        parse(
            encoder.cursors(
                List.of(
                    new RoomUpdate.CursorMoved("amy", "s-1", 12.5, -0.25, Optional.of("doc-1")),
                    new RoomUpdate.CursorMoved("bob", "s-2", 1, 2, Optional.empty()))));
    assertEquals("cursors", batch.get("type").asText());
    assertEquals(2, batch.get("cursors").size());
    assertEquals("bob", batch.get("cursors").get(1).get("userId").asText());
    JsonNode frame = batch.get("cursors").get(0);
    assertEquals("amy", frame.get("userId").asText());
    assertEquals("s-1", frame.get("sessionId").asText());
    assertTrue(frame.get("x").isNumber());
    assertEquals(12.5, frame.get("x").asDouble());
    assertEquals(-0.25, frame.get("y").asDouble());
    assertEquals("doc-1", frame.get("document").asText());
  }

  @Test
  void cursorWithoutDocument() {
    JsonNode frame =
        parse(
                encoder.cursors(
                    List.of(new RoomUpdate.CursorMoved("amy", "s-1", 0, 1e300, Optional.empty()))))
            .get("cursors")
            .get(0);
    assertEquals(1e300, frame.get("y").asDouble());
    assertFalse(frame.has("document"));
  }

  @Test
  void joinRefusedCarriesTheRetryHintWhenThereIsOne() {
    JsonNode overloaded =
        parse(encoder.joinRefused("overloaded: room overloaded, retry in 1000 ms", Optional.of(Duration.ofSeconds(1))));
    assertEquals("join_refused", overloaded.get("code").asText());
    assertEquals(1000, overloaded.get("retryAfterMs").asLong());
    assertFalse(parse(encoder.joinRefused("room_full: the room is full", Optional.empty())).has("retryAfterMs"));
  }

  @Test
  void textIsEscapedAsJson() {
    JsonNode frame =
        parse(encoder.event(1, new RoomEvent.ChatPosted("u", "c", "\"quoted\" </script> \\ ✓", T0)));
    assertEquals("\"quoted\" </script> \\ ✓", frame.get("message").get("text").asText());
  }
}
