package io.parley.room;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.parley.presence.DocumentFocus;
import io.parley.ratelimit.RateLimits;
import io.parley.ratelimit.RateLimits.Rate;
import io.parley.testing.TestConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rate limit of durable commands, on explicit instants; connections and replyTo are null. */
class CommandRatesTest {

  private static final Instant T0 = Instant.parse("2025-06-01T10:00:00Z");
  private static final RoomState.Bounds BOUNDS = TestConfig.roomSettings().stateBounds();

  /** commands: 2 at once, then 1 a second; chat: 1, then 1 every 2 s. */
  private static final RateLimits.Settings SETTINGS =
      new RateLimits.Settings(new Rate(2, 1), new Rate(1, 0.5), new Rate(5, 5));

  /** alice (sessions a1 and a2) and bob (session b1). */
  private static final RoomState ROOM =
      RoomState.empty()
          .apply(new RoomEvent.MemberJoined("alice", "a1", "Alice", "#aa0000", null, T0), BOUNDS)
          .apply(new RoomEvent.SessionOpened("alice", "a2", "Alice", "#aa0000", null, T0), BOUNDS)
          .apply(new RoomEvent.MemberJoined("bob", "b1", "Bob", "#00bb00", null, T0), BOUNDS);

  private final RateLimits limits = new RateLimits(SETTINGS);
  private final CommandRates rates = new CommandRates(limits);

  private static RoomCommand.PostChat chat(String commandId, String sessionId) {
    return new RoomCommand.PostChat(commandId, sessionId, "hi", null);
  }

  private static RoomCommand.SetReady ready(String commandId, String sessionId) {
    return new RoomCommand.SetReady(commandId, sessionId, true, null);
  }

  private static RoomCommand.ChangeKeys change(String commandId, String sessionId) {
    return new RoomCommand.ChangeKeys(
        commandId,
        sessionId,
        List.of(new KeyOp.Set("k", JsonNodeFactory.instance.numberNode(1), Optional.empty())),
        null);
  }

  private static RoomCommand.FocusDocument focus(String commandId, String sessionId) {
    return new RoomCommand.FocusDocument(
        commandId, sessionId, Optional.of(new DocumentFocus("doc-1", "text")), null);
  }

  @Test
  void chatTakesFromTheChatBucket() {
    assertThat(rates.check(ROOM, chat("c1", "a1"), T0)).isEmpty();

    assertThat(rates.check(ROOM, chat("c2", "a1"), T0))
        .contains(
            new CommandReply.Rejected(
                "c2",
                RejectCode.RATE_LIMITED,
                "too many chat messages; retry in 2000 ms",
                Optional.of(Duration.ofSeconds(2))));
    assertThat(rates.check(ROOM, ready("c3", "a1"), T0)).as("commands are another bucket").isEmpty();
  }

  @Test
  void otherDurableCommandsTakeFromTheCommandsBucket() {
    assertThat(rates.check(ROOM, ready("c1", "a1"), T0)).isEmpty();
    assertThat(rates.check(ROOM, change("c2", "a1"), T0)).isEmpty();

    assertThat(rates.check(ROOM, focus("c3", "a1"), T0))
        .contains(
            new CommandReply.Rejected(
                "c3",
                RejectCode.RATE_LIMITED,
                "too many changes; retry in 1000 ms",
                Optional.of(Duration.ofSeconds(1))));
    assertThat(rates.check(ROOM, change("c4", "a1"), T0.plusMillis(999)))
        .map(CommandReply.Rejected::message)
        .contains("too many changes; retry in 1 ms");
    assertThat(rates.check(ROOM, change("c5", "a1"), T0.plusMillis(1000))).isEmpty();
    assertThat(rates.check(ROOM, chat("c6", "a1"), T0)).as("chat is another bucket").isEmpty();
  }

  @Test
  void aFractionOfAMillisecondIsToldAsAWholeOneMore() {
    CommandRates thirds = new CommandRates(
        new RateLimits(new RateLimits.Settings(new Rate(1, 3), new Rate(1, 3), new Rate(1, 3))));
    thirds.check(ROOM, ready("c1", "a1"), T0);

    assertThat(thirds.check(ROOM, ready("c2", "a1"), T0))
        .contains(
            new CommandReply.Rejected(
                "c2",
                RejectCode.RATE_LIMITED,
                "too many changes; retry in 334 ms",
                Optional.of(Duration.ofNanos(333_333_333))));
  }

  @Test
  void theSessionsOfOneUserShareItsBucketsAndOtherUsersHaveTheirOwn() {
    assertThat(rates.check(ROOM, ready("c1", "a1"), T0)).isEmpty();
    assertThat(rates.check(ROOM, ready("c2", "a2"), T0)).isEmpty();

    assertThat(rates.check(ROOM, ready("c3", "a2"), T0)).isPresent();
    assertThat(rates.check(ROOM, ready("c3", "b1"), T0)).isEmpty();
  }

  @Test
  void everyCommandCostsATokenEvenARetry() {
    assertThat(rates.check(ROOM, ready("c1", "a1"), T0)).isEmpty();
    assertThat(rates.check(ROOM, ready("c1", "a1"), T0)).isEmpty();

    assertThat(rates.check(ROOM, ready("c1", "a1"), T0)).isPresent();
  }

  @Test
  void aSessionThatIsNotOpenIsLeftToTheRules() {
    for (int i = 0; i < 10; i++) {
      assertThat(rates.check(ROOM, ready("c" + i, "zz"), T0)).isEmpty();
      assertThat(rates.check(ROOM, chat("m" + i, "zz"), T0)).isEmpty();
    }
    assertThat(limits.trackedUsers()).as("no bucket was taken from").isZero();
  }
}
