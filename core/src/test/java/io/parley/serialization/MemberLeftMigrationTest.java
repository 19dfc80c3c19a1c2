package io.parley.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.parley.room.RoomEvent;
import io.parley.room.RoomState;
import io.parley.testing.TestConfig;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import scala.util.Try;

/**
 * {@link RoomEvent.MemberLeft} as the journal holds it from before it had a reason, read back
 * through the real Pekko serialization with {@link MemberLeftMigration} registered in {@code
 * reference.conf}.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MemberLeftMigrationTest {

  private static final int JACKSON_CBOR_ID = 33;

  /** What the Jackson serializer writes as manifest for the event: its class name. */
  private static final String CLASS_MANIFEST = "io.parley.room.RoomEvent$MemberLeft";

  private static final Instant JOINED_AT = Instant.parse("2025-06-07T08:09:10.123456789Z");
  private static final RoomState.Bounds BOUNDS = new RoomState.Bounds(50, 100);
  private static final Instant LEFT_AT = Instant.parse("2025-06-07T08:10:10.123456789Z");

  /**
   * {@code MemberLeft("alice", "s-alice-1", LEFT_AT)} serialized by Parley at commit ba042a6 (the
   * last one with the old record) through {@code SerializationExtension}; its manifest was {@link
   * #CLASS_MANIFEST}. Decoded: {@code
   * {"type":"member_left","userId":"alice","sessionId":"s-alice-1","at":"2025-06-07T08:10:10.123456789Z"}}.
   */
  static final String OLD_MEMBER_LEFT_CBOR =
      "bf64747970656b6d656d6265725f6c6566746675736572496465616c6963656973657373696f6e496469732d"
          + "616c6963652d31626174781e323032352d30362d30375430383a31303a31302e3132333435363738395aff";

  /**
   * {@code MemberJoined("alice", "s-alice-1", "Alice", "#1e90ff", <connection>, JOINED_AT)} from
   * the same build (manifest {@code io.parley.room.RoomEvent$MemberJoined}); this event did not
   * change. The connection is {@code pekko://parley/system/connection-1#-646456874}.
   */
  static final String OLD_MEMBER_JOINED_CBOR =
      "bf64747970656d6d656d6265725f6a6f696e65646675736572496465616c6963656973657373696f6e496469"
          + "732d616c6963652d31646e616d6565416c69636565636f6c6f7267233165393066666a636f6e6e656374"
          + "696f6e782d70656b6b6f3a2f2f7061726c65792f73797374656d2f636f6e6e656374696f6e2d31232d36"
          + "3436343536383734626174781e323032352d30362d30375430383a30393a31302e3132333435363738"
          + "395aff";

  @JUnit5TestKit
  private final ActorTestKit kit =
      new JUnit5TestKitBuilder()
          .withName("MemberLeftMigrationTest")
          .withCustomConfig(TestConfig.actorSystem())
          .build();

  private Serialization serialization() {
    return SerializationExtension.get(kit.system());
  }

  private Object read(byte[] bytes, String manifest) {
    return serialization().deserialize(bytes, JACKSON_CBOR_ID, manifest).get();
  }

  /** The object mapper of Pekko's {@code jackson-cbor} binding, configured as the serializer's. */
  private ObjectMapper cborMapper() {
    return JacksonObjectMapperProvider.get(kit.system())
        .getOrCreate("jackson-cbor", Optional.of(new CBORFactory()));
  }

  private static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  @Test
  void theMigrationIsRegisteredForTheClassNameTheSerializerWritesAsManifest() {
    assertEquals(CLASS_MANIFEST, RoomEvent.MemberLeft.class.getName());
    String key = "pekko.serialization.jackson.migrations.\"" + CLASS_MANIFEST + "\"";
    assertEquals(
        MemberLeftMigration.class.getName(), kit.system().settings().config().getString(key));
  }

  @Test
  void aRowWrittenBeforeTheChangeReadsBackWithReasonLeft() {
    Object event = read(hex(OLD_MEMBER_LEFT_CBOR), CLASS_MANIFEST);
    assertEquals(new RoomEvent.MemberLeft("alice", RoomEvent.LeaveReason.LEFT, LEFT_AT), event);
  }

  @Test
  void anExplicitVersionOneManifestIsMigratedTheSameWay() {
    Object event = read(hex(OLD_MEMBER_LEFT_CBOR), CLASS_MANIFEST + "#1");
    assertEquals(new RoomEvent.MemberLeft("alice", RoomEvent.LeaveReason.LEFT, LEFT_AT), event);
  }

  /**
   * The old bytes are exactly what the serializer's own mapper writes for the old fields, so a
   * row built from a JSON tree is a faithful old row too.
   */
  @Test
  void theOldRowIsTheOldFieldsWrittenByTheSerializersMapper() throws Exception {
    ObjectMapper mapper = cborMapper();
    ObjectNode old = mapper.createObjectNode();
    old.put("type", "member_left");
    old.put("userId", "alice");
    old.put("sessionId", "s-alice-1");
    old.put("at", LEFT_AT.toString());
    byte[] built = mapper.writeValueAsBytes(old);
    assertEquals(old, mapper.readTree(hex(OLD_MEMBER_LEFT_CBOR)));
    assertArrayEquals(hex(OLD_MEMBER_LEFT_CBOR), built);

    ObjectNode bob = old.deepCopy();
    bob.put("userId", "bob");
    bob.put("sessionId", "s-bob-9");
    assertEquals(
        new RoomEvent.MemberLeft("bob", RoomEvent.LeaveReason.LEFT, LEFT_AT),
        read(mapper.writeValueAsBytes(bob), CLASS_MANIFEST));
  }

  @ParameterizedTest
  @EnumSource(RoomEvent.LeaveReason.class)
  void newEventsAreWrittenAsVersionTwoAndReadBackUnchanged(RoomEvent.LeaveReason reason)
      throws Exception {
    RoomEvent.MemberLeft event = new RoomEvent.MemberLeft("alice", reason, LEFT_AT);
    Serializer serializer = serialization().findSerializerFor(event);
    assertEquals(JACKSON_CBOR_ID, serializer.identifier());
    String manifest = Serializers.manifestFor(serializer, event);
    assertEquals(CLASS_MANIFEST + "#2", manifest);

    byte[] bytes = serialization().serialize(event).get();
    JsonNode written = cborMapper().readTree(bytes);
    assertEquals(reason.name(), written.path("reason").asText());
    assertFalse(written.has("sessionId"));
    assertEquals(event, read(bytes, manifest));
  }

  /**
   * Rows written after the reason was added but before this migration existed have the new
   * fields and a manifest without a version, so they reach the migration as version 1.
   */
  @ParameterizedTest
  @EnumSource(RoomEvent.LeaveReason.class)
  void aRowWithAReasonButNoVersionKeepsItsReason(RoomEvent.LeaveReason reason) {
    RoomEvent.MemberLeft event = new RoomEvent.MemberLeft("carol", reason, LEFT_AT);
    byte[] bytes = serialization().serialize(event).get();
    assertEquals(event, read(bytes, CLASS_MANIFEST));
  }

  @Test
  void aVersionNewerThanThisBuildIsRefusedRatherThanMisread() {
    Try<Object> result =
        serialization().deserialize(hex(OLD_MEMBER_LEFT_CBOR), JACKSON_CBOR_ID, CLASS_MANIFEST + "#3");
    assertTrue(result.isFailure(), () -> "read as " + result);
    Throwable failure = result.failed().get();
    assertInstanceOf(IllegalStateException.class, failure);
    assertTrue(failure.getMessage().contains("version 3"), failure.getMessage());
  }

  @Test
  void anOldJoinThenAnOldLeaveFoldToAnEmptyRoom() {
    RoomEvent joined =
        (RoomEvent) read(hex(OLD_MEMBER_JOINED_CBOR), "io.parley.room.RoomEvent$MemberJoined");
    RoomEvent left = (RoomEvent) read(hex(OLD_MEMBER_LEFT_CBOR), CLASS_MANIFEST);
    assertInstanceOf(RoomEvent.MemberJoined.class, joined);

    RoomState afterJoin = RoomState.empty().apply(joined, BOUNDS);
    assertEquals(1, afterJoin.version());
    assertEquals(1, afterJoin.members().size());
    assertEquals("Alice", afterJoin.members().get("alice").name());

    RoomState afterLeave = afterJoin.apply(left, BOUNDS);
    assertEquals(2, afterLeave.version());
    assertTrue(afterLeave.members().isEmpty(), () -> "members: " + afterLeave.members());
  }

  @Test
  void transformDropsTheSessionIdAndAddsTheReasonOnlyForOldVersions() {
    ObjectMapper mapper = new ObjectMapper();
    MemberLeftMigration migration = new MemberLeftMigration();
    assertEquals(2, migration.currentVersion());
    assertEquals(2, migration.supportedForwardVersion());

    ObjectNode old = mapper.createObjectNode();
    old.put("type", "member_left").put("userId", "u").put("sessionId", "s").put("at", "t");
    JsonNode migrated = migration.transform(1, old);
    ObjectNode expected = mapper.createObjectNode();
    expected.put("type", "member_left").put("userId", "u").put("at", "t").put("reason", "LEFT");
    assertEquals(expected, migrated);

    ObjectNode timedOut = mapper.createObjectNode();
    timedOut.put("type", "member_left").put("userId", "u").put("reason", "TIMED_OUT");
    assertEquals(timedOut.deepCopy(), migration.transform(1, timedOut));

    ObjectNode current = mapper.createObjectNode();
    current.put("userId", "u").put("sessionId", "kept at version 2");
    assertEquals(current.deepCopy(), migration.transform(2, current));

    JsonNode notAnObject = mapper.getNodeFactory().textNode("x");
    assertSame(notAnObject, migration.transform(1, notAnObject));
  }
}
