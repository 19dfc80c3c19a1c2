package io.parley.ops;

import static io.parley.testing.TestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.parley.testing.ServerProcess;
import io.parley.testing.TestClient;
import io.parley.testing.Tokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node started as an operator starts it, logging JSON ({@code PARLEY_LOG_FORMAT=json}) at
 * DEBUG, in production mode with tokens: every line is a JSON object, the lines about a session
 * carry its room, user and session, every line its node, and neither the tokens nor what the
 * clients wrote appear anywhere.
 */
class LogsTest {

  private static final String ROOM = "team-logs";
  private static final String VALUE = "a-value-nobody-may-read-421";
  private static final String CHAT = "a-chat-message-nobody-may-read-977";

  @TempDir Path dir;

  @Test
  void jsonLinesCarryTheRoomUserSessionAndNodeAndNeitherTokensNorContents() {
    String annToken = token("ann");
    String bobToken = token("bob");
    String sessionId;
    String log;
    try (ServerProcess node =
        ServerProcess.start(
            dir,
            Map.of(
                "PARLEY_LOG_FORMAT", "json",
                "PARLEY_LOG_LEVEL", "DEBUG",
                "PARLEY_MODE", "production",
                "PARLEY_AUTH_MODE", "jwt",
                "PARLEY_AUTH_HS256_SECRET", Tokens.SECRET),
            Map.of("parley.limits.invalid-frames.max", "3"))) {
      String ws = "ws://127.0.0.1:" + node.port() + "/v1/rooms/" + ROOM + "/ws";
      try (TestClient ann = TestClient.open(URI.create(ws + "?access_token=" + annToken), Map.of(), List.of());
          TestClient bob =
              TestClient.open(URI.create(ws), Map.of("Authorization", "Bearer " + bobToken), List.of())) {
        ann.send(json("type", "hello"));
        sessionId = ann.expect("welcome").path("sessionId").asText();
        bob.send(json("type", "hello"));
        bob.expect("welcome");
        ann.send(json("type", "set", "id", "c1", "key", "k", "value", VALUE));
        ann.expectAnswer("c1");
        ann.send(json("type", "chat", "id", "c2", "text", CHAT));
        ann.expectAnswer("c2");
        bob.expectEvent("chat.posted");
        // a client that keeps sending what is not a frame is closed, logged at INFO
        for (int i = 0; i < 4; i++) {
          ann.sendText("not a frame " + i);
        }
        ann.expect(f -> "policy_violation".equals(f.path("code").asText()), "policy_violation");
        ann.awaitClosed();
        bob.send(json("type", "leave"));
        bob.awaitClosed();
      }
      assertThat(node.stop()).isZero();
      log = node.log();
    }

    List<JsonNode> lines = parse(log);
    List<JsonNode> aboutSession =
        lines.stream().filter(line -> sessionId.equals(line.path("sessionId").asText())).toList();
    assertThat(aboutSession).as("lines about ann's session").hasSizeGreaterThanOrEqualTo(3);
    for (JsonNode line : aboutSession) {
      assertThat(line.path("roomId").asText()).as(line.toString()).isEqualTo(ROOM);
      assertThat(line.path("userId").asText()).as(line.toString()).isEqualTo("ann");
      assertThat(line.path("node").asText()).as(line.toString()).startsWith("pekko://parley@");
    }
    assertThat(message(aboutSession, "closing a connection that keeps sending invalid frames"))
        .as("the INFO line of the close")
        .isNotNull();
    // the room's own lines about the session carry it too (the welcome goes through the room)
    assertThat(lines)
        .filteredOn(line -> line.path("message").asText().contains(sessionId))
        .allSatisfy(line -> assertThat(line.path("sessionId").asText()).isEqualTo(sessionId));

    JsonNode started = message(lines, "Parley started:");
    assertThat(started).isNotNull();
    assertThat(started.path("message").asText())
        .contains("node pekko://parley@", "journal H2", "production mode", "authentication on");
    assertThat(message(lines, "Parley stopped:")).isNotNull();
    int startedAt = lines.indexOf(started);
    assertThat(lines.subList(startedAt, lines.size()))
        .allSatisfy(line -> assertThat(line.has("node")).as(line.toString()).isTrue());
    assertThat(lines)
        .filteredOn(line -> List.of("WARN", "ERROR").contains(line.path("level").asText()))
        .as("warnings and errors of a single node's normal session")
        .isEmpty();

    for (String secret : List.of(annToken, bobToken, signature(annToken), signature(bobToken), Tokens.SECRET, VALUE, CHAT)) {
      assertThat(log).as("the log holds no token, secret or content").doesNotContain(secret);
    }
  }

  private static JsonNode message(List<JsonNode> lines, String start) {
    return lines.stream()
        .filter(line -> line.path("message").asText().startsWith(start))
        .findFirst()
        .orElse(null);
  }

  private static List<JsonNode> parse(String log) {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : log.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      try {
        JsonNode parsed = TestClient.JSON.readTree(line);
        assertThat(parsed.isObject()).as(line).isTrue();
        lines.add(parsed);
      } catch (IOException e) {
        throw new UncheckedIOException("not a JSON line: " + line, e);
      }
    }
    return lines;
  }

  private static String signature(String token) {
    return token.substring(token.lastIndexOf('.') + 1);
  }

  private static String token(String userId) {
    return Tokens.hs256(Tokens.claims(userId, userId, Map.of("team-*", "write")));
  }
}
