package io.parley.gateway;

import static io.parley.testing.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.TestClient;
import io.parley.testing.ParleyNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code parley.gateway.max-frame-size} over a real WebSocket: a frame over the limit, whole or
 * in fragments, is read, dropped and answered with {@code bad_frame}; one at the limit is used;
 * binary frames are refused; the connection goes on after each refusal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FrameLimitsTest {

  private static final int LIMIT = 4096;
  private static final String ROOM = "frames";

  @RegisterExtension
  final ParleyNode server = new ParleyNode(Map.of("parley.gateway.max-frame-size", "4 KiB"));

  /**
   * A {@code ping} of exactly {@code bytes} UTF-8 bytes, padded in an unknown field with {@code
   * pad} (a 1-, 2- or 3-byte character; an odd remainder is made up with ASCII).
   */
  private static String pingOfSize(String id, int bytes, char pad) {
    String prefix = "{\"type\":\"ping\",\"id\":\"" + id + "\",\"pad\":\"";
    String suffix = "\"}";
    int padBytes = bytes - utf8Length(prefix + suffix);

    int padWidth = utf8Length(String.valueOf(pad));
    String padding = String.valueOf(pad).repeat(padBytes / padWidth) + "x".repeat(padBytes % padWidth);
    String frame = prefix + padding + suffix;
    assertThat(utf8Length(frame)).isEqualTo(bytes);
    return frame;
  }

  private static int utf8Length(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }

  /** The client sends a ping and gets its pong: the connection still works. */
  private static void assertStillServed(TestClient client, String id) {
    client.send(json("type", "ping", "id", id));
    client.expect(f -> "pong".equals(f.path("type").asText()) && id.equals(f.path("id").asText()), "pong " + id);
  }

  private static void assertRefusedForSize(JsonNode error) {
    assertThat(error.path("code").asText()).as(error.toString()).isEqualTo("bad_frame");
    assertThat(error.path("message").asText()).isEqualTo("frame larger than " + LIMIT + " bytes");
  }

  /** No pong for the refused ping: frames are answered in order, so the later pong settles it. */
  private static void assertNoPong(TestClient client, String id) {
    assertThat(client.received())
        .noneMatch(f -> "pong".equals(f.path("type").asText()) && id.equals(f.path("id").asText()));
  }

  @Test
  void aTextFrameOverTheLimitIsRefusedAndTheConnectionGoesOn() {
    try (TestClient client = TestClient.join(server.port(), ROOM, "whole", "Whole")) {
      client.sendText(pingOfSize("over-by-one", LIMIT + 1, 'x'));
      assertRefusedForSize(client.expect("error"));
      assertStillServed(client, "after-one");
      assertNoPong(client, "over-by-one");

      client.sendText(pingOfSize("far-over", 64 * LIMIT, 'x'));
      assertRefusedForSize(client.expect("error"));
      assertStillServed(client, "after-far");
      assertNoPong(client, "far-over");
    }
  }

  @Test
  void theLimitCountsUtf8BytesNotCharacters() {
    try (TestClient client = TestClient.join(server.port(), ROOM, "utf8", "Utf8")) {
      // 2-byte and 3-byte characters: fewer characters than the limit, more bytes
      String twoByte = pingOfSize("two-byte-over", LIMIT + 1, 'é');
      assertThat(twoByte.length()).isLessThan(LIMIT);
      client.sendText(twoByte);
      assertRefusedForSize(client.expect("error"));

      String threeByte = pingOfSize("three-byte-over", LIMIT + 1, '€');
      assertThat(threeByte.length()).isLessThan(LIMIT / 2);
      client.sendText(threeByte);
      assertRefusedForSize(client.expect("error"));

      client.sendText(pingOfSize("three-byte-at", LIMIT, '€'));
      client.expect(f -> "three-byte-at".equals(f.path("id").asText()), "pong three-byte-at");
      assertNoPong(client, "two-byte-over");
      assertNoPong(client, "three-byte-over");
    }
  }

  @Test
  void aFragmentedTextFrameOverTheLimitIsRefusedAndTheConnectionGoesOn() {
    try (TestClient client = TestClient.join(server.port(), ROOM, "fragments", "Fragments")) {
      String frame = pingOfSize("fragmented-over", LIMIT + 1, 'x');
      sendInFragments(client, frame, 1000);
      assertRefusedForSize(client.expect("error"));
      assertStillServed(client, "after-fragments");

      // far over, in many small fragments: nothing past the limit is kept, the answer is the same
      sendInFragments(client, pingOfSize("fragmented-far-over", 64 * LIMIT, 'é'), 700);
      assertRefusedForSize(client.expect("error"));
      assertStillServed(client, "after-many-fragments");
      assertNoPong(client, "fragmented-over");
      assertNoPong(client, "fragmented-far-over");
    }
  }

  @Test
  void framesAtAndJustUnderTheLimitAreAcceptedWholeOrInFragments() {
    try (TestClient client = TestClient.join(server.port(), ROOM, "fits", "Fits")) {
      client.sendText(pingOfSize("at-limit", LIMIT, 'x'));
      client.expect(f -> "at-limit".equals(f.path("id").asText()), "pong at-limit");
      client.sendText(pingOfSize("under-limit", LIMIT - 1, 'é'));
      client.expect(f -> "under-limit".equals(f.path("id").asText()), "pong under-limit");
      sendInFragments(client, pingOfSize("fragments-at-limit", LIMIT, 'é'), 1000);
      client.expect(f -> "fragments-at-limit".equals(f.path("id").asText()), "pong fragments-at-limit");

      // a frame at the limit that is a command is decoded and applied, too
      String prefix = "{\"type\":\"set\",\"id\":\"s1\",\"key\":\"big\",\"value\":\"";
      String suffix = "\"}";
      String set = prefix + "v".repeat(LIMIT - utf8Length(prefix + suffix)) + suffix;
      assertThat(utf8Length(set)).isEqualTo(LIMIT);
      client.sendText(set);
      JsonNode answer = client.expectAnswer("s1");
      assertThat(answer.path("type").asText()).as(answer.toString()).isEqualTo("ack");
      assertThat(client.received()).noneMatch(f -> "error".equals(f.path("type").asText()));
    }
  }

  @Test
  void aBinaryFrameIsRefusedAndTheConnectionGoesOn() {
    try (TestClient client = TestClient.join(server.port(), ROOM, "binary", "Binary")) {
      client.sendBinary(json("type", "ping", "id", "as-binary").toString().getBytes(StandardCharsets.UTF_8));
      JsonNode error = client.expect("error");
      assertThat(error.path("code").asText()).as(error.toString()).isEqualTo("bad_frame");
      assertThat(error.path("message").asText()).contains("binary");
      assertStillServed(client, "after-binary");
      assertNoPong(client, "as-binary");

      // one larger than the text limit is drained and refused the same way
      client.sendBinary(new byte[8 * LIMIT]);
      assertThat(client.expect("error").path("code").asText()).isEqualTo("bad_frame");
      assertStillServed(client, "after-big-binary");
    }
  }

  /** Sends {@code frame} as one streamed text message of fragments of {@code size} characters. */
  private static void sendInFragments(TestClient client, String frame, int size) {
    for (int at = 0; at < frame.length(); at += size) {
      int end = Math.min(frame.length(), at + size);
      client.sendPartialText(frame.substring(at, end), end == frame.length());
    }
  }
}
