package io.parley.testing;

import static io.parley.testing.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

/**
 * The steps of the slow-consumer scenarios: a writer that changes a room until the server gives
 * up on a client that does not read, and what that client reads and resumes afterwards.
 */
public final class SlowConsumers {

  private static final String BIG = "x".repeat(4000);

  private SlowConsumers() {}

  /** Writes big changes until the room reports {@code userId} away: its connection was closed. */
  public static void overflow(TestClient writer, String userId) {
    int written = 0;
    while (writer.received().stream()
        .noneMatch(f -> TestClient.event("member.away").test(f) && userId.equals(f.path("userId").asText()))) {
      assertThat(written).as("changes written before the server gave up on " + userId).isLessThan(5000);
      String id = "big" + written++;
      writer.send(json("type", "set", "id", id, "key", "k" + (written % 50), "value", BIG));
      assertThat(writer.expectAnswer(id).path("type").asText()).isEqualTo("ack");
    }
  }

  /**
   * Keeps changing the room for {@code period}, each change acknowledged and no error: the
   * scenario lets a paused client stay paused that long while the room goes on.
   */
  public static void keepWriting(TestClient writer, Duration period) {
    long until = System.nanoTime() + period.toNanos();
    for (int i = 0; System.nanoTime() < until; i++) {
      version(writer, "during-" + i);
      writer.expectNone(f -> "error".equals(f.path("type").asText()), Duration.ofMillis(200));
    }
  }

  /** Writes one small change and returns its version. */
  public static long version(TestClient writer, String id) {
    writer.send(json("type", "set", "id", id, "key", "small", "value", id));
    JsonNode answer = writer.expectAnswer(id);
    assertThat(answer.path("type").asText()).isEqualTo("ack");
    return answer.path("version").asLong();
  }

  /**
   * Asserts that a client that joined at {@code joinedAt} read events without a gap, then the
   * {@code slow_consumer} error, then the close; returns the last version it read.
   */
  public static long assertEventsThenSlowConsumerThenClose(
      List<RawWebSocket.ServerFrame> frames, long joinedAt) {
    assertThat(frames).as("frames, then the close").hasSizeGreaterThanOrEqualTo(2);
    assertThat(frames.get(frames.size() - 1)).isEqualTo(new RawWebSocket.Close(1000));
    JsonNode error = text(frames.get(frames.size() - 2));
    assertThat(error.path("type").asText()).as("the frame before the close").isEqualTo("error");
    assertThat(error.path("code").asText()).isEqualTo("slow_consumer");
    List<Long> read =
        frames.subList(0, frames.size() - 2).stream()
            .map(SlowConsumers::text)
            .peek(f -> assertThat(f.path("type").asText()).as("a frame before the error").isEqualTo("event"))
            .map(f -> f.path("version").asLong())
            .toList();
    assertThat(read).isEqualTo(versions(joinedAt + 1, joinedAt + read.size()));
    return joinedAt + read.size();
  }

  /** Resumes {@code userId} from {@code from} and asserts it gets every later version up to {@code current} once. */
  public static void assertResumesLosslessly(int port, String roomId, String userId, long from, long current) {
    try (TestClient resumed = TestClient.connect(port, roomId)) {
      resumed.send(json("type", "hello", "userId", userId, "name", userId, "resume", Map.of("version", from)));
      assertThat(resumed.expect("welcome").path("resumed").asBoolean()).isTrue();
      resumed.expect(
          f -> "event".equals(f.path("type").asText()) && f.path("version").asLong() >= current,
          "version " + current);
      List<Long> missed =
          resumed.received().stream()
              .filter(f -> "event".equals(f.path("type").asText()))
              .map(f -> f.path("version").asLong())
              .filter(v -> v <= current)
              .toList();
      assertThat(missed).isEqualTo(versions(from + 1, current));
    }
  }

  /** Opens a connection that says hello, reads up to its welcome and returns its version. */
  public static long join(RawWebSocket socket, String userId) {
    socket.sendText(json("type", "hello", "userId", userId, "name", userId).toString());
    return socket.readUntil(f -> "welcome".equals(f.path("type").asText())).path("version").asLong();
  }

  private static JsonNode text(RawWebSocket.ServerFrame frame) {
    assertThat(frame).isInstanceOf(RawWebSocket.Text.class);
    return ((RawWebSocket.Text) frame).json();
  }

  private static List<Long> versions(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }
}
