package io.parley.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.parley.testing.TestConfig;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The check the room runs before a write, on the serializer the journal uses. */
class EventCheckTest {

  private static final ActorTestKit KIT = ActorTestKit.create("EventCheckTest", TestConfig.actorSystem());
  private static final Instant AT = Instant.parse("2026-01-02T03:04:05Z");

  private final EventCheck check = EventCheck.serializable(KIT.system());

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  @Test
  void anEventTheSerializerWritesIsStorable() {
    assertEquals(Optional.empty(), check.refusal(new RoomEvent.ChatPosted("ann", "c1", "hi 😀", AT)));
  }

  @Test
  void aLoneSurrogateThatGotPastValidationIsRefusedInsteadOfReachingTheJournal() {
    Optional<String> chat = check.refusal(new RoomEvent.ChatPosted("ann", "c1", "a\udc00b", AT));
    Optional<String> value =
        check.refusal(
            new RoomEvent.KeysChanged(
                "ann",
                "c2",
                List.of(new KeyOp.Set("k", JsonNodeFactory.instance.textNode("\ud800"), Optional.empty())),
                AT));

    assertTrue(chat.isPresent());
    assertTrue(value.isPresent());
    assertTrue(chat.get().contains("surrogate"), chat.get());
  }
}
