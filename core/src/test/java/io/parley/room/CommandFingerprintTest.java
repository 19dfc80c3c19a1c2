package io.parley.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.parley.presence.DocumentFocus;
import io.parley.testing.TestConfig;
import io.parley.validation.FieldValidator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The content fingerprint of durable commands, without actors. */
class CommandFingerprintTest {

  private static final JsonMapper DOUBLES = JsonMapper.builder().build();
  private static final JsonMapper DECIMALS =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
          .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
          .build();
  private static final Instant NOW = Instant.parse("2025-02-03T04:05:06Z");

  private static JsonNode json(JsonMapper mapper, String text) {
    try {
      return mapper.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static long set(String key, JsonNode value, Optional<Long> expect) {
    return CommandFingerprint.of(new RoomCommand.ChangeKeys("c", "s", List.of(new KeyOp.Set(key, value, expect)), null));
  }

  private static long set(String key, String value) {
    return set(key, json(DOUBLES, value), Optional.empty());
  }

  private static long keys(KeyOp... ops) {
    return CommandFingerprint.of(new RoomCommand.ChangeKeys("c", "s", Arrays.asList(ops), null));
  }

  private static long chat(String text) {
    return CommandFingerprint.of(new RoomCommand.PostChat("c", "s", text, null));
  }

  private static long ready(boolean ready) {
    return CommandFingerprint.of(new RoomCommand.SetReady("c", "s", ready, null));
  }

  private static long focus(Optional<DocumentFocus> document) {
    return CommandFingerprint.of(new RoomCommand.FocusDocument("c", "s", document, null));
  }

  @Test
  void everyCommandHasTheFingerprintOfTheEventTheRulesMakeOfIt() {
    RoomRules rules = new RoomRules(new FieldValidator(TestConfig.defaultLimits()), 10);
    RoomState room =
        RoomState.empty()
            .apply(
                new RoomEvent.MemberJoined("alice", "s", "Alice", "#aa0000", null, NOW),
                TestConfig.roomSettings().stateBounds());
    List<RoomCommand.Durable> commands =
        List.of(
            new RoomCommand.ChangeKeys(
                "c1",
                "s",
                List.of(
                    new KeyOp.Set("a", json(DECIMALS, "{\"x\":[1.50,null,\"s\"],\"b\":false}"), Optional.of(0L)),
                    new KeyOp.Delete("b", Optional.empty())),
                null),
            new RoomCommand.SetReady("c2", "s", true, null),
            new RoomCommand.FocusDocument("c3", "s", Optional.of(new DocumentFocus("doc-1", "canvas")), null),
            new RoomCommand.FocusDocument("c4", "s", Optional.empty(), null),
            new RoomCommand.PostChat("c5", "s", "hello 😀", null),
            new RoomCommand.SetVisibility("c6", "s", true, Optional.of("Planning"), null),
            new RoomCommand.SetVisibility("c7", "s", false, Optional.empty(), null));
    Set<Class<?>> kinds = new HashSet<>();
    for (RoomCommand.Durable command : commands) {
      RoomEvent event = ((Decision.Accept) rules.durable(room, command, NOW)).event();
      assertEquals(
          CommandFingerprint.of(command), CommandFingerprint.of((RoomEvent.FromCommand) event), command::toString);
      kinds.add(event.getClass());
    }
    assertEquals(Set.of(RoomEvent.FromCommand.class.getPermittedSubclasses()), kinds, "every kind of command event");
  }

  @Test
  void theIdAndTheSessionAreNotPartOfTheContent() {
    assertEquals(
        CommandFingerprint.of(new RoomCommand.PostChat("c1", "s1", "hi", null)),
        CommandFingerprint.of(new RoomCommand.PostChat("c2", "s2", "hi", null)));
  }

  @Test
  void valuesCompareAsJsonValuesNotAsText() {
    assertEquals(set("k", "{\"a\":1,\"b\":{\"c\":[1,2]}}"), set("k", "{\"b\":{\"c\":[1,2]},\"a\":1}"), "member order");
    assertEquals(set("k", "1"), set("k", json(DECIMALS, "1.00"), Optional.empty()), "1 and 1.00");
    assertEquals(set("k", "1"), set("k", "1.0"), "1 and 1.0 as doubles");
    assertEquals(set("k", "1e2"), set("k", "100"));
    assertEquals(set("k", "0.1"), set("k", json(DECIMALS, "0.10"), Optional.empty()));
    assertEquals(set("k", "0"), set("k", "-0.0"));
    assertEquals(set("k", "123456789012345678901234567890"), set("k", json(DECIMALS, "123456789012345678901234567890"), Optional.empty()));
  }

  @Test
  void anyDifferenceInWhatTheCommandAsksForIsAnotherFingerprint() {
    List<Long> fingerprints =
        new ArrayList<>(
            List.of(
                set("k", "1"),
                set("k", "2"),
                set("k", "\"1\""),
                set("k", "[1]"),
                set("k", "{\"v\":1}"),
                set("k", "{\"v\":1,\"w\":null}"),
                set("k", "null"),
                set("k", "true"),
                set("k", "false"),
                set("k", "\"\""),
                set("k", "[]"),
                set("k", "{}"),
                set("k", "[[]]"),
                set("k", "[1,2]"),
                set("k", "[2,1]"),
                set("k", "[\"ab\",\"c\"]"),
                set("k", "[\"a\",\"bc\"]"),
                set("k2", "1"),
                set("k", json(DOUBLES, "1"), Optional.of(0L)),
                set("k", json(DOUBLES, "1"), Optional.of(3L)),
                keys(new KeyOp.Delete("k", Optional.empty())),
                keys(new KeyOp.Delete("k", Optional.of(3L))),
                keys(new KeyOp.Delete("k", Optional.empty()), new KeyOp.Delete("j", Optional.empty())),
                keys(new KeyOp.Delete("j", Optional.empty()), new KeyOp.Delete("k", Optional.empty())),
                keys(),
                ready(true),
                ready(false),
                focus(Optional.empty()),
                focus(Optional.of(new DocumentFocus("d", "t"))),
                focus(Optional.of(new DocumentFocus("t", "d"))),
                chat("k"),
                chat("hello"),
                chat("hello "),
                chat("\ud800"),
                chat("\ufffd")));
    assertEquals(fingerprints.size(), new HashSet<>(fingerprints).size(), () -> "collisions in " + fingerprints);
    assertNotEquals(AppliedCommand.UNKNOWN_CONTENT, fingerprints.get(0));
  }

  /**
   * Fingerprints are stored in snapshots: the canonical form must not change without a migration
   * of {@link AppliedCommand}, or every remembered command would look different to its retries.
   */
  @Test
  void theFingerprintsOfAPastBuildStayTheSame() {
    assertEquals(PINNED_CHAT, chat("hello"));
    assertEquals(PINNED_SET, set("title", json(DOUBLES, "{\"text\":\"Plan\",\"n\":[1,2.5,null,true]}"), Optional.of(3L)));
    assertEquals(PINNED_READY, ready(true));
    assertEquals(PINNED_FOCUS, focus(Optional.of(new DocumentFocus("doc-1", "canvas"))));
  }

  private static final long PINNED_CHAT = 6532469695351461348L;
  private static final long PINNED_SET = 2474474216213052983L;
  private static final long PINNED_READY = 7884826692331360584L;
  private static final long PINNED_FOCUS = -546028354578608706L;
}
