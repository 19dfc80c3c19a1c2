package io.parley.testing;

import static io.parley.testing.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

/**
 * The steps of the slow-consumer scenarios: a writer that changes a room until the server gives
 * up on a client that does not read, and what that client reads and resumes afterwards.
 */
public final class SlowConsumers {

  /** Small socket buffers on both ends, so that a client that stops reading blocks the server soon. */
  public static final int SOCKET_BUFFER = 16 * 1024;

  private static final String BIG = "x".repeat(4000);

  private SlowConsumers() {}

  /**
   * Node settings under which a client that stops reading is given up on soon: a small outbound
   * buffer and send buffer, no rate limit on the writer, and a presence grace period long enough
   * for the client to resume as the same member. {@code more} adds to them.
   */
  public static Map<String, Object> settings(Duration closeDrainTimeout, Map<String, Object> more) {
    Map<String, Object> settings = new HashMap<>(more);
    settings.put("parley.gateway.outbound-buffer", 16);
    settings.put("parley.gateway.close-drain-timeout", closeDrainTimeout.toMillis() + "ms");
    settings.put("pekko.http.server.socket-options.so-send-buffer-size", SOCKET_BUFFER);
    settings.put("parley.limits.rates.commands.burst", 1_000_000);
    settings.put("parley.presence.grace-period", "30s");
    return Map.copyOf(settings);
  }

  /**
   * The paused-reader scenario in {@code roomId}: {@code userId} joins on a {@link RawWebSocket},
   * then reads nothing while a writer overflows it and goes on changing the room for {@code
   * pause}; when it reads again it gets its events without a gap, then {@code slow_consumer},
   * then the close, and it then resumes losslessly.
   */
  public static void pauseReadingThenResume(int port, String roomId, String userId, Duration pause) {
    try (TestClient writer = TestClient.join(port, roomId, "writer", "Writer");
        RawWebSocket paused = RawWebSocket.open(port, roomId, SOCKET_BUFFER)) {
      long joinedAt = join(paused, userId);

      // From here on the paused client reads nothing: its TCP window closes, then its outbound
      // buffer on the server fills.
      overflow(writer, userId);
      keepWriting(writer, pause);

      long lastRead = assertEventsThenSlowConsumerThenClose(paused.readUntilClosed(), joinedAt);
      long current = version(writer, "after");
      assertResumesLosslessly(port, roomId, userId, lastRead, current);
    }
  }

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
    assertThat(frames.get(frames.size() - 1)).as("slow_consumer").isEqualTo(new RawWebSocket.Close(4000));
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
